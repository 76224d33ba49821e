"""GraphQL types of the books."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import auto
from strawberry.types import Info

from saas.access.enums import Action
from saas.accounting import models, selectors
from saas.core.graph import TenantNode, graphql_enum, needs
from saas.crm.api.types import AccountType
from saas.records.api.types import Record, RecordFilterFields, RecordOrderFields

AccountKind = graphql_enum("AccountKind", models.AccountKind)
JournalKind = graphql_enum("JournalKind", models.JournalKind)
EntryStatus = graphql_enum("EntryStatus", models.EntryStatus)
RuleKind = graphql_enum("PostingRuleKind", models.RuleKind)


@strawberry_django.filter_type(models.LedgerAccount, lookups=True)
class LedgerAccountFilter:
    number: auto
    label: auto
    reconcilable: auto
    active: auto


@strawberry_django.type(models.LedgerAccount, name="LedgerAccount", filters=LedgerAccountFilter)
class LedgerAccountType(TenantNode):
    node_needs = needs("accounting", Action.VIEW)

    number: str
    label: str
    reconcilable: bool
    active: bool

    @strawberry.field
    def kind(self, root: models.LedgerAccount) -> AccountKind:
        return AccountKind(root.kind)


@strawberry_django.type(models.AuxiliaryAccount, name="AuxiliaryAccount")
class AuxiliaryAccountType(TenantNode):
    node_needs = needs("accounting", Action.VIEW)

    code: str
    label: str
    collective: LedgerAccountType
    party: AccountType


@strawberry_django.type(models.Journal, name="Journal")
class JournalType(TenantNode):
    node_needs = needs("accounting", Action.VIEW)

    code: str
    label: str
    default_account: LedgerAccountType | None

    @strawberry.field
    def kind(self, root: models.Journal) -> JournalKind:
        return JournalKind(root.kind)


@strawberry_django.type(models.FiscalYear, name="FiscalYear")
class FiscalYearType(TenantNode):
    node_needs = needs("accounting", Action.VIEW)

    name: str
    start: date
    end: date
    closed_at: datetime | None


@strawberry_django.type(models.JournalLine, name="JournalLine")
class JournalLineType(TenantNode):
    node_needs = needs("journal_entries", Action.VIEW)

    position: int
    account: LedgerAccountType = strawberry_django.field(field_name="ledger_account")
    auxiliary: AuxiliaryAccountType | None
    label: str
    debit: Decimal
    credit: Decimal
    due_date: date | None
    lettering: str
    lettered_on: date | None


@strawberry_django.filter_type(models.JournalEntry, lookups=True)
class JournalEntryFilter(RecordFilterFields):
    number: auto
    date: auto
    piece_ref: auto
    journal: "JournalFilter | None"

    @strawberry_django.filter_field
    def status(self, value: EntryStatus, prefix: str) -> Q:
        return Q(**{f"{prefix}status": value.value})


@strawberry_django.filter_type(models.Journal, lookups=True)
class JournalFilter:
    code: auto


@strawberry_django.order_type(models.JournalEntry)
class JournalEntryOrdering(RecordOrderFields):
    number: auto
    date: auto
    created_at: auto


@strawberry_django.type(models.JournalEntry, name="JournalEntry", filters=JournalEntryFilter,
                        ordering=JournalEntryOrdering)
class JournalEntryType(Record):
    journal: JournalType
    fiscal_year: FiscalYearType
    date: date
    label: str
    piece_ref: str
    posted_at: datetime | None
    party: AccountType | None
    reversal_of: "JournalEntryType | None"
    lines: list[JournalLineType]

    @strawberry.field
    def status(self, root: models.JournalEntry) -> EntryStatus:
        return EntryStatus(root.status)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.entry_list(actor=info.context.user)


@strawberry_django.type(models.PostingRule, name="PostingRule")
class PostingRuleType(TenantNode):
    node_needs = needs("accounting", Action.VIEW)

    nature: str
    vat_rate: Decimal | None
    payment_method: str
    ledger_account: LedgerAccountType
    journal: JournalType | None

    @strawberry.field
    def kind(self, root: models.PostingRule) -> RuleKind:
        return RuleKind(root.kind)


@strawberry.type
class TemplateLine:
    account: str
    side: str
    percent: Decimal
    label: str


@strawberry_django.type(models.EntryTemplate, name="EntryTemplate")
class EntryTemplateType(TenantNode):
    node_needs = needs("journal_entries", Action.VIEW)

    name: str
    label: str
    journal: JournalType

    @strawberry.field
    def lines(self, root: models.EntryTemplate) -> list[TemplateLine]:
        return [TemplateLine(account=line["account"], side=line["side"], percent=Decimal(line["percent"]),
                             label=line.get("label", "")) for line in root.lines]
