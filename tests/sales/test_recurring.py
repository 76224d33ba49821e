"""Invoices made on a schedule: subscriptions (DOMAIN.md 2.4) and consumption (DOMAIN.md 2.5)."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from saas.sales import orders, recurring, services
from saas.sales.models import Invoice, InvoiceStatus, UsageRecord


@pytest.fixture
def subscription(customer, acme_admin):
    connection.set_schema("acme")
    order = orders.order_create(actor=acme_admin, account=customer["account"])
    order = services.document_line_add(actor=acme_admin, document=order, description="Hosting", quantity=Decimal("1"),
                                       unit_price=Decimal("100"), vat_rate=Decimal("20"))
    order = orders.order_confirm(actor=acme_admin, order=order)
    yield order
    connection.set_schema_to_public()


def test_each_due_period_is_invoiced_once_from_the_first_day(subscription, acme_admin):
    with pytest.raises(ValidationError) as refused:
        recurring.order_schedule_set(actor=acme_admin, order=subscription, frequency="monthly",
                                     start=dt.date(2026, 1, 31), end=dt.date(2026, 1, 1))
    assert refused.value.error_dict["end"][0].code == "schedule"
    order = recurring.order_schedule_set(actor=acme_admin, order=subscription, frequency="monthly",
                                         start=dt.date(2026, 1, 31), end=dt.date(2026, 4, 30))
    invoices = recurring.subscription_invoice_due(today=dt.date(2026, 3, 31))
    assert [(i.period_start, i.period_end) for i in invoices] == [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 27)), (dt.date(2026, 2, 28), dt.date(2026, 3, 30)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 29))]
    assert all(i.status == InvoiceStatus.DRAFT and i.total_incl_vat == Decimal("120.00") and i.order_id == order.pk
               for i in invoices)
    assert recurring.subscription_invoice_due(today=dt.date(2026, 3, 31)) == []  # already billed
    last = recurring.subscription_invoice_due(today=dt.date(2026, 12, 31))
    assert [(i.period_start, i.period_end) for i in last] == [(dt.date(2026, 4, 30), dt.date(2026, 4, 30))]
    assert recurring.subscription_invoice_due(today=dt.date(2027, 6, 1)) == []  # ended


def test_the_command_issues_automatically_in_each_tenant(subscription, acme_admin):
    today = dt.date.today()
    recurring.order_schedule_set(actor=acme_admin, order=subscription, frequency="quarterly", start=today,
                                 auto_issue=True)
    connection.set_schema_to_public()
    output = StringIO()
    call_command("invoice_subscriptions", "--tenant", "acme", stdout=output)
    assert "acme: 1 invoice(s)" in output.getvalue()
    connection.set_schema("acme")
    invoice = Invoice.objects.get(order=subscription)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number.startswith("FA-")
    assert invoice.period_end == recurring.next_period_start(subscription.__class__.objects.get(
        pk=subscription.pk), today) - dt.timedelta(days=1)


def test_usage_is_billed_once_per_period(customer, acme_admin):
    connection.set_schema("acme")
    account, saw = customer["account"], customer["saw"]
    for day, quantity in ((1, "2"), (15, "3.5"), (40, "1")):
        recurring.usage_record(actor=acme_admin, account=account, item=saw, quantity=Decimal(quantity),
                               date=dt.date(2026, 10, 1) + dt.timedelta(days=day - 1))
    invoice = recurring.usage_invoice(actor=acme_admin, account=account, period_start=dt.date(2026, 10, 1),
                                      period_end=dt.date(2026, 10, 31))
    line = invoice.lines.get()
    assert line.quantity == Decimal("5.5") and line.line_net == Decimal("2475.00")
    assert (invoice.period_start, invoice.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert UsageRecord.objects.filter(invoice_line=line).count() == 2
    with pytest.raises(ValidationError) as nothing:
        recurring.usage_invoice(actor=acme_admin, account=account, period_start=dt.date(2026, 10, 1),
                                period_end=dt.date(2026, 10, 31))
    assert nothing.value.code == "nothing_to_invoice"
    with pytest.raises(ValidationError) as negative:
        recurring.usage_record(actor=acme_admin, account=account, item=saw, quantity=Decimal("-1"))
    assert negative.value.error_dict["quantity"][0].code == "quantity"
    connection.set_schema_to_public()
