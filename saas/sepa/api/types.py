"""GraphQL types of SEPA direct debit."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import auto
from strawberry.types import Info

from saas.access.enums import Action
from saas.core.graph import TenantNode, graphql_enum, needs
from saas.crm.api.types import AccountFilter, AccountType
from saas.records.api.types import DocumentType
from saas.sales.api.types import InvoiceType, PaymentType
from saas.sepa import models, selectors

SepaScheme = graphql_enum("SepaScheme", models.Scheme)
SepaMandateStatus = graphql_enum("SepaMandateStatus", models.MandateStatus)
SepaSequenceState = graphql_enum("SepaSequenceState", models.SequenceState)
SepaSequenceType = graphql_enum("SepaSequenceType", models.SequenceType)
DirectDebitBatchStatus = graphql_enum("DirectDebitBatchStatus", models.BatchStatus)
# Values hold dots: the names are spelled out.
SepaMessageFormat = strawberry.enum(Enum("SepaMessageFormat", {
    value.replace(".", "_").upper(): value for value in models.MessageFormat.values}), name="SepaMessageFormat")


@strawberry_django.type(models.CreditorSettings, name="SepaCreditorSettings")
class CreditorSettingsType(TenantNode):
    node_needs = needs("direct_debits", Action.VIEW)

    ics: str = strawberry_django.field(description="SEPA creditor identifier (ICS), e.g. FR72ZZZ123456.")
    name: str
    iban: str
    bic: str
    updated_at: datetime

    @strawberry.field
    def message_format(self, root: models.CreditorSettings) -> SepaMessageFormat:
        return SepaMessageFormat(root.message_format)


@strawberry_django.filter_type(models.SepaMandate, lookups=True)
class SepaMandateFilter:
    reference: auto
    signature_date: auto
    account: AccountFilter | None

    @strawberry_django.filter_field
    def status(self, value: SepaMandateStatus, prefix: str) -> Q:
        return Q(**{f"{prefix}status": value.value})

    @strawberry_django.filter_field
    def scheme(self, value: SepaScheme, prefix: str) -> Q:
        return Q(**{f"{prefix}scheme": value.value})


@strawberry_django.type(models.SepaMandate, name="SepaMandate", filters=SepaMandateFilter)
class SepaMandateType(TenantNode):
    reference: str = strawberry_django.field(description="Unique mandate reference (RUM/UMR).")
    account: AccountType
    debtor_name: str
    iban: str
    bic: str
    signature_date: date
    last_used_on: date | None
    revoked_at: datetime | None
    created_at: datetime

    @strawberry.field
    def scheme(self, root: models.SepaMandate) -> SepaScheme:
        return SepaScheme(root.scheme)

    @strawberry.field
    def status(self, root: models.SepaMandate) -> SepaMandateStatus:
        return SepaMandateStatus(root.status)

    @strawberry.field(description="FIRST until a file collected under it, then RECURRENT.")
    def sequence(self, root: models.SepaMandate) -> SepaSequenceState:
        return SepaSequenceState(root.sequence)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.mandate_list(actor=info.context.user)


@strawberry_django.type(models.DirectDebitLine, name="DirectDebitLine")
class DirectDebitLineType(TenantNode):
    node_needs = needs("direct_debits", Action.VIEW)

    mandate: SepaMandateType
    invoice: InvoiceType
    amount: Decimal
    end_to_end_id: str
    payment: PaymentType | None = strawberry_django.field(description="Recorded when the batch is settled.")

    @strawberry.field
    def sequence_type(self, root: models.DirectDebitLine) -> SepaSequenceType:
        return SepaSequenceType(root.sequence_type)


@strawberry_django.filter_type(models.DirectDebitBatch, lookups=True)
class DirectDebitBatchFilter:
    collection_date: auto

    @strawberry_django.filter_field
    def status(self, value: DirectDebitBatchStatus, prefix: str) -> Q:
        return Q(**{f"{prefix}status": value.value})


@strawberry_django.type(models.DirectDebitBatch, name="DirectDebitBatch", filters=DirectDebitBatchFilter)
class DirectDebitBatchType(TenantNode):
    collection_date: date
    message_id: str
    total: Decimal
    count: int
    created_at: datetime
    generated_at: datetime | None
    settled_at: datetime | None
    lines: list[DirectDebitLineType]
    file: DocumentType | None = strawberry_django.field(description="The pain.008 file, once generated.")
    sha256: str

    @strawberry.field
    def scheme(self, root: models.DirectDebitBatch) -> SepaScheme:
        return SepaScheme(root.scheme)

    @strawberry.field
    def status(self, root: models.DirectDebitBatch) -> DirectDebitBatchStatus:
        return DirectDebitBatchStatus(root.status)

    @strawberry_django.field(only=["xml"], description="The pain.008 XML, once generated.")
    def xml(self, root: models.DirectDebitBatch) -> str | None:
        return root.xml or None

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.batch_list(actor=info.context.user)
