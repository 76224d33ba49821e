"""`make run` creates the demo tenant and its demo data once, then prints how to reach it. Here, in the sales app,
because the demo fills the modules sales builds on (CRM, catalog) and sales itself."""

import os

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from saas.catalog.demo import demo_catalog_fill
from saas.crm.demo import demo_crm_fill
from saas.sales.demo import demo_sales_fill
from tenants import selectors, services

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example.com"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password-2026")


class Command(BaseCommand):
    help = "Creates the demo tenant and its admin if missing, and prints the URL and credentials."

    def handle(self, *args, **options):
        tenant = selectors.tenant_get(slug=DEMO_SLUG)
        if tenant is None:
            admin = selectors.user_get_by_email(email=DEMO_EMAIL) or services.user_create(
                email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Admin", language="en")
            tenant = services.tenant_create(name="Demo Company", slug=DEMO_SLUG, admin=admin, language="en")
            self.stdout.write(self.style.SUCCESS("Demo tenant created."))
        admin = selectors.user_get_by_email(email=DEMO_EMAIL)
        with schema_context(DEMO_SLUG):
            accounts = demo_crm_fill(actor=admin)
            items = demo_catalog_fill(actor=admin)
            quotes = demo_sales_fill(actor=admin)
        if accounts or items or quotes:
            self.stdout.write(f"Demo data: {accounts} accounts with their contacts, {items} catalog items, "
                              f"{quotes} quotes with their orders, invoices and a payment.")
        api = selectors.tenant_url(tenant, "/graphql/")
        self.stdout.write(f"Demo tenant: {selectors.tenant_url(tenant)}  (API: {api})")
        self.stdout.write(f"Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
