"""Payments and their allocation to invoices; an invoice's payment status is derived from them (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.companies.selectors import company_default
from saas.records.enums import RecordSource
from saas.records.services.records import record_create, record_update, write_check
from saas.sales import bookkeeping, error_codes, selectors
from saas.sales.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)

if TYPE_CHECKING:
    from saas.companies.models import Company

ZERO = Decimal("0.00")


def payment_record(*, actor, account, amount: Decimal, date: dt.date | None = None,
                   method: str = PaymentMethod.TRANSFER, reference: str = "", company: Company | None = None,
                   allocations: list[tuple[Invoice, Decimal]] = (), source: str = RecordSource.MANUAL,
                   custom: dict | None = None) -> Payment:
    """Record money received; allocate it at once if told to; the rest stays as the customer's credit."""
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = ValidationError(_("A payment is a positive amount."), code=error_codes.AMOUNT)
    if method not in PaymentMethod.values:
        errors["method"] = ValidationError(_("Unknown payment method."), code=error_codes.AMOUNT)
    if errors:
        raise ValidationError(errors)
    payment = record_create(actor=actor, model=Payment, source=source, fields={
        "company": company or company_default(), "account": account,
        "date": date or timezone.localdate(), "amount": amount, "method": method, "reference": reference or ""},
        custom=custom)
    # Allocated before it is posted: its entry credits each invoice it pays on a line of its own (DOMAIN.md 4.4).
    made = [_allocation_create(actor, payment, invoice, share) for invoice, share in allocations]
    bookkeeping.payment_recorded(actor=actor, payment=payment)
    for allocation in made:
        bookkeeping.allocation_changed(actor=actor, allocation=allocation, created=True)
    return payment


def payment_update(*, actor, payment: Payment, version: int, custom: dict | None = None) -> Payment:
    """Change a payment's custom fields: its amount, date and customer are in its bank entry, corrected by
    another payment or an unallocation, never rewritten."""
    return record_update(actor=actor, record=payment, version=version, fields={}, custom=custom)


def payment_allocate(*, actor, payment: Payment, invoice: Invoice, amount: Decimal) -> PaymentAllocation:
    """Settle (part of) an issued invoice of the same customer, within what the payment and the invoice leave;
    an allocation is part of its payment: the actor may change the payment."""
    allocation = _allocation_create(actor, payment, invoice, amount)
    bookkeeping.allocation_changed(actor=actor, allocation=allocation, created=True)
    return allocation


def _allocation_create(actor, payment: Payment, invoice: Invoice, amount: Decimal) -> PaymentAllocation:
    write_check(actor, payment, Action.EDIT)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    errors = []
    if invoice.account_id != payment.account_id:
        errors.append(ValidationError(_("The payment and the invoice belong to different customers."),
                                      code=error_codes.NOT_PAYABLE))
    if amount is None or amount <= 0:
        errors.append(ValidationError(_("An allocation is a positive amount."), code=error_codes.AMOUNT))
    try:
        invoice_payable_check(invoice, amount if amount and amount > 0 else None)
    except ValidationError as refusal:
        errors[:0] = refusal.error_list
    else:
        if amount and amount > unallocated(payment):
            errors.append(ValidationError(_("More than the payment has left (%(left)s).")
                                          % {"left": unallocated(payment)}, code=error_codes.OVER_ALLOCATION))
    if errors:
        raise ValidationError(errors)
    return PaymentAllocation.objects.create(payment=payment, invoice=invoice, ref_id=invoice.ref_id, amount=amount)


def invoice_payable_check(invoice: Invoice, amount: Decimal | None = None) -> None:
    """What paying an invoice `amount` (by default any amount) needs: issued, and owing that much still."""
    if invoice.status != InvoiceStatus.ISSUED:
        raise ValidationError(_("Only an issued invoice can be paid."), code=error_codes.NOT_PAYABLE)
    due = amount_due(invoice)
    if due <= 0:
        raise ValidationError(_("Nothing is left to pay on this invoice."), code=error_codes.OVER_ALLOCATION)
    if amount is not None and amount > due:
        raise ValidationError(_("More than the invoice still owes (%(due)s).") % {"due": due},
                              code=error_codes.OVER_ALLOCATION)


def payment_unallocate(*, actor, allocation: PaymentAllocation) -> None:
    """Undo an allocation (the invoice's history keeps it as UNLINKED); the actor may change the payment."""
    write_check(actor, allocation.payment, Action.EDIT)
    bookkeeping.allocation_changed(actor=actor, allocation=allocation, created=False)
    allocation.delete()


def unallocated(payment: Payment) -> Decimal:
    allocated = payment.allocations.aggregate(total=Sum("amount"))["total"] or ZERO
    return payment.amount - allocated


def amount_due(invoice: Invoice) -> Decimal:
    """What the customer still owes: total incl. VAT, less issued credit notes and allocated payments."""
    if hasattr(invoice, "open_amount"):
        return invoice.open_amount
    return selectors.invoices_with_amounts(Invoice.objects.filter(pk=invoice.pk)).get().open_amount


def payment_status(invoice: Invoice, today: dt.date | None = None) -> str:
    """Derived, never stored (DOMAIN.md §3.2): credited, paid, partially paid, overdue or unpaid."""
    if hasattr(invoice, "payment_status_value") and today is None:
        return invoice.payment_status_value
    return selectors.invoices_with_amounts(Invoice.objects.filter(pk=invoice.pk), today).get().payment_status_value
