"""Reads of sales documents, for an actor."""

from django.db.models import QuerySet

from saas.sales.models import Invoice


def invoice_list(*, actor, include_deleted: bool = False) -> QuerySet[Invoice]:
    invoices = Invoice.objects.all()
    return invoices if include_deleted else invoices.filter(deleted_at__isnull=True)


def invoice_get_for_actor(*, actor, invoice_id) -> Invoice | None:
    return invoice_list(actor=actor).filter(pk=invoice_id).first() if invoice_id is not None else None
