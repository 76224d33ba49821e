"""Invoices in the graph."""

import datetime as dt
from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.core.graph import IsMember, global_pk, mutation
from saas.records.api.schema import record_of
from saas.records.api.types import request_source
from saas.sales import error_codes, payments, selectors, services
from saas.sales.api.types import CreditNoteType, InvoiceType, LineKind, PaymentMethod, PaymentType


@strawberry.input
class InvoiceLineInput:
    kind: LineKind = LineKind.ITEM
    item_id: relay.GlobalID | None = strawberry.field(default=None, description="A product or a service.")
    description: str = ""
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = strawberry.field(default=None, description="Default: the price-list price.")
    discount_percent: Decimal = Decimal("0")
    vat_rate: Decimal | None = None


def _invoice(info: Info, global_id):
    invoice = selectors.invoice_get_for_actor(actor=info.context.user, invoice_id=global_pk(global_id, "Invoice"))
    if invoice is None:
        raise ValidationError({"id": ValidationError(_("No such invoice."), code=error_codes.NOT_FOUND)})
    return invoice


def _line_add(info: Info, document, input: InvoiceLineInput):
    item = record_of(info, input.item_id, field="itemId", types=("Product", "Service")) if input.item_id else None
    return services.document_line_add(
        actor=info.context.user, document=document, kind=input.kind.value, item=item, description=input.description,
        quantity=input.quantity, unit_price=input.unit_price, discount_percent=input.discount_percent,
        vat_rate=input.vat_rate)


def _credit_note(info: Info, global_id):
    credit_note = selectors.credit_note_get_for_actor(actor=info.context.user,
                                                      credit_note_id=global_pk(global_id, "CreditNote"))
    if credit_note is None:
        raise ValidationError({"id": ValidationError(_("No such credit note."), code=error_codes.NOT_FOUND)})
    return credit_note


@strawberry.input
class AllocationInput:
    invoice_id: relay.GlobalID
    amount: Decimal


@strawberry.input
class PaymentInput:
    account_id: relay.GlobalID
    amount: Decimal
    date: dt.date | None = None
    method: PaymentMethod = PaymentMethod.TRANSFER
    reference: str = ""
    allocations: list[AllocationInput] = strawberry.field(default_factory=list)


@strawberry.type
class SalesQuery:
    invoices: DjangoListConnection[InvoiceType] = strawberry_django.connection(permission_classes=[IsMember])


@strawberry.type
class SalesMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="A draft invoice (no number until it is issued).")
    @mutation
    def invoice_create(self, info: Info, account_id: relay.GlobalID, contact_id: relay.GlobalID | None = None,
                       notes: str = "") -> InvoiceType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        contact = record_of(info, contact_id, field="contactId", types=("Contact",)) if contact_id else None
        return services.invoice_create(actor=info.context.user, account=account, contact=contact, notes=notes,
                                       source=request_source(info))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def invoice_line_add(self, info: Info, invoice_id: relay.GlobalID, input: InvoiceLineInput) -> InvoiceType:
        return _line_add(info, _invoice(info, invoice_id), input)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Issue a draft: number from the company's gapless series, then frozen.")
    @mutation
    def invoice_issue(self, info: Info, id: relay.GlobalID, issue_date: date | None = None) -> InvoiceType:
        return services.invoice_issue(actor=info.context.user, invoice=_invoice(info, id), issue_date=issue_date)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Cancel an issued invoice by a full credit note, issued at once.")
    @mutation
    def invoice_cancel(self, info: Info, id: relay.GlobalID, reason: str = "") -> CreditNoteType:
        return services.invoice_cancel(actor=info.context.user, invoice=_invoice(info, id), reason=reason)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="A draft credit note on an issued invoice: all its lines, or none.")
    @mutation
    def credit_note_create(self, info: Info, invoice_id: relay.GlobalID, reason: str = "",
                           full: bool = True) -> CreditNoteType:
        invoice = selectors.invoice_get_for_actor(actor=info.context.user, invoice_id=global_pk(invoice_id, "Invoice"))
        if invoice is None:
            raise ValidationError({"invoiceId": ValidationError(_("No such invoice."), code=error_codes.NOT_FOUND)})
        return services.credit_note_create(actor=info.context.user, invoice=invoice, reason=reason, full=full)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def credit_note_line_add(self, info: Info, credit_note_id: relay.GlobalID,
                             input: InvoiceLineInput) -> CreditNoteType:
        return _line_add(info, _credit_note(info, credit_note_id), input)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def credit_note_issue(self, info: Info, id: relay.GlobalID, issue_date: date | None = None) -> CreditNoteType:
        return services.credit_note_issue(actor=info.context.user, credit_note=_credit_note(info, id),
                                          issue_date=issue_date)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Record money received, allocated to invoices or kept as credit.")
    @mutation
    def payment_record(self, info: Info, input: PaymentInput) -> PaymentType:
        account = record_of(info, input.account_id, field="accountId", types=("Account",))
        allocations = [(_invoice(info, a.invoice_id), a.amount) for a in input.allocations]
        return payments.payment_record(actor=info.context.user, account=account, amount=input.amount, date=input.date,
                                       method=input.method.value, reference=input.reference, allocations=allocations,
                                       source=request_source(info))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def payment_allocate(self, info: Info, payment_id: relay.GlobalID, invoice_id: relay.GlobalID,
                         amount: Decimal) -> PaymentType:
        payment = record_of(info, payment_id, field="paymentId", types=("Payment",))
        payments.payment_allocate(actor=info.context.user, payment=payment, invoice=_invoice(info, invoice_id),
                                  amount=amount)
        return payment

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def payment_unallocate(self, info: Info, allocation_id: relay.GlobalID) -> PaymentType:
        allocation = selectors.allocation_get_for_actor(actor=info.context.user,
                                                        allocation_id=global_pk(allocation_id, "PaymentAllocation"))
        if allocation is None:
            raise ValidationError({"allocationId": ValidationError(_("Not found."), code=error_codes.NOT_FOUND)})
        payment = allocation.payment
        payments.payment_unallocate(actor=info.context.user, allocation=allocation)
        return payment
