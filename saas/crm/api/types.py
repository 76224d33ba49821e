"""GraphQL types, filters and orderings of accounts, contacts, leads and deals."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import auto
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.core.graph import graphql_enum, lazy_connection
from saas.crm import models, selectors
from saas.records.api.types import Record, RecordFilterFields, RecordOrderFields
from tenants.enums import Language

DocumentLanguage = graphql_enum("DocumentLanguage", Language)


def sales_connection(type_name: str):
    return lazy_connection(type_name, "saas.sales.api.types")


@strawberry_django.filter_type(models.Contact, lookups=True)
class ContactFilter(RecordFilterFields):
    last_name: auto
    first_name: auto
    email: auto
    job_title: auto
    portal_access: auto
    number: auto
    account: "AccountFilter | None"


@strawberry_django.order_type(models.Contact)
class ContactOrdering(RecordOrderFields):
    last_name: auto
    first_name: auto
    created_at: auto
    updated_at: auto
    number: auto


@strawberry_django.filter_type(models.Account, lookups=True)
class AccountFilter(RecordFilterFields):
    name: auto
    number: auto
    siren: auto
    vat_number: auto
    industry: auto
    billing_city: auto
    billing_country: auto
    created_at: auto
    parent: "AccountFilter | None"


@strawberry_django.order_type(models.Account)
class AccountOrdering(RecordOrderFields):
    name: auto
    number: auto
    created_at: auto
    updated_at: auto
    billing_city: auto


@strawberry_django.type(models.Contact, name="Contact", filters=ContactFilter, ordering=ContactOrdering)
class ContactType(Record):
    first_name: str
    last_name: str
    job_title: str
    email: str
    secondary_email: str
    phone: str
    mobile: str
    portal_access: bool
    account: "AccountType | None"
    deals: DjangoListConnection[Annotated["DealType", strawberry.lazy("saas.crm.api.types")]] = \
        strawberry_django.connection()

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.contact_list(actor=info.context.user)


@strawberry_django.type(models.Account, name="Account", filters=AccountFilter, ordering=AccountOrdering)
class AccountType(Record):
    name: str
    legal_form: str
    siren: str
    siret: str
    vat_number: str
    billing_street: str
    billing_postal_code: str
    billing_city: str
    billing_country: str
    shipping_street: str
    shipping_postal_code: str
    shipping_city: str
    shipping_country: str
    phone: str
    email: str
    website: str
    industry: str
    payment_terms_days: int
    parent: "AccountType | None"

    @strawberry_django.field(only=["language"],
                             description="The language of its documents and their emails; null: the company's.")
    def language(self, root: models.Account) -> DocumentLanguage | None:
        return DocumentLanguage(root.language) if root.language else None
    contacts: DjangoListConnection[ContactType] = strawberry_django.connection()
    subsidiaries: DjangoListConnection["AccountType"] = strawberry_django.connection()
    deals: DjangoListConnection[Annotated["DealType", strawberry.lazy("saas.crm.api.types")]] = \
        strawberry_django.connection()
    # The account's sales documents, for the one-query drill-down (GRAPH.md).
    quotes: sales_connection("QuoteType") = strawberry_django.connection()
    orders: sales_connection("SalesOrderType") = strawberry_django.connection(field_name="salesorders")
    invoices: sales_connection("InvoiceType") = strawberry_django.connection()
    credit_notes: sales_connection("CreditNoteType") = strawberry_django.connection(field_name="creditnotes")
    payments: sales_connection("PaymentType") = strawberry_django.connection()

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.account_list(actor=info.context.user)


LeadStatus = graphql_enum("LeadStatus", models.LeadStatus)
LeadSource = graphql_enum("LeadSource", models.LeadSource)
DealStage = graphql_enum("DealStage", models.DealStage)


@strawberry_django.filter_type(models.Lead, lookups=True)
class LeadFilter(RecordFilterFields):
    last_name: auto
    company: auto
    email: auto
    city: auto
    status: auto
    lead_source: auto
    created_at: auto


@strawberry_django.order_type(models.Lead)
class LeadOrdering(RecordOrderFields):
    last_name: auto
    company: auto
    created_at: auto
    status: auto


@strawberry_django.filter_type(models.Deal, lookups=True)
class DealFilter(RecordFilterFields):
    name: auto
    stage: auto
    amount: auto
    expected_close_date: auto
    account: AccountFilter | None


@strawberry_django.order_type(models.Deal)
class DealOrdering(RecordOrderFields):
    name: auto
    amount: auto
    expected_close_date: auto
    created_at: auto


@strawberry_django.type(models.Deal, name="Deal", filters=DealFilter, ordering=DealOrdering)
class DealType(Record):
    name: str
    amount: Decimal
    probability: int
    expected_close_date: date | None
    account: AccountType
    contact: ContactType | None

    @strawberry.field
    def stage(self, root: models.Deal) -> DealStage:
        return DealStage(root.stage)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.deal_list(actor=info.context.user)


@strawberry_django.type(models.Lead, name="Lead", filters=LeadFilter, ordering=LeadOrdering)
class LeadType(Record):
    first_name: str
    last_name: str
    company: str
    job_title: str
    email: str
    phone: str
    mobile: str
    street: str
    postal_code: str
    city: str
    country: str
    website: str
    industry: str
    description: str
    converted_at: datetime | None
    converted_account: AccountType | None
    converted_contact: ContactType | None
    converted_deal: DealType | None

    @strawberry.field
    def status(self, root: models.Lead) -> LeadStatus:
        return LeadStatus(root.status)

    @strawberry.field
    def lead_source(self, root: models.Lead) -> LeadSource:
        return LeadSource(root.lead_source)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.lead_list(actor=info.context.user)


@strawberry.type
class PipelineStage:
    stage: DealStage
    count: int
    amount: Decimal
    weighted_amount: Decimal


@strawberry.type
class LeadConversionRule:
    lead_field: str
    target: str
    target_field: str


@strawberry.type
class LeadConversionMapping:
    rules: list[LeadConversionRule]


@strawberry.type
class LeadConversionFields:
    """The field names a conversion rule may map, per side."""

    lead: list[str]
    account: list[str]
    contact: list[str]
    deal: list[str]
