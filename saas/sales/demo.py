"""Demo sales: quotes at each stage, orders invoiced in full, in part and after a deposit, a subscription,
issued invoices with a payment, so every list and status of the sales module has something to show."""

import datetime as dt
from decimal import Decimal

import pghistory
from django.db import transaction
from django.utils import timezone

from saas.catalog.selectors import product_list, service_list
from saas.crm.selectors import account_list
from saas.records.enums import RecordSource
from saas.sales import orders, payments, quotes, recurring, services
from saas.sales.models import Quote


def demo_sales_fill(*, actor) -> int:
    """Fill an empty sales module from the demo accounts and catalog; returns how many quotes were made."""
    if Quote.objects.exists():
        return 0
    accounts = list(account_list(actor=actor).exclude(billing_city="").order_by("id")[:6])
    items = list(product_list(actor=actor).order_by("id")[:6]) + list(service_list(actor=actor).order_by("id")[:4])
    if not accounts or not items:
        return 0
    today = timezone.localdate()
    with transaction.atomic(), pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        made = []
        for index, account in enumerate(accounts):
            quote = quotes.quote_create(actor=actor, account=account, date=today - dt.timedelta(days=20 - index))
            for offset in range(3):
                item = items[(index + offset) % len(items)]
                quote = services.document_line_add(actor=actor, document=quote, item=item,
                                                   quantity=Decimal(offset + 1))
            made.append(quote)
        for quote in made[1:]:
            quotes.quote_send(actor=actor, quote=quote)
        quotes.quote_refuse(actor=actor, quote=Quote.objects.get(pk=made[1].pk))
        for quote in made[2:]:
            quotes.quote_accept(actor=actor, quote=Quote.objects.get(pk=quote.pk))
        full, partial, deposit, subscription = (
            quotes.quote_to_order(actor=actor, quote=Quote.objects.get(pk=quote.pk)) for quote in made[2:6])
        invoice = services.invoice_issue(actor=actor, invoice=orders.order_to_invoice(actor=actor, order=full))
        payments.payment_record(actor=actor, account=invoice.account, amount=invoice.total_incl_vat,
                                reference="VIR-DEMO-1", allocations=[(invoice, invoice.total_incl_vat)])
        orders.order_to_invoice(actor=actor, order=partial, quantities={1: Decimal("1")})
        services.invoice_issue(actor=actor, invoice=orders.order_deposit_invoice(actor=actor, order=deposit,
                                                                                 percent=Decimal("30")))
        recurring.order_schedule_set(actor=actor, order=subscription, frequency="monthly",
                                     start=today.replace(day=1))
    return len(made)
