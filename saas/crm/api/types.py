"""GraphQL types of accounts, contacts, leads and deals: fields, filters and orderings derived from their models
and record types (saas.records.api.derived); here only what they add — drill-down connections, visibility."""

from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.core.graph import graphql_enum, lazy_connection
from saas.crm import models, selectors
from saas.records.api.derived import enum_for, filter_type, record_type
from saas.records.api.types import Record
from tenants.enums import Language

# Named after what it is for rather than after its choices class (tenants' Language).
DocumentLanguage = graphql_enum("DocumentLanguage", Language)


def sales_connection(type_name: str):
    return lazy_connection(type_name, "saas.sales.api.types")


@record_type(models.Account)
class AccountType(Record):
    contacts: DjangoListConnection[Annotated["ContactType", strawberry.lazy("saas.crm.api.types")]] = \
        strawberry_django.connection()
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


@record_type(models.Contact)
class ContactType(Record):
    deals: DjangoListConnection[Annotated["DealType", strawberry.lazy("saas.crm.api.types")]] = \
        strawberry_django.connection()

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.contact_list(actor=info.context.user)


@record_type(models.Deal)
class DealType(Record):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.deal_list(actor=info.context.user)


@record_type(models.Lead)
class LeadType(Record):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.lead_list(actor=info.context.user)


AccountFilter = filter_type(models.Account)
LeadStatus = enum_for(models.Lead._meta.get_field("status"))
LeadSource = enum_for(models.Lead._meta.get_field("lead_source"))
DealStage = enum_for(models.Deal._meta.get_field("stage"))


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
