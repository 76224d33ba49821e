"""Invoices made on a schedule: subscriptions (an order billed every period, DOMAIN.md 2.4) and consumption
(usage recorded over a period, billed once at period end, DOMAIN.md 2.5)."""

import calendar
import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.catalog.selectors import is_product
from saas.companies.selectors import company_default
from saas.records.enums import RecordSource
from saas.records.services.records import record_create, record_update
from saas.sales import error_codes
from saas.sales.models import (
    BillingFrequency,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    OrderStatus,
    SalesOrder,
    UsageRecord,
)
from saas.sales.services import document_line_add, invoice_issue, lines_copy, retotal

logger = logging.getLogger(__name__)
MONTHS = {BillingFrequency.MONTHLY: 1, BillingFrequency.QUARTERLY: 3, BillingFrequency.YEARLY: 12}


def order_schedule_set(*, actor, order: SalesOrder, frequency: str, start: dt.date | None = None,
                       end: dt.date | None = None, auto_issue: bool = False) -> SalesOrder:
    """Bill a confirmed order every period from `start` (until `end` if given); an empty frequency stops it."""
    errors = {}
    if frequency and frequency not in MONTHS:
        errors["frequency"] = ValidationError(_("Unknown billing frequency."), code=error_codes.SCHEDULE)
    if frequency and start is None:
        errors["start"] = ValidationError(_("A subscription needs a start date."), code=error_codes.SCHEDULE)
    if start and end and end < start:
        errors["end"] = ValidationError(_("A subscription cannot end before it starts."), code=error_codes.SCHEDULE)
    if order.status not in (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_INVOICED):
        errors["id"] = ValidationError(_("Only a confirmed order can be billed on a schedule."),
                                       code=error_codes.TRANSITION)
    if errors:
        raise ValidationError(errors)
    return record_update(actor=actor, record=order, version=order.version, fields={
        "billing_frequency": frequency or "", "billing_start": start if frequency else None,
        "billing_end": end if frequency else None, "next_billing_date": start if frequency else None,
        "billing_auto_issue": bool(auto_issue and frequency)})


def next_period_start(order: SalesOrder, start: dt.date) -> dt.date:
    """The start of the period after the one starting on `start`, counted from the subscription's first day so
    that 31 January is followed by 28 (or 29) February, then 31 March."""
    months = MONTHS[order.billing_frequency]
    step = 1
    while (following := _add_months(order.billing_start, step * months)) <= start:
        step += 1
    return following


def subscription_invoice_due(*, today: dt.date | None = None, actor=None) -> list[Invoice]:
    """One invoice per subscription period started on or before `today` and not yet billed, catching up missed
    periods; issued at once when the order says so. Safe to run concurrently: each order is locked, skipped if
    another run holds it. A period whose automatic issue is refused (say, an address missing) stays a draft."""
    today = today or timezone.localdate()
    invoices = []
    due = SalesOrder.objects.filter(billing_frequency__gt="", next_billing_date__lte=today, deleted_at__isnull=True,
                                    status__in=(OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_INVOICED))
    for order_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            order = SalesOrder.objects.select_for_update(skip_locked=True).filter(pk=order_id).first()
            while order and order.next_billing_date and order.next_billing_date <= today and (
                    order.billing_end is None or order.next_billing_date <= order.billing_end):
                invoice, order = _period_invoice(actor, order)
                invoices.append(invoice)
    return invoices


def _period_invoice(actor, order: SalesOrder) -> tuple[Invoice, SalesOrder]:
    start = order.next_billing_date
    end = next_period_start(order, start) - dt.timedelta(days=1)
    if order.billing_end:
        end = min(end, order.billing_end)
    invoice = record_create(actor=actor, model=Invoice, source=RecordSource.WORKFLOW,
                            owner_user=order.owner_user, owner_team=order.owner_team, fields={
                                "company": order.company, "account": order.account, "contact": order.contact,
                                "order": order, "currency": order.currency, "period_start": start, "period_end": end,
                                "customer_reference": order.customer_reference})
    lines_copy(order, invoice)
    invoice = retotal(actor, invoice)
    order = record_update(actor=actor, record=order, version=order.version,
                          fields={"next_billing_date": end + dt.timedelta(days=1)})
    if order.billing_auto_issue:
        try:
            with transaction.atomic():
                invoice = invoice_issue(actor=actor, invoice=invoice)
        except ValidationError as error:
            logger.warning("subscription invoice %s left as a draft: %s", invoice.pk, error.messages)
    return invoice, order


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def usage_record(*, actor, account, item, quantity: Decimal, date: dt.date | None = None,
                 reference: str = "") -> UsageRecord:
    """Record what a customer consumed (calls, hours, gigabytes…), billed at the end of its period."""
    if quantity is None or quantity <= 0:
        raise ValidationError({"quantity": ValidationError(_("A quantity is positive."), code=error_codes.QUANTITY)})
    product, service = (item, None) if is_product(item) else (None, item)
    return UsageRecord.objects.create(account=account, product=product, service=service, quantity=quantity,
                                      date=date or timezone.localdate(), reference=(reference or "").strip())


def usage_invoice(*, actor, account, period_start: dt.date, period_end: dt.date) -> Invoice:
    """A draft invoice of the account's unbilled usage in the period: one line per item, its quantity summed
    and priced by the price lists for that quantity. The usage records point to their line from then on."""
    if period_end < period_start:
        raise ValidationError({"periodEnd": ValidationError(_("A period cannot end before it starts."),
                                                            code=error_codes.SCHEDULE)})
    billed = Q(invoice_line__isnull=False, invoice_line__invoice__deleted_at__isnull=True) & ~Q(
        invoice_line__invoice__status=InvoiceStatus.CANCELLED)
    usage = list(UsageRecord.objects.select_for_update(of=("self",)).filter(
        account=account, date__range=(period_start, period_end)).exclude(billed).select_related(
        "product__unit", "service__unit", "product__vat_rate", "service__vat_rate"))
    if not usage:
        raise ValidationError(_("No unbilled usage in this period."), code=error_codes.NOTHING_TO_INVOICE)
    per_item = defaultdict(list)
    for record in usage:
        per_item[record.product or record.service].append(record)
    invoice = record_create(actor=actor, model=Invoice, fields={
        "company": company_default(), "account": account, "period_start": period_start, "period_end": period_end})
    for item, records in per_item.items():
        quantity = sum((record.quantity for record in records), Decimal("0"))
        invoice = document_line_add(actor=actor, document=invoice, item=item, quantity=quantity,
                                    description=_("%(item)s — usage from %(start)s to %(end)s")
                                    % {"item": item.name, "start": period_start.isoformat(),
                                       "end": period_end.isoformat()})
        line = InvoiceLine.objects.filter(invoice=invoice, kind=LineKind.ITEM).order_by("-position").first()
        UsageRecord.objects.filter(pk__in=[record.pk for record in records]).update(invoice_line=line)
    return invoice
