"""Reads of sales documents, for an actor."""

from django.db.models import QuerySet

from saas.sales.models import CreditNote, Invoice, PaymentAllocation


def invoice_list(*, actor, include_deleted: bool = False) -> QuerySet[Invoice]:
    invoices = Invoice.objects.all()
    return invoices if include_deleted else invoices.filter(deleted_at__isnull=True)


def invoice_get_for_actor(*, actor, invoice_id) -> Invoice | None:
    return invoice_list(actor=actor).filter(pk=invoice_id).first() if invoice_id is not None else None


def credit_note_get_for_actor(*, actor, credit_note_id) -> CreditNote | None:
    if credit_note_id is None:
        return None
    return CreditNote.objects.filter(pk=credit_note_id, deleted_at__isnull=True).first()


def allocation_get_for_actor(*, actor, allocation_id) -> PaymentAllocation | None:
    if allocation_id is None:
        return None
    return PaymentAllocation.objects.select_related("payment").filter(pk=allocation_id).first()
