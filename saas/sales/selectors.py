"""Reads of sales documents, for an actor."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from saas.access.visibility import visible
from saas.sales.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
    Quote,
    SalesOrder,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)


def invoice_list(*, actor, include_deleted: bool = False) -> QuerySet[Invoice]:
    invoices = visible(Invoice.objects.all(), actor=actor, module="invoices")
    return invoices if include_deleted else invoices.filter(deleted_at__isnull=True)


def invoices_with_amounts(invoices: QuerySet[Invoice], today: dt.date | None = None) -> QuerySet[Invoice]:
    """Each invoice with `credited_amount`, `paid_amount`, `open_amount` and `payment_status_value` computed in
    the same query (DOMAIN.md 3.2), so a page of invoices costs no query per invoice."""
    credited = CreditNote.objects.filter(invoice=OuterRef("pk"), status=InvoiceStatus.ISSUED).order_by().values(
        "invoice").annotate(total=Sum("total_incl_vat")).values("total")
    paid = PaymentAllocation.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice").annotate(
        total=Sum("amount")).values("total")
    zero = Value(Decimal("0.00"), output_field=MONEY)
    return invoices.annotate(
        credited_amount=Coalesce(Subquery(credited, output_field=MONEY), zero),
        paid_amount=Coalesce(Subquery(paid, output_field=MONEY), zero),
    ).annotate(
        open_amount=Greatest(F("total_incl_vat") - F("credited_amount") - F("paid_amount"), zero),
    ).annotate(payment_status_value=Case(
        When(total_incl_vat__gt=0, credited_amount__gte=F("total_incl_vat"), then=Value(PaymentStatus.CREDITED)),
        When(open_amount=0, then=Value(PaymentStatus.PAID)),
        When(due_date__lt=today or timezone.localdate(), then=Value(PaymentStatus.OVERDUE)),
        When(paid_amount__gt=0, then=Value(PaymentStatus.PARTIALLY_PAID)),
        default=Value(PaymentStatus.UNPAID)))


def invoices_in_payment_status(statuses: list[str], today: dt.date | None = None) -> Q:
    """The condition "issued, and its payment status is one of `statuses`", for list filters."""
    matching = invoices_with_amounts(Invoice.objects.filter(status__in=(InvoiceStatus.ISSUED,
                                                                        InvoiceStatus.CANCELLED)), today)
    return Q(pk__in=matching.filter(payment_status_value__in=statuses).values("pk"))


def quote_list(*, actor, include_deleted: bool = False) -> QuerySet[Quote]:
    quotes = visible(Quote.objects.all(), actor=actor, module="quotes")
    return quotes if include_deleted else quotes.filter(deleted_at__isnull=True)


def order_list(*, actor, include_deleted: bool = False) -> QuerySet[SalesOrder]:
    orders = visible(SalesOrder.objects.all(), actor=actor, module="sales_orders")
    return orders if include_deleted else orders.filter(deleted_at__isnull=True)


def credit_note_list(*, actor, include_deleted: bool = False) -> QuerySet[CreditNote]:
    credit_notes = visible(CreditNote.objects.all(), actor=actor, module="credit_notes")
    return credit_notes if include_deleted else credit_notes.filter(deleted_at__isnull=True)


def payment_list(*, actor, include_deleted: bool = False) -> QuerySet[Payment]:
    payments = visible(Payment.objects.all(), actor=actor, module="payments")
    return payments if include_deleted else payments.filter(deleted_at__isnull=True)






def invoice_sales_by_month(*, actor, months: int, today: dt.date | None = None) -> list[tuple[dt.date, Decimal]]:
    """Issued invoices' totals excluding VAT per month of issue, the `months` last months up to this one (empty
    months at zero), in one query: the dashboard's sales chart."""
    from django.db.models.functions import TruncMonth

    today = today or timezone.localdate()
    first = today.replace(day=1)
    starts = []
    for _ in range(max(months, 1)):
        starts.insert(0, first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    totals = dict(invoice_list(actor=actor).filter(status=InvoiceStatus.ISSUED, issue_date__gte=starts[0],
                                                   issue_date__lte=today)
                  .annotate(month=TruncMonth("issue_date")).order_by().values("month")
                  .annotate(total=Sum("total_excl_vat")).values_list("month", "total"))
    return [(start, totals.get(start) or Decimal("0.00")) for start in starts]


def invoice_overdue_summary(*, actor, today: dt.date | None = None) -> tuple[int, Decimal]:
    """How many issued invoices are past due with money still due, and how much, in one query."""
    from django.db.models import Count

    overdue = invoices_with_amounts(invoice_list(actor=actor).filter(status=InvoiceStatus.ISSUED), today).filter(
        payment_status_value=PaymentStatus.OVERDUE)
    totals = overdue.aggregate(count=Count("id"), amount=Sum("open_amount"))
    return totals["count"], totals["amount"] or Decimal("0.00")


def allocation_get_for_actor(*, actor, allocation_id) -> PaymentAllocation | None:
    if allocation_id is None:
        return None
    return PaymentAllocation.objects.select_related("payment").filter(pk=allocation_id).first()


# What the modules above sales (accounting, banking, SEPA) read of its documents, so that they never import its
# models (the import contract "models-stay-home").

def is_credit_note(document) -> bool:
    return isinstance(document, CreditNote)


def is_deposit_invoice(document) -> bool:
    return isinstance(document, Invoice) and document.kind == InvoiceKind.DEPOSIT


def is_issued(document) -> bool:
    return document.status == InvoiceStatus.ISSUED


def invoice_of(document) -> Invoice:
    """The invoice itself, or the invoice a credit note credits."""
    # Read, not `document.invoice`: cached on the credit note, it would go stale once issuing cancels the invoice.
    return Invoice.objects.get(pk=document.invoice_id) if isinstance(document, CreditNote) else document


def item_lines(document) -> QuerySet:
    """The item lines of an invoice, credit note or order (not its titles, notes or subtotals)."""
    return document.lines.filter(kind=LineKind.ITEM)


def issued_credit_notes(invoice: Invoice) -> list[CreditNote]:
    return list(invoice.credit_notes.filter(status=InvoiceStatus.ISSUED).prefetch_related("lines"))


def open_invoices(*, company_id) -> QuerySet[Invoice]:
    """The company's issued invoices still owing something, with their amounts (`invoices_with_amounts`)."""
    return invoices_with_amounts(Invoice.objects.filter(
        status=InvoiceStatus.ISSUED, deleted_at__isnull=True, company_id=company_id)).filter(open_amount__gt=0)


def non_cash_payments(*, company_id, amount: Decimal) -> QuerySet[Payment]:
    """The company's payments of `amount` that went through a bank (not cash), newest first."""
    return Payment.objects.filter(deleted_at__isnull=True, company_id=company_id, amount=amount).exclude(
        method=PaymentMethod.CASH).select_related("account").order_by("-date", "-id")



def issued_euro_invoices(*, company_id) -> QuerySet[Invoice]:
    """The company's issued invoices in euros (what a SEPA direct debit may collect)."""
    return Invoice.objects.filter(company_id=company_id, status=InvoiceStatus.ISSUED, currency="EUR",
                                  deleted_at__isnull=True)


def invoice_item_bases(invoice_ids: set[int]) -> dict[tuple[int, Decimal], Decimal]:
    """The base per (invoice, rate), as the invoice computes it: its item lines' nets summed per rate."""
    return _item_bases(InvoiceLine, "invoice_id", invoice_ids)


def credit_note_item_bases(credit_note_ids: set[int]) -> dict[tuple[int, Decimal], Decimal]:
    return _item_bases(CreditNoteLine, "credit_note_id", credit_note_ids)


def _item_bases(model, document_field: str, ids: set[int]) -> dict[tuple[int, Decimal], Decimal]:
    if not ids:
        return {}
    rows = (model.objects.filter(**{f"{document_field}__in": ids}, kind=LineKind.ITEM)
            .values(document_field, "vat_rate").annotate(base=Sum("line_net")))
    return {(row[document_field], Decimal(row["vat_rate"])): row["base"] for row in rows}
