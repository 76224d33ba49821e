"""GraphQL types of sales documents."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import auto
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.core.graph import TenantNode, graphql_enum, lazy_connection, needs
from saas.crm.api.types import AccountFilter, AccountType
from saas.records.api.derived import record_type
from saas.records.api.types import Record, RecordFilterFields, RecordOrderFields
from saas.sales import models, orders, payments, selectors, services

InvoiceStatus = graphql_enum("InvoiceStatus", models.InvoiceStatus)
InvoiceKind = graphql_enum("InvoiceKind", models.InvoiceKind)
QuoteStatus = graphql_enum("QuoteStatus", models.QuoteStatus)
OrderStatus = graphql_enum("OrderStatus", models.OrderStatus)
BillingFrequency = graphql_enum("BillingFrequency", models.BillingFrequency)
PaymentStatus = graphql_enum("PaymentStatus", models.PaymentStatus)
PaymentMethod = graphql_enum("PaymentMethod", models.PaymentMethod)
LineKind = graphql_enum("LineKind", models.LineKind)


def accounting_connection(type_name: str):
    return lazy_connection(type_name, "saas.accounting.api.types")


@strawberry.input(description="Match a payment status exactly or against a list.")
class PaymentStatusLookup:
    exact: PaymentStatus | None = None
    in_list: list[PaymentStatus] | None = None


def _prefixed(prefix: str, condition: Q) -> Q:
    """A condition on invoices, applied through the filter's relation path (`prefix`)."""
    lookup, value = condition.children[0]
    return Q(**{f"{prefix}{lookup}": value})


@strawberry_django.filter_type(models.Quote, lookups=True)
class QuoteFilter(RecordFilterFields):
    number: auto
    status: strawberry_django.BaseFilterLookup[QuoteStatus] | None
    date: auto
    valid_until: auto
    total_incl_vat: auto
    account: AccountFilter | None


@strawberry_django.order_type(models.Quote)
class QuoteOrdering(RecordOrderFields):
    number: auto
    date: auto
    total_incl_vat: auto
    created_at: auto


@strawberry_django.filter_type(models.SalesOrder, lookups=True)
class SalesOrderFilter(RecordFilterFields):
    number: auto
    status: strawberry_django.BaseFilterLookup[OrderStatus] | None
    date: auto
    customer_reference: auto
    billing_frequency: auto
    total_incl_vat: auto
    account: AccountFilter | None


@strawberry_django.order_type(models.SalesOrder)
class SalesOrderOrdering(RecordOrderFields):
    number: auto
    date: auto
    total_incl_vat: auto
    created_at: auto


@strawberry_django.filter_type(models.Invoice, lookups=True)
class InvoiceFilter(RecordFilterFields):
    number: auto
    status: strawberry_django.BaseFilterLookup[InvoiceStatus] | None
    kind: strawberry_django.BaseFilterLookup[InvoiceKind] | None
    issue_date: auto
    due_date: auto
    total_incl_vat: auto
    account: AccountFilter | None

    @strawberry_django.filter_field(description="Issued invoices whose derived payment status is in the list.")
    def payment_status(self, value: PaymentStatusLookup, prefix: str) -> Q:
        statuses = [status.value for status in (value.in_list or [])] + ([value.exact.value] if value.exact else [])
        return _prefixed(prefix, selectors.invoices_in_payment_status(statuses))

    @strawberry_django.filter_field(description="Issued invoices past their due date with an amount still due.")
    def overdue(self, value: bool, prefix: str) -> Q:
        condition = _prefixed(prefix, selectors.invoices_in_payment_status([models.PaymentStatus.OVERDUE]))
        return condition if value else ~condition


@strawberry_django.order_type(models.Invoice)
class InvoiceOrdering(RecordOrderFields):
    number: auto
    issue_date: auto
    total_incl_vat: auto
    created_at: auto


@strawberry.interface(description="A line of a quote, order, invoice or credit note.")
class DocumentLine:
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    line_net: Decimal

    @strawberry.field
    def kind(self, root: models.InvoiceLine) -> LineKind:
        return LineKind(root.kind)


@strawberry_django.type(models.QuoteLine, name="QuoteLine")
class QuoteLineType(DocumentLine):
    pass


@strawberry_django.type(models.SalesOrderLine, name="SalesOrderLine")
class SalesOrderLineType(DocumentLine):
    pass


@strawberry_django.type(models.InvoiceLine, name="InvoiceLine")
class InvoiceLineType(DocumentLine):
    progress_percent: Decimal | None = strawberry_django.field(
        description="Cumulative completion of the order line, on a progress invoice.")
    deposit_invoice: Annotated["InvoiceType", strawberry.lazy("saas.sales.api.types")] | None = \
        strawberry_django.field(description="The deposit invoice this (negative) line deducts.")


@strawberry_django.type(models.CreditNoteLine, name="CreditNoteLine")
class CreditNoteLineType(DocumentLine):
    pass


@strawberry.type
class VatAmount:
    rate: Decimal
    base: Decimal
    amount: Decimal


@record_type(models.Quote, filters=QuoteFilter, ordering=QuoteOrdering)
class QuoteType(Record):
    lines: list[QuoteLineType]
    orders: DjangoListConnection[Annotated["SalesOrderType", strawberry.lazy("saas.sales.api.types")]] = \
        strawberry_django.connection()

    @strawberry_django.field(prefetch_related=["lines"], description="Base and VAT per rate.")
    def vat_breakdown(self, root: models.Quote) -> list[VatAmount]:
        return [VatAmount(rate=rate, base=base, amount=vat) for rate, base, vat in services.vat_breakdown(root)]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.quote_list(actor=info.context.user)


@strawberry.type
class RemainingLine:
    position: int
    quantity: Decimal


@record_type(models.SalesOrder, filters=SalesOrderFilter, ordering=SalesOrderOrdering)
class SalesOrderType(Record):
    lines: list[SalesOrderLineType]
    invoices: DjangoListConnection[Annotated["InvoiceType", strawberry.lazy("saas.sales.api.types")]] = \
        strawberry_django.connection()

    @strawberry_django.field(prefetch_related=["lines"], description="Base and VAT per rate.")
    def vat_breakdown(self, root: models.SalesOrder) -> list[VatAmount]:
        return [VatAmount(rate=rate, base=base, amount=vat) for rate, base, vat in services.vat_breakdown(root)]

    @strawberry.field(description="Per item line: the quantity left to invoice.")
    def remaining(self, root: models.SalesOrder) -> list[RemainingLine]:
        return [RemainingLine(position=position, quantity=quantity)
                for position, quantity in orders.order_remaining(root).items()]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.order_list(actor=info.context.user)


@record_type(models.Invoice, filters=InvoiceFilter, ordering=InvoiceOrdering)
class InvoiceType(Record):
    lines: list[InvoiceLineType]
    credit_notes: DjangoListConnection[Annotated["CreditNoteType", strawberry.lazy("saas.sales.api.types")]] = \
        strawberry_django.connection()
    entries: accounting_connection("JournalEntryType") = strawberry_django.connection(
        description="The accounting entries the invoice posted.")

    @strawberry_django.field(prefetch_related=["lines"], description="Base and VAT per rate (BT-116, BT-117).")
    def vat_breakdown(self, root: models.Invoice) -> list[VatAmount]:
        return [VatAmount(rate=rate, base=base, amount=vat) for rate, base, vat in services.vat_breakdown(root)]

    @strawberry.field(description="Derived from credit notes and payment allocations.")
    def payment_status(self, root: models.Invoice) -> PaymentStatus:
        return PaymentStatus(payments.payment_status(root))

    @strawberry.field(description="Total incl. VAT less issued credit notes and allocated payments.")
    def amount_due(self, root: models.Invoice) -> Decimal:
        return payments.amount_due(root)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return selectors.invoices_with_amounts(queryset & selectors.invoice_list(actor=info.context.user))


@strawberry_django.filter_type(models.CreditNote, lookups=True)
class CreditNoteFilter(RecordFilterFields):
    number: auto
    status: strawberry_django.BaseFilterLookup[InvoiceStatus] | None
    issue_date: auto
    total_incl_vat: auto
    account: AccountFilter | None


@strawberry_django.order_type(models.CreditNote)
class CreditNoteOrdering(RecordOrderFields):
    number: auto
    issue_date: auto
    total_incl_vat: auto
    created_at: auto


@strawberry_django.filter_type(models.Payment, lookups=True)
class PaymentFilter(RecordFilterFields):
    number: auto
    date: auto
    amount: auto
    reference: auto
    account: AccountFilter | None


@strawberry_django.order_type(models.Payment)
class PaymentOrdering(RecordOrderFields):
    number: auto
    date: auto
    amount: auto
    created_at: auto


@record_type(models.CreditNote, filters=CreditNoteFilter, ordering=CreditNoteOrdering)
class CreditNoteType(Record):
    lines: list[CreditNoteLineType]
    entries: accounting_connection("JournalEntryType") = strawberry_django.connection()

    @strawberry_django.field(prefetch_related=["lines"], description="Base and VAT per rate (BT-116, BT-117).")
    def vat_breakdown(self, root: models.CreditNote) -> list[VatAmount]:
        return [VatAmount(rate=rate, base=base, amount=vat) for rate, base, vat in services.vat_breakdown(root)]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.credit_note_list(actor=info.context.user)


@strawberry_django.type(models.PaymentAllocation, name="PaymentAllocation")
class PaymentAllocationType(TenantNode):
    node_needs = needs("payments", Action.VIEW)

    amount: Decimal
    invoice: InvoiceType


@record_type(models.Payment, filters=PaymentFilter, ordering=PaymentOrdering)
class PaymentType(Record):
    allocations: list[PaymentAllocationType]
    entries: accounting_connection("JournalEntryType") = strawberry_django.connection()

    @strawberry.field(description="What is left for other invoices: the customer's credit.")
    def unallocated(self, root: models.Payment) -> Decimal:
        return payments.unallocated(root)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.payment_list(actor=info.context.user)


@strawberry_django.type(models.UsageRecord, name="UsageRecord")
class UsageRecordType(TenantNode):
    node_needs = needs("sales_orders", Action.VIEW)

    quantity: Decimal
    date: date
    reference: str
    account: AccountType
    invoice_line: InvoiceLineType | None
