"""GraphQL types of sales documents."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import auto
from strawberry.types import Info

from saas.core.graph import TenantNode, graphql_enum
from saas.crm.api.types import AccountFilter, AccountType, ContactType
from saas.records.api.types import Record, tagged
from saas.sales import models, payments, selectors, services

InvoiceStatus = graphql_enum("InvoiceStatus", models.InvoiceStatus)
PaymentStatus = graphql_enum("PaymentStatus", models.PaymentStatus)
PaymentMethod = graphql_enum("PaymentMethod", models.PaymentMethod)
LineKind = graphql_enum("LineKind", models.LineKind)


@strawberry_django.filter_type(models.Invoice, lookups=True)
class InvoiceFilter:
    number: auto
    status: auto
    issue_date: auto
    due_date: auto
    total_incl_vat: auto
    account: AccountFilter | None

    @strawberry_django.filter_field(description="Records carrying this tag (case-insensitive).")
    def tag(self, value: str, prefix: str) -> Q:
        return tagged(prefix, value)


@strawberry_django.order_type(models.Invoice)
class InvoiceOrdering:
    number: auto
    issue_date: auto
    total_incl_vat: auto
    created_at: auto


@strawberry_django.type(models.InvoiceLine, name="InvoiceLine")
class InvoiceLineType:
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


@strawberry.type
class VatAmount:
    rate: Decimal
    base: Decimal
    amount: Decimal


@strawberry_django.type(models.CreditNoteLine, name="CreditNoteLine")
class CreditNoteLineType:
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    line_net: Decimal

    @strawberry.field
    def kind(self, root: models.CreditNoteLine) -> LineKind:
        return LineKind(root.kind)


@strawberry_django.type(models.Invoice, name="Invoice", filters=InvoiceFilter, ordering=InvoiceOrdering)
class InvoiceType(Record):
    issue_date: date | None
    due_date: date | None
    currency: str
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    notes: str
    account: AccountType
    contact: ContactType | None
    lines: list[InvoiceLineType]

    @strawberry.field
    def status(self, root: models.Invoice) -> InvoiceStatus:
        return InvoiceStatus(root.status)

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
        return queryset & selectors.invoice_list(actor=info.context.user)


@strawberry_django.type(models.CreditNote, name="CreditNote")
class CreditNoteType(Record):
    issue_date: date | None
    currency: str
    reason: str
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    account: AccountType
    invoice: InvoiceType
    lines: list[CreditNoteLineType]

    @strawberry.field
    def status(self, root: models.CreditNote) -> InvoiceStatus:
        return InvoiceStatus(root.status)

    @strawberry_django.field(prefetch_related=["lines"], description="Base and VAT per rate (BT-116, BT-117).")
    def vat_breakdown(self, root: models.CreditNote) -> list[VatAmount]:
        return [VatAmount(rate=rate, base=base, amount=vat) for rate, base, vat in services.vat_breakdown(root)]


@strawberry_django.type(models.PaymentAllocation, name="PaymentAllocation")
class PaymentAllocationType(TenantNode):
    amount: Decimal
    invoice: InvoiceType


@strawberry_django.type(models.Payment, name="Payment")
class PaymentType(Record):
    date: date
    amount: Decimal
    reference: str
    account: AccountType
    allocations: list[PaymentAllocationType]

    @strawberry.field
    def method(self, root: models.Payment) -> PaymentMethod:
        return PaymentMethod(root.method)

    @strawberry.field(description="What is left for other invoices: the customer's credit.")
    def unallocated(self, root: models.Payment) -> Decimal:
        return payments.unallocated(root)
