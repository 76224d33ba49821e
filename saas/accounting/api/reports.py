"""Reports, checks, the VAT return and the FEC in the graph. The report objects of the selectors are served as
they are: each GraphQL type below reads their attributes."""

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from graphql import GraphQLError
from saas.access.enums import Action
from saas.accounting import error_codes, fec, reports, selectors, vat_return
from saas.accounting.models import FiscalYear
from saas.core.graph import global_pk, needs, verb
from saas.records.api.types import DocumentType

MAX_LEDGER_LINES = 1000


@strawberry.type(name="TrialBalanceRow")
class TrialBalanceRowType:
    number: str
    label: str
    opening: Decimal = strawberry.field(description="Balance before the period: debit − credit.")
    debit: Decimal
    credit: Decimal
    closing: Decimal = strawberry.field(description="Balance at the end of the period: debit − credit.")


@strawberry.type(name="TrialBalance")
class TrialBalanceType:
    start: date
    end: date
    rows: list[TrialBalanceRowType]
    debit: Decimal
    credit: Decimal
    prior_result: Decimal = strawberry.field(description=(
        "Earlier years' income − expenses while no opening entry carries them forward (credit positive)."))


@strawberry.type(name="LedgerLine")
class LedgerLineType:
    date: date
    journal: str
    number: str = strawberry.field(description="The entry's number.")
    piece_ref: str
    label: str
    auxiliary: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = strawberry.field(description="Running balance, opening included: debit − credit.")
    lettering: str


@strawberry.type(name="GeneralLedger")
class GeneralLedgerType:
    account: str
    account_label: str
    start: date
    end: date
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    total_count: int
    lines: list[LedgerLineType]


@strawberry.type(name="AgedReceivable")
class AgedReceivableType:
    auxiliary: str
    label: str
    not_due: Decimal
    days_0_30: Decimal = strawberry.field(name="days0To30")
    days_31_60: Decimal = strawberry.field(name="days31To60")
    days_61_90: Decimal = strawberry.field(name="days61To90")
    over_90: Decimal = strawberry.field(name="over90")
    total: Decimal

    @strawberry.field(description="The customer (crm Account) of the sub-ledger account.")
    def account_id(self, root: reports.AgedReceivable) -> relay.GlobalID:
        return relay.GlobalID("Account", f"{connection.schema_name}.{root.party_id}")


@strawberry.type(name="StatementAccount")
class StatementAccountType:
    number: str
    label: str
    amount: Decimal


@strawberry.type(name="StatementLine")
class StatementLineType:
    key: str
    label: str
    section: str
    amount: Decimal
    accounts: list[StatementAccountType]


@strawberry.type(name="BalanceSheet")
class BalanceSheetType:
    as_of: date
    assets: list[StatementLineType]
    liabilities: list[StatementLineType]
    total_assets: Decimal
    total_liabilities: Decimal
    result: Decimal


@strawberry.type(name="IncomeStatement")
class IncomeStatementType:
    start: date
    end: date
    income: list[StatementLineType]
    expenses: list[StatementLineType]
    total_income: Decimal
    total_expenses: Decimal
    net_result: Decimal

    @strawberry.field
    def operating_result(self, root: reports.IncomeStatement) -> Decimal:
        return root.section_result(reports.OPERATING)

    @strawberry.field
    def financial_result(self, root: reports.IncomeStatement) -> Decimal:
        return root.section_result(reports.FINANCIAL)

    @strawberry.field
    def exceptional_result(self, root: reports.IncomeStatement) -> Decimal:
        return root.section_result(reports.EXCEPTIONAL)


@strawberry.type(name="BooksFinding")
class BooksFindingType:
    code: str
    message: str
    entry: str
    account: str
    auxiliary: str
    date: date | None
    amount: Decimal | None
    count: int


@strawberry.type(name="VatBox")
class VatBoxType:
    box: str
    label: str
    rate: Decimal | None
    base: Decimal | None
    tax: Decimal | None
    declared_base: int | None = strawberry.field(description="In whole euros, as declared.")
    declared_tax: int | None = strawberry.field(description="In whole euros, as declared.")


@strawberry.type(name="VatReturn")
class VatReturnType:
    start: date
    end: date
    boxes: list[VatBoxType]
    collected_pending: Decimal = strawberry.field(description=(
        "Services VAT invoiced and not paid yet at the end of the period (445740): not due."))
    deductible_pending: Decimal


@strawberry.enum(name="FecSeparator")
class FecSeparator(Enum):
    PIPE = "|"
    TAB = "\t"


def _period(start: date, end: date) -> None:
    if end < start:
        raise GraphQLError("The period ends before it starts.", extensions={"code": error_codes.PERIOD})


def _fiscal_year(info: Info, global_id: relay.GlobalID) -> FiscalYear:
    fiscal_year = selectors.fiscal_year_get(actor=info.context.user, fiscal_year_id=global_pk(global_id, "FiscalYear"))
    if fiscal_year is None:
        raise ValidationError({"fiscalYearId": ValidationError(_("No such fiscal year."),
                                                               code=error_codes.NOT_FOUND)})
    return fiscal_year


def _compute_vat_return(info: Info, start: date, end: date):
    return vat_return.vat_return(actor=info.context.user, start=start, end=end)


@strawberry.type
class AccountingReportsQuery:
    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="Balance générale: per account, the opening "
                      "balance, the period's debits and credits, the closing balance.")
    def trial_balance(self, info: Info, start: date, end: date) -> TrialBalanceType:
        _period(start, end)
        return reports.trial_balance(actor=info.context.user, start=start, end=end)

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="Grand livre of one account: a page of its "
                      f"lines (at most {MAX_LEDGER_LINES}) with running balances; null for an unknown account.")
    def general_ledger(self, info: Info, account_number: str, start: date, end: date, first: int = 100,
                       offset: int = 0) -> GeneralLedgerType | None:
        _period(start, end)
        return reports.general_ledger_page(actor=info.context.user, account_number=account_number, start=start,
                                           end=end, offset=max(offset, 0),
                                           limit=min(max(first, 0), MAX_LEDGER_LINES))

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="Balance âgée: open customer lines per "
                      "sub-ledger account, by days past due.")
    def aged_receivables(self, info: Info, as_of: date) -> list[AgedReceivableType]:
        return reports.aged_receivables(actor=info.context.user, as_of=as_of)

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="Bilan (simplified French presentation).")
    def balance_sheet(self, info: Info, as_of: date) -> BalanceSheetType:
        return reports.balance_sheet(actor=info.context.user, as_of=as_of)

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="Compte de résultat (simplified French "
                      "presentation).")
    def income_statement(self, info: Info, start: date, end: date) -> IncomeStatementType:
        _period(start, end)
        return reports.income_statement(actor=info.context.user, start=start, end=end)

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="What is wrong in a fiscal year's books.")
    def books_check(self, info: Info, fiscal_year_id: relay.GlobalID,
                    old_after_days: int = 90) -> list[BooksFindingType]:
        fiscal_year = selectors.fiscal_year_get(actor=info.context.user,
                                                fiscal_year_id=global_pk(fiscal_year_id, "FiscalYear"))
        if fiscal_year is None:
            raise GraphQLError("No such fiscal year.", extensions={"code": error_codes.NOT_FOUND})
        return reports.books_check(actor=info.context.user, fiscal_year=fiscal_year, old_after_days=old_after_days)

    @strawberry.field(permission_classes=[needs("accounting", Action.VIEW)],
                      description="The VAT return (CA3) of a period.")
    def vat_return(self, info: Info, start: date, end: date) -> VatReturnType:
        _period(start, end)
        return _compute_vat_return(info, start, end)



@strawberry.type
class AccountingReportsMutation:
    @verb(needs("accounting", Action.VIEW), "The VAT return (CA3) of a period, computed from the books.")
    def vat_return_compute(self, info: Info, start: date, end: date) -> VatReturnType:
        # The payload is a union with OperationInfo: say which of its types the report object is.
        return strawberry.cast(VatReturnType, _compute_vat_return(info, start, end))

    @verb(needs("accounting", Action.EXPORT),
          "The FEC of a fiscal year, checked first, stored as a document named <SIREN>FEC<closing date>.txt.")
    def fec_export(self, info: Info, fiscal_year_id: relay.GlobalID,
                   separator: FecSeparator = FecSeparator.PIPE) -> DocumentType:
        return fec.fec_export(actor=info.context.user, fiscal_year=_fiscal_year(info, fiscal_year_id),
                              separator=separator.value)
