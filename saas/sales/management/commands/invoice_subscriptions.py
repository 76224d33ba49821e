"""Daily sales upkeep in every active tenant (or one): invoice the subscription periods that are due and
expire the quotes past their validity date. The planner runs it each morning; it is safe to run again."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import tenant_context

from saas.sales.quotes import quotes_expire
from saas.sales.recurring import subscription_invoice_due
from tenants.enums import TenantStatus
from tenants.selectors import tenant_list


class Command(BaseCommand):
    help = "Invoice due subscription periods and expire old quotes, in each active tenant."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Act as on this day (YYYY-MM-DD).")
        parser.add_argument("--tenant", help="Only this tenant (its slug).")

    def handle(self, *args, date=None, tenant=None, **options):
        tenants = tenant_list(status=TenantStatus.ACTIVE)
        if tenant:
            tenants = tenants.filter(schema_name=tenant)
            if not tenants.exists():
                raise CommandError(f"No active tenant {tenant!r}.")
        for each in tenants:
            with tenant_context(each):
                invoices = subscription_invoice_due(today=date)
                with transaction.atomic():
                    expired = quotes_expire(today=date)
            self.stdout.write(f"{each.schema_name}: {len(invoices)} invoice(s), {expired} quote(s) expired")
