"""Sales documents in the graph: one mutation per business verb, each through a service."""

import datetime as dt
from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.core.graph import global_pk, mutation, needs, verb
from saas.records.api.schema import record_of
from saas.records.api.types import request_source
from saas.sales import error_codes, orders, payments, quotes, recurring, selectors, services
from saas.sales.api.types import (
    BillingFrequency,
    CreditNoteType,
    InvoiceType,
    LineKind,
    PaymentMethod,
    PaymentType,
    QuoteType,
    SalesOrderType,
    UsageRecordType,
)


@strawberry.input
class InvoiceLineInput:
    kind: LineKind = LineKind.ITEM
    item_id: relay.GlobalID | None = strawberry.field(default=None, description="A product or a service.")
    description: str = ""
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = strawberry.field(default=None, description="Default: the price-list price.")
    discount_percent: Decimal = Decimal("0")
    vat_rate: Decimal | None = None


def _invoice(info: Info, global_id, field: str = "id"):
    return record_of(info, global_id, field=field, types=("Invoice",))


def _line(info: Info, input: InvoiceLineInput) -> dict:
    item = record_of(info, input.item_id, field="itemId", types=("Product", "Service")) if input.item_id else None
    return {"kind": input.kind.value, "item": item, "description": input.description, "quantity": input.quantity,
            "unit_price": input.unit_price, "discount_percent": input.discount_percent, "vat_rate": input.vat_rate}


def _line_add(info: Info, document, input: InvoiceLineInput):
    return services.document_line_add(actor=info.context.user, document=document, **_line(info, input))


def _line_update(info: Info, document, position: int, input: InvoiceLineInput):
    return services.document_line_update(actor=info.context.user, document=document, position=position,
                                         **_line(info, input))


def _line_remove(info: Info, document, position: int):
    return services.document_line_remove(actor=info.context.user, document=document, position=position)


def _quote(info: Info, global_id):
    return record_of(info, global_id, field="id", types=("Quote",))


def _order(info: Info, global_id):
    return record_of(info, global_id, field="id", types=("SalesOrder",))


@strawberry.input(description="The header of a draft document; omitted fields keep their value.")
class DocumentUpdateInput:
    contact_id: relay.GlobalID | None = UNSET
    notes: str | None = UNSET
    valid_until: date | None = strawberry.field(default=UNSET, description="Quotes only.")
    customer_reference: str | None = strawberry.field(default=UNSET, description="Orders only.")
    custom: JSON | None = strawberry.field(default=UNSET, description="Custom field values by key (null clears).")


def _update(info: Info, document, version: int, input: DocumentUpdateInput):
    fields = {name: value for name, value in (("notes", input.notes), ("valid_until", input.valid_until),
                                              ("customer_reference", input.customer_reference))
              if value is not UNSET}
    if input.contact_id is not UNSET:
        fields["contact"] = record_of(info, input.contact_id, field="contactId",
                                      types=("Contact",)) if input.contact_id else None
    return services.document_update(actor=info.context.user, document=document, version=version, fields=fields,
                                    custom=input.custom or None)


@strawberry.input(description="A quantity to invoice on the order line at `position`.")
class LineQuantityInput:
    position: int
    quantity: Decimal


@strawberry.input(description="The cumulative completion percentage of the order line at `position`.")
class LinePercentInput:
    position: int
    percent: Decimal


def _credit_note(info: Info, global_id):
    return record_of(info, global_id, field="id", types=("CreditNote",))


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
    custom: JSON | None = strawberry.field(default=None, description="Custom field values by key.")


@strawberry.input(description="What a recorded payment lets change; omitted fields keep their value.")
class PaymentUpdateInput:
    custom: JSON | None = strawberry.field(default=UNSET, description="Custom field values by key (null clears).")


@strawberry.type
class SalesQuery:
    quotes: DjangoListConnection[QuoteType] = strawberry_django.connection(
        permission_classes=[needs("quotes", Action.VIEW)])
    sales_orders: DjangoListConnection[SalesOrderType] = strawberry_django.connection(
        permission_classes=[needs("sales_orders", Action.VIEW)])
    invoices: DjangoListConnection[InvoiceType] = strawberry_django.connection(
        permission_classes=[needs("invoices", Action.VIEW)])
    credit_notes: DjangoListConnection[CreditNoteType] = strawberry_django.connection(
        permission_classes=[needs("credit_notes", Action.VIEW)])
    payments: DjangoListConnection[PaymentType] = strawberry_django.connection(
        permission_classes=[needs("payments", Action.VIEW)])



@strawberry.type
class QuoteMutation:
    @verb(needs("quotes", Action.CREATE), "A draft quote, valid 30 days unless `validUntil` says otherwise.")
    def quote_create(self, info: Info, account_id: relay.GlobalID, contact_id: relay.GlobalID | None = None,
                     valid_until: date | None = None, notes: str = "", custom: JSON | None = None) -> QuoteType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        contact = record_of(info, contact_id, field="contactId", types=("Contact",)) if contact_id else None
        return quotes.quote_create(actor=info.context.user, account=account, contact=contact,
                                   valid_until=valid_until, notes=notes, source=request_source(info), custom=custom)

    @verb(needs("quotes", Action.EDIT),
          "Change a draft or sent quote's header; `version` guards against concurrent edits.")
    def quote_update(self, info: Info, id: relay.GlobalID, version: int, input: DocumentUpdateInput) -> QuoteType:
        return _update(info, _quote(info, id), version, input)

    @verb(needs("quotes", Action.EDIT))
    def quote_line_add(self, info: Info, quote_id: relay.GlobalID, input: InvoiceLineInput) -> QuoteType:
        return _line_add(info, _quote(info, quote_id), input)

    @verb(needs("quotes", Action.EDIT), "Replace the line at `position`.")
    def quote_line_update(self, info: Info, quote_id: relay.GlobalID, position: int,
                          input: InvoiceLineInput) -> QuoteType:
        return _line_update(info, _quote(info, quote_id), position, input)

    @verb(needs("quotes", Action.EDIT))
    def quote_line_remove(self, info: Info, quote_id: relay.GlobalID, position: int) -> QuoteType:
        return _line_remove(info, _quote(info, quote_id), position)

    @verb(needs("quotes", Action.EDIT), "Mark a quote as sent (`documentSend` e-mails it and does this too).")
    def quote_send(self, info: Info, id: relay.GlobalID) -> QuoteType:
        return quotes.quote_send(actor=info.context.user, quote=_quote(info, id))

    @verb(needs("quotes", Action.EDIT), "The customer accepted the quote (refused once its validity date has passed).")
    def quote_accept(self, info: Info, id: relay.GlobalID) -> QuoteType:
        return quotes.quote_accept(actor=info.context.user, quote=_quote(info, id))

    @verb(needs("quotes", Action.EDIT))
    def quote_refuse(self, info: Info, id: relay.GlobalID) -> QuoteType:
        return quotes.quote_refuse(actor=info.context.user, quote=_quote(info, id))

    @verb(needs("sales_orders", Action.CREATE), "A confirmed order from an accepted quote, its lines copied.")
    def quote_to_order(self, info: Info, id: relay.GlobalID, customer_reference: str = "") -> SalesOrderType:
        return quotes.quote_to_order(actor=info.context.user, quote=_quote(info, id),
                                     customer_reference=customer_reference)


@strawberry.type
class OrderMutation:
    @verb(needs("sales_orders", Action.CREATE), "A draft sales order.")
    def order_create(self, info: Info, account_id: relay.GlobalID, contact_id: relay.GlobalID | None = None,
                     customer_reference: str = "", notes: str = "", custom: JSON | None = None) -> SalesOrderType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        contact = record_of(info, contact_id, field="contactId", types=("Contact",)) if contact_id else None
        return orders.order_create(actor=info.context.user, account=account, contact=contact, notes=notes,
                                   customer_reference=customer_reference, source=request_source(info), custom=custom)

    @verb(needs("sales_orders", Action.EDIT), "Change an order's header until it is invoiced.")
    def order_update(self, info: Info, id: relay.GlobalID, version: int,
                     input: DocumentUpdateInput) -> SalesOrderType:
        return _update(info, _order(info, id), version, input)

    @verb(needs("sales_orders", Action.EDIT))
    def order_line_add(self, info: Info, order_id: relay.GlobalID, input: InvoiceLineInput) -> SalesOrderType:
        return _line_add(info, _order(info, order_id), input)

    @verb(needs("sales_orders", Action.EDIT), "Replace the line at `position`.")
    def order_line_update(self, info: Info, order_id: relay.GlobalID, position: int,
                          input: InvoiceLineInput) -> SalesOrderType:
        return _line_update(info, _order(info, order_id), position, input)

    @verb(needs("sales_orders", Action.EDIT))
    def order_line_remove(self, info: Info, order_id: relay.GlobalID, position: int) -> SalesOrderType:
        return _line_remove(info, _order(info, order_id), position)

    @verb(needs("sales_orders", Action.EDIT))
    def order_confirm(self, info: Info, id: relay.GlobalID) -> SalesOrderType:
        return orders.order_confirm(actor=info.context.user, order=_order(info, id))

    @verb(needs("sales_orders", Action.EDIT), "Cancel an order nothing was invoiced from.")
    def order_cancel(self, info: Info, id: relay.GlobalID) -> SalesOrderType:
        return orders.order_cancel(actor=info.context.user, order=_order(info, id))

    @verb(needs("invoices", Action.CREATE),
          "A draft invoice of what remains, or of the given quantities (partial invoicing). The invoice that "
          "completes the order deducts its deposit invoices.")
    def order_to_invoice(self, info: Info, id: relay.GlobalID,
                         lines: list[LineQuantityInput] | None = None) -> InvoiceType:
        quantities = {line.position: line.quantity for line in lines} if lines is not None else None
        return orders.order_to_invoice(actor=info.context.user, order=_order(info, id), quantities=quantities)

    @verb(needs("invoices", Action.CREATE), "A draft deposit invoice of `percent` % of the order, VAT split per rate.")
    def order_deposit_invoice(self, info: Info, id: relay.GlobalID, percent: Decimal) -> InvoiceType:
        return orders.order_deposit_invoice(actor=info.context.user, order=_order(info, id), percent=percent)

    @verb(needs("invoices", Action.CREATE), "A draft progress invoice from cumulative completion percentages per line.")
    def order_progress_invoice(self, info: Info, id: relay.GlobalID, lines: list[LinePercentInput]) -> InvoiceType:
        return orders.order_progress_invoice(actor=info.context.user, order=_order(info, id),
                                             percents={line.position: line.percent for line in lines})

    @verb(needs("sales_orders", Action.EDIT),
          "Bill the order every period from `start` (a subscription); no frequency stops it.")
    def order_schedule_set(self, info: Info, id: relay.GlobalID, frequency: BillingFrequency | None = None,
                           start: date | None = None, end: date | None = None,
                           auto_issue: bool = False) -> SalesOrderType:
        return recurring.order_schedule_set(actor=info.context.user, order=_order(info, id),
                                            frequency=frequency.value if frequency else "", start=start, end=end,
                                            auto_issue=auto_issue)

    @verb(needs("sales_orders", Action.EDIT),
          "Record a quantity a customer consumed, billed by `usageInvoice` at period end.")
    def usage_record(self, info: Info, account_id: relay.GlobalID, item_id: relay.GlobalID, quantity: Decimal,
                     date: dt.date | None = None, reference: str = "") -> UsageRecordType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        item = record_of(info, item_id, field="itemId", types=("Product", "Service"))
        return recurring.usage_record(actor=info.context.user, account=account, item=item, quantity=quantity,
                                      date=date, reference=reference)

    @verb(needs("invoices", Action.CREATE),
          "A draft invoice of the account's unbilled usage in the period, one line per item.")
    def usage_invoice(self, info: Info, account_id: relay.GlobalID, period_start: date,
                      period_end: date) -> InvoiceType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        return recurring.usage_invoice(actor=info.context.user, account=account, period_start=period_start,
                                       period_end=period_end)


@strawberry.type
class SalesMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("invoices", Action.CREATE)],
                                description="A draft invoice (no number until it is issued).")
    @mutation
    def invoice_create(self, info: Info, account_id: relay.GlobalID, contact_id: relay.GlobalID | None = None,
                       notes: str = "", custom: JSON | None = None) -> InvoiceType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        contact = record_of(info, contact_id, field="contactId", types=("Contact",)) if contact_id else None
        return services.invoice_create(actor=info.context.user, account=account, contact=contact, notes=notes,
                                       source=request_source(info), custom=custom)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("invoices", Action.EDIT)])
    @mutation
    def invoice_line_add(self, info: Info, invoice_id: relay.GlobalID, input: InvoiceLineInput) -> InvoiceType:
        return _line_add(info, _invoice(info, invoice_id), input)

    @verb(needs("invoices", Action.EDIT), "Change a draft invoice's header (contact, notes).")
    def invoice_update(self, info: Info, id: relay.GlobalID, version: int, input: DocumentUpdateInput) -> InvoiceType:
        return _update(info, _invoice(info, id), version, input)

    @verb(needs("invoices", Action.EDIT), "Replace the line at `position` of a draft.")
    def invoice_line_update(self, info: Info, invoice_id: relay.GlobalID, position: int,
                            input: InvoiceLineInput) -> InvoiceType:
        return _line_update(info, _invoice(info, invoice_id), position, input)

    @verb(needs("invoices", Action.EDIT))
    def invoice_line_remove(self, info: Info, invoice_id: relay.GlobalID, position: int) -> InvoiceType:
        return _line_remove(info, _invoice(info, invoice_id), position)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("invoices", Action.EDIT)],
                                description="Issue a draft: number from the company's gapless series, then frozen.")
    @mutation
    def invoice_issue(self, info: Info, id: relay.GlobalID, issue_date: date | None = None) -> InvoiceType:
        return services.invoice_issue(actor=info.context.user, invoice=_invoice(info, id), issue_date=issue_date)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("credit_notes", Action.CREATE)],
                                description="Cancel an issued invoice by a full credit note, issued at once.")
    @mutation
    def invoice_cancel(self, info: Info, id: relay.GlobalID, reason: str = "") -> CreditNoteType:
        return services.invoice_cancel(actor=info.context.user, invoice=_invoice(info, id), reason=reason)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("credit_notes", Action.CREATE)],
                                description="A draft credit note on an issued invoice: all its lines, or none.")
    @mutation
    def credit_note_create(self, info: Info, invoice_id: relay.GlobalID, reason: str = "",
                           full: bool = True, custom: JSON | None = None) -> CreditNoteType:
        return services.credit_note_create(actor=info.context.user, invoice=_invoice(info, invoice_id, "invoiceId"),
                                           reason=reason, full=full, custom=custom)

    @verb(needs("credit_notes", Action.EDIT), "Change a draft credit note's header (contact, notes, custom fields).")
    def credit_note_update(self, info: Info, id: relay.GlobalID, version: int,
                           input: DocumentUpdateInput) -> CreditNoteType:
        return _update(info, _credit_note(info, id), version, input)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("credit_notes", Action.EDIT)])
    @mutation
    def credit_note_line_add(self, info: Info, credit_note_id: relay.GlobalID,
                             input: InvoiceLineInput) -> CreditNoteType:
        return _line_add(info, _credit_note(info, credit_note_id), input)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("credit_notes", Action.EDIT)])
    @mutation
    def credit_note_issue(self, info: Info, id: relay.GlobalID, issue_date: date | None = None) -> CreditNoteType:
        return services.credit_note_issue(actor=info.context.user, credit_note=_credit_note(info, id),
                                          issue_date=issue_date)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("payments", Action.CREATE)],
                                description="Record money received, allocated to invoices or kept as credit.")
    @mutation
    def payment_record(self, info: Info, input: PaymentInput) -> PaymentType:
        account = record_of(info, input.account_id, field="accountId", types=("Account",))
        allocations = [(_invoice(info, a.invoice_id), a.amount) for a in input.allocations]
        return payments.payment_record(actor=info.context.user, account=account, amount=input.amount, date=input.date,
                                       method=input.method.value, reference=input.reference, allocations=allocations,
                                       source=request_source(info), custom=input.custom)

    @verb(needs("payments", Action.EDIT), "Change a payment's custom fields (what its bank entry holds stays).")
    def payment_update(self, info: Info, id: relay.GlobalID, version: int, input: PaymentUpdateInput) -> PaymentType:
        payment = record_of(info, id, field="id", types=("Payment",))
        return payments.payment_update(actor=info.context.user, payment=payment, version=version,
                                       custom=input.custom or None)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("payments", Action.EDIT)])
    @mutation
    def payment_allocate(self, info: Info, payment_id: relay.GlobalID, invoice_id: relay.GlobalID,
                         amount: Decimal) -> PaymentType:
        payment = record_of(info, payment_id, field="paymentId", types=("Payment",))
        payments.payment_allocate(actor=info.context.user, payment=payment, invoice=_invoice(info, invoice_id),
                                  amount=amount)
        return payment

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("payments", Action.EDIT)])
    @mutation
    def payment_unallocate(self, info: Info, allocation_id: relay.GlobalID) -> PaymentType:
        allocation = selectors.allocation_get_for_actor(actor=info.context.user,
                                                        allocation_id=global_pk(allocation_id, "PaymentAllocation"))
        if allocation is None:
            raise ValidationError({"allocationId": ValidationError(_("Not found."), code=error_codes.NOT_FOUND)})
        payment = allocation.payment
        payments.payment_unallocate(actor=info.context.user, allocation=allocation)
        return payment
