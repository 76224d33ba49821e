"""GraphQL types of banking: bank accounts, statement imports and their report, bank lines and their matches."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from schwifty import IBAN
from strawberry import auto, relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.accounting.api.types import JournalEntryType, JournalType, LedgerAccountType
from saas.banking import enums, models, reconciliation, selectors
from saas.core.graph import TenantNode, global_pk, graphql_enum
from saas.crm.api.types import AccountType
from saas.sales.api.types import InvoiceType, PaymentType

StatementFormat = graphql_enum("BankStatementFormat", enums.StatementFormat)
TransactionStatus = graphql_enum("BankTransactionStatus", enums.TransactionStatus)
MatchKind = graphql_enum("BankMatchKind", enums.MatchKind)


def _formatted(iban: str) -> str:
    try:
        return IBAN(iban).formatted
    except ValueError:
        return iban


@strawberry_django.type(models.BankAccount, name="BankAccount")
class BankAccountType(TenantNode):
    name: str
    iban: str
    bic: str
    currency: str
    active: bool
    ledger_account: LedgerAccountType
    journal: JournalType

    @strawberry.field(description="The IBAN in groups of four, as printed.")
    def iban_formatted(self, root: models.BankAccount) -> str:
        return _formatted(root.iban)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.bank_account_list(actor=info.context.user)


@strawberry_django.type(models.ThirdPartyBankAccount, name="ThirdPartyBankAccount")
class ThirdPartyBankAccountType(TenantNode):
    account: AccountType
    iban: str
    bic: str
    holder_name: str

    @strawberry.field
    def iban_formatted(self, root: models.ThirdPartyBankAccount) -> str:
        return _formatted(root.iban)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.third_party_bank_account_list(actor=info.context.user)


@strawberry.type(description="A statement line the import set aside, and why.")
class RejectedStatementLine:
    line: int = strawberry.field(description="The line of the file where it starts.")
    reference: str
    code: str
    reason: str


@strawberry.type(description="A possible match for money received, scored; `reasons` among reference, amount, "
                             "iban, name, date.")
class BankMatchSuggestion:
    score: int
    reasons: list[str]
    amount: Decimal = strawberry.field(description="What the invoice still owes, or the payment's amount.")
    invoice: InvoiceType | None = None
    payment: PaymentType | None = None


@strawberry_django.filter_type(models.BankTransaction, lookups=True)
class BankTransactionFilter:
    date: auto
    amount: auto

    @strawberry_django.filter_field
    def status(self, value: TransactionStatus, prefix: str) -> Q:
        return Q(**{f"{prefix}status": value.value})

    @strawberry_django.filter_field(description="Lines of one bank account.")
    def bank_account_id(self, value: relay.GlobalID, prefix: str) -> Q:
        return Q(**{f"{prefix}bank_account_id": global_pk(value, "BankAccount")})


@strawberry_django.order_type(models.BankTransaction)
class BankTransactionOrdering:
    date: auto
    amount: auto


@strawberry_django.type(models.BankTransaction, name="BankTransaction", filters=BankTransactionFilter,
                        ordering=BankTransactionOrdering)
class BankTransactionType(TenantNode):
    bank_account: BankAccountType
    date: date
    value_date: date | None
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_iban: str
    reference: str
    end_to_end_id: str
    bank_reference: str
    payment: PaymentType | None
    entry: JournalEntryType | None
    matched_at: datetime | None

    @strawberry.field
    def status(self, root: models.BankTransaction) -> TransactionStatus:
        return TransactionStatus(root.status)

    @strawberry.field
    def match_kind(self, root: models.BankTransaction) -> MatchKind | None:
        return MatchKind(root.match_kind) if root.match_kind else None

    @strawberry.field(description="What this money received may settle, best first (a few queries: ask it for one "
                                  "line at a time).")
    def suggestions(self, root: models.BankTransaction, limit: int = 10) -> list[BankMatchSuggestion]:
        return [BankMatchSuggestion(score=found.score, reasons=list(found.reasons), amount=found.amount,
                                    invoice=found.invoice, payment=found.payment)
                for found in reconciliation.suggestions(root, limit=min(max(limit, 1), 50))]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.bank_transaction_list(actor=info.context.user)


@strawberry_django.type(models.BankStatementImport, name="BankStatementImport")
class BankStatementImportType(TenantNode):
    bank_account: BankAccountType
    file_name: str
    imported_at: datetime
    imported_count: int
    duplicate_count: int
    rejected_count: int
    transactions: DjangoListConnection[BankTransactionType] = strawberry_django.connection()

    @strawberry.field
    def format(self, root: models.BankStatementImport) -> StatementFormat:
        return StatementFormat(root.format)

    @strawberry.field
    def rejected_lines(self, root: models.BankStatementImport) -> list[RejectedStatementLine]:
        return [RejectedStatementLine(line=line.get("line") or 0, reference=line.get("reference", ""),
                                      code=line.get("code", ""), reason=line.get("reason", ""))
                for line in root.rejected_lines]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.statement_import_list(actor=info.context.user)
