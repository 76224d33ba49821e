"""Reports on the books, read from posted entries with SQL aggregates: trial balance, general ledger, aged
receivables, balance sheet and income statement (simplified French presentation), and the checks of the books.

Opening balances follow the fiscal years (DOMAIN.md 4.5): income and expense accounts start every year at zero;
balance-sheet accounts carry the year's opening entries (journal AN) — or, while a year has none, every earlier
movement, the earlier years' income and expenses then showing as one unallocated result."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas.accounting.models import (
    AuxiliaryKind,
    EntryStatus,
    FiscalYear,
    JournalEntry,
    JournalKind,
    JournalLine,
    LedgerAccount,
)
from saas.companies.selectors import company_default

if TYPE_CHECKING:
    from saas.companies.models import Company

ZERO = Decimal("0.00")
# Classes 6 and 7 (expenses, income) start every fiscal year at zero; classes 1 to 5 carry over.
PROFIT_AND_LOSS = Q(ledger_account__number__startswith="6") | Q(ledger_account__number__startswith="7")
BALANCE = F("debit") - F("credit")


def posted_lines(company: Company) -> QuerySet[JournalLine]:
    return JournalLine.objects.filter(entry__status=EntryStatus.POSTED, entry__company=company)


def default_company(company: Company | None = None) -> Company:
    return company or company_default()


@dataclass(frozen=True)
class Opening:
    """Where the balances at a date start from: the fiscal year holding it, carried forward (AN) or not."""

    year_start: dt.date
    carried: bool

    def before(self, day: dt.date) -> Q:
        """The lines making the balances before `day`."""
        this_year = Q(entry__date__gte=self.year_start)
        if not self.carried:
            this_year |= ~PROFIT_AND_LOSS
        return Q(entry__date__lt=day) & this_year

    def prior_result(self, company: Company) -> Decimal:
        """Income minus expenses of the earlier years, while they are not carried forward (credit positive)."""
        if self.carried:
            return ZERO
        total = posted_lines(company).filter(PROFIT_AND_LOSS, entry__date__lt=self.year_start).aggregate(
            balance=Sum(BALANCE, default=ZERO))["balance"]
        return -total


def opening_at(company: Company, day: dt.date) -> Opening:
    year = FiscalYear.objects.filter(company=company, start__lte=day).order_by("-start").first()
    if year is None:
        return Opening(year_start=day, carried=False)
    if year.end < day:  # no year holds the day: nothing is dated between that year's end and it
        return Opening(year_start=year.end + dt.timedelta(days=1), carried=False)
    carried = JournalEntry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED,
                                          journal__kind=JournalKind.OPENING).exists()
    return Opening(year_start=year.start, carried=carried)


# --- Trial balance (balance générale) -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    number: str
    label: str
    opening: Decimal  # debit − credit
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass(frozen=True)
class TrialBalance:
    start: dt.date
    end: dt.date
    rows: list[TrialBalanceRow]
    # Earlier years' income minus expenses not yet carried forward by an opening entry (Odoo's "undistributed
    # profits"): with it the opening balances balance.
    prior_result: Decimal

    @property
    def debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)


def trial_balance(*, actor, start: dt.date, end: dt.date, company: Company | None = None) -> TrialBalance:
    """Per account: the balance before `start`, the period's debits and credits, the closing balance."""
    company = default_company(company)
    window = opening_at(company, start)
    in_period = Q(entry__date__gte=start, entry__date__lte=end)
    rows = (posted_lines(company).filter(window.before(start) | in_period)
            .values("ledger_account__number", "ledger_account__label")
            .annotate(opening=Sum(BALANCE, filter=window.before(start), default=ZERO),
                      debit=Sum("debit", filter=in_period, default=ZERO),
                      credit=Sum("credit", filter=in_period, default=ZERO))
            .order_by("ledger_account__number"))
    return TrialBalance(start=start, end=end, prior_result=window.prior_result(company), rows=[
        TrialBalanceRow(number=row["ledger_account__number"], label=row["ledger_account__label"],
                        opening=row["opening"], debit=row["debit"], credit=row["credit"])
        for row in rows if row["opening"] or row["debit"] or row["credit"]])


# --- General ledger (grand livre) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    account: str
    account_label: str
    date: dt.date
    journal: str
    number: str
    piece_ref: str
    label: str
    auxiliary: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running, opening included
    lettering: str


def account_range(account_from: str = "", account_to: str = "") -> Q:
    """Accounts from `account_from` to `account_to` included, a bound standing for the accounts it prefixes
    (411 to 411: every 411xxx)."""
    query = Q()
    if account_from:
        query &= Q(ledger_account__number__gte=account_from)
    if account_to:
        query &= Q(ledger_account__number__lte=account_to) | Q(ledger_account__number__startswith=account_to)
    return query


def ledger_openings(*, actor, start: dt.date, accounts: Q, company: Company | None = None) -> dict[str, Decimal]:
    company = default_company(company)
    window = opening_at(company, start)
    return dict(posted_lines(company).filter(accounts, window.before(start)).values("ledger_account__number")
                .annotate(balance=Sum(BALANCE)).values_list("ledger_account__number", "balance"))


def ledger_lines(*, start: dt.date, end: dt.date, accounts: Q, company: Company) -> QuerySet:
    """The period's lines of the accounts, in ledger order, each with its account's running movement (SQL)."""
    order = [F("entry__date").asc(), F("entry__number").asc(), F("id").asc()]
    return (posted_lines(company).filter(accounts, entry__date__gte=start, entry__date__lte=end)
            .annotate(movement=Window(Sum(BALANCE), partition_by=[F("ledger_account_id")], order_by=order))
            .order_by("ledger_account__number", *order)
            .values("ledger_account__number", "ledger_account__label", "entry__date", "entry__journal__code",
                    "entry__number", "entry__piece_ref", "label", "auxiliary__code", "debit", "credit", "movement",
                    "lettering"))


def general_ledger(*, actor, start: dt.date, end: dt.date, account_from: str = "", account_to: str = "",
                   company: Company | None = None, chunk_size: int = 2000) -> Iterator[LedgerLine]:
    """The lines of a range of accounts over a period, streamed (constant memory), with running balances."""
    company = default_company(company)
    accounts = account_range(account_from, account_to)
    openings = ledger_openings(actor=actor, start=start, accounts=accounts, company=company)
    for row in ledger_lines(start=start, end=end, accounts=accounts, company=company).iterator(chunk_size):
        yield ledger_line(row, openings.get(row["ledger_account__number"], ZERO))


def ledger_line(row: dict, opening: Decimal) -> LedgerLine:
    return LedgerLine(account=row["ledger_account__number"], account_label=row["ledger_account__label"],
                      date=row["entry__date"], journal=row["entry__journal__code"], number=row["entry__number"],
                      piece_ref=row["entry__piece_ref"], label=row["label"], auxiliary=row["auxiliary__code"] or "",
                      debit=row["debit"], credit=row["credit"], balance=opening + row["movement"],
                      lettering=row["lettering"])


@dataclass(frozen=True)
class LedgerPage:
    account: str
    account_label: str
    start: dt.date
    end: dt.date
    opening: Decimal
    debit: Decimal
    credit: Decimal
    total_count: int
    lines: list[LedgerLine]

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


def general_ledger_page(*, actor, account_number: str, start: dt.date, end: dt.date, offset: int = 0,
                        limit: int = 100, company: Company | None = None) -> LedgerPage | None:
    """One account's ledger over a period: its opening, totals, and a page of lines with running balances."""
    account = LedgerAccount.objects.filter(number=account_number).first()
    if account is None:
        return None
    company = default_company(company)
    accounts = Q(ledger_account=account)
    opening = ledger_openings(actor=actor, start=start, accounts=accounts, company=company).get(account.number, ZERO)
    totals = posted_lines(company).filter(accounts, entry__date__gte=start, entry__date__lte=end).aggregate(
        debit=Sum("debit", default=ZERO), credit=Sum("credit", default=ZERO), count=Count("id"))
    rows = ledger_lines(start=start, end=end, accounts=accounts, company=company)[offset:offset + limit]
    return LedgerPage(account=account.number, account_label=account.label, start=start, end=end, opening=opening,
                      debit=totals["debit"], credit=totals["credit"], total_count=totals["count"],
                      lines=[ledger_line(row, opening) for row in rows])


# --- Aged receivables (balance âgée) ---------------------------------------------------------------------------

AGE_BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "over_90")


@dataclass(frozen=True)
class AgedReceivable:
    auxiliary: str
    label: str
    party_id: int
    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, bucket) for bucket in AGE_BUCKETS), ZERO)


def aged_receivables(*, actor, as_of: dt.date, company: Company | None = None) -> list[AgedReceivable]:
    """Per customer sub-ledger account, its 411 lines still open at `as_of` (not lettered then), by days past
    their due date (a line without one, a payment, ages from its date)."""
    company = default_company(company)
    days = lambda count: as_of - dt.timedelta(days=count)  # noqa: E731
    buckets = {"not_due": Q(due__gt=as_of), "days_0_30": Q(due__lte=as_of, due__gte=days(30)),
               "days_31_60": Q(due__lt=days(30), due__gte=days(60)),
               "days_61_90": Q(due__lt=days(60), due__gte=days(90)), "over_90": Q(due__lt=days(90))}
    rows = (posted_lines(company)
            .filter(entry__date__lte=as_of, auxiliary__kind=AuxiliaryKind.CUSTOMER,
                    ledger_account__number__startswith="411")
            .filter(Q(lettering="") | Q(lettered_on__gt=as_of))
            .annotate(due=Coalesce("due_date", "entry__date"))
            .values("auxiliary__code", "auxiliary__label", "auxiliary__party_id")
            .annotate(**{bucket: Sum(BALANCE, filter=condition, default=ZERO) for bucket, condition in buckets.items()})
            .order_by("auxiliary__code"))
    aged = [AgedReceivable(auxiliary=row["auxiliary__code"], label=row["auxiliary__label"],
                           party_id=row["auxiliary__party_id"], **{bucket: row[bucket] for bucket in AGE_BUCKETS})
            for row in rows]
    return [row for row in aged if any(getattr(row, bucket) for bucket in AGE_BUCKETS)]


# --- Balance sheet and income statement (simplified French presentation) ---------------------------------------


@dataclass(frozen=True)
class Heading:
    key: str
    label: str
    prefixes: tuple[str, ...]
    section: str = ""


def _heading(key, label, prefixes, section=""):
    return Heading(key=key, label=label, prefixes=tuple(prefixes.split()), section=section)


# Postes of the simplified models (PCG art. 821-1 ff., "système de base" abridged): an account goes to the heading
# whose prefix is its longest.
ASSETS = [
    _heading("intangible_assets", gettext_lazy("Intangible fixed assets"), "20 280 290"),
    _heading("tangible_assets", gettext_lazy("Tangible fixed assets"), "21 22 23 24 25 281 282 291 292 293"),
    _heading("financial_assets", gettext_lazy("Financial fixed assets"), "26 27 296 297"),
    _heading("stocks", gettext_lazy("Stocks and work in progress"), "3"),
    _heading("advances_paid", gettext_lazy("Advances and deposits paid on orders"), "409"),
    _heading("trade_receivables", gettext_lazy("Trade receivables"), "41"),
    _heading("other_receivables", gettext_lazy("Other receivables"), "4"),
    _heading("cash", gettext_lazy("Cash and cash equivalents"), "5"),
    _heading("prepaid_expenses", gettext_lazy("Prepaid expenses"), "486"),
]
LIABILITIES = [
    _heading("capital", gettext_lazy("Share capital"), "101 108"),
    _heading("reserves", gettext_lazy("Premiums and reserves"), "10"),
    _heading("retained_earnings", gettext_lazy("Retained earnings"), "11"),
    _heading("result", gettext_lazy("Result for the year"), "12"),
    _heading("regulated", gettext_lazy("Investment grants and regulated provisions"), "13 14"),
    _heading("provisions", gettext_lazy("Provisions for liabilities and charges"), "15"),
    _heading("financial_debts", gettext_lazy("Borrowings and financial debts"), "16 17 18 5"),
    _heading("advances_received", gettext_lazy("Advances and deposits received on orders"), "419"),
    _heading("trade_payables", gettext_lazy("Trade payables"), "40"),
    _heading("tax_social_debts", gettext_lazy("Tax and social security debts"), "42 43 44"),
    _heading("other_debts", gettext_lazy("Other debts"), "4"),
    _heading("deferred_income", gettext_lazy("Deferred income"), "487"),
]
OPERATING, FINANCIAL, EXCEPTIONAL, TAX = "operating", "financial", "exceptional", "tax"
INCOME = [
    _heading("sales_of_goods", gettext_lazy("Sales of goods"), "707 7097", OPERATING),
    _heading("production_sold", gettext_lazy("Production sold (goods and services)"), "70", OPERATING),
    _heading("stored_production", gettext_lazy("Stored and capitalised production"), "71 72", OPERATING),
    _heading("operating_grants", gettext_lazy("Operating grants"), "74", OPERATING),
    _heading("operating_reversals", gettext_lazy("Reversals of provisions, expense transfers"), "78 79", OPERATING),
    _heading("other_operating_income", gettext_lazy("Other operating income"), "7 75", OPERATING),
    _heading("financial_income", gettext_lazy("Financial income"), "76 786 796", FINANCIAL),
    _heading("exceptional_income", gettext_lazy("Exceptional income"), "77 787 797", EXCEPTIONAL),
]
EXPENSES = [
    _heading("purchases_of_goods", gettext_lazy("Purchases of goods for resale"), "607 6087 6097", OPERATING),
    _heading("stock_change_goods", gettext_lazy("Change in stock of goods"), "6037", OPERATING),
    _heading("purchases_of_materials", gettext_lazy("Purchases of raw materials and supplies"),
             "601 602 6081 6082 6091 6092", OPERATING),
    _heading("stock_change_materials", gettext_lazy("Change in stock of raw materials and supplies"), "6031 6032",
             OPERATING),
    _heading("external_charges", gettext_lazy("Other purchases and external charges"), "60 61 62", OPERATING),
    _heading("taxes", gettext_lazy("Taxes and duties"), "63", OPERATING),
    _heading("wages", gettext_lazy("Wages and salaries"), "64 641 644", OPERATING),
    _heading("social_charges", gettext_lazy("Social security charges"), "645 646 647 648", OPERATING),
    _heading("depreciation", gettext_lazy("Depreciation, amortisation and provisions"), "68", OPERATING),
    _heading("other_operating_charges", gettext_lazy("Other operating charges"), "6 65", OPERATING),
    _heading("financial_charges", gettext_lazy("Financial charges"), "66 686", FINANCIAL),
    _heading("exceptional_charges", gettext_lazy("Exceptional charges"), "67 687", EXCEPTIONAL),
    _heading("profit_sharing", gettext_lazy("Employee profit-sharing"), "691", TAX),
    _heading("income_tax", gettext_lazy("Income tax"), "69", TAX),
]


def heading_of(number: str, headings: list[Heading]) -> Heading | None:
    matches = [(len(prefix), heading) for heading in headings for prefix in heading.prefixes
               if number.startswith(prefix)]
    return max(matches, key=lambda match: match[0])[1] if matches else None


@dataclass(frozen=True)
class AccountAmount:
    number: str
    label: str
    amount: Decimal


@dataclass
class StatementLine:
    key: str
    label: str
    section: str = ""
    amount: Decimal = ZERO
    accounts: list[AccountAmount] = field(default_factory=list)


def _lines(headings: list[Heading], amounts: Iterable[tuple[Heading, AccountAmount]]) -> list[StatementLine]:
    lines = {heading.key: StatementLine(key=heading.key, label=str(heading.label), section=heading.section)
             for heading in headings}
    for heading, amount in amounts:
        line = lines[heading.key]
        line.amount += amount.amount
        line.accounts.append(amount)
    return [line for line in lines.values() if line.accounts]


def account_balances(company: Company, lines: Q) -> list[tuple[str, str, Decimal]]:
    """(number, label, debit − credit) per account of the lines, none at zero."""
    rows = (posted_lines(company).filter(lines).values("ledger_account__number", "ledger_account__label")
            .annotate(balance=Sum(BALANCE)).order_by("ledger_account__number"))
    return [(row["ledger_account__number"], row["ledger_account__label"], row["balance"]) for row in rows
            if row["balance"]]


@dataclass(frozen=True)
class IncomeStatement:
    start: dt.date
    end: dt.date
    income: list[StatementLine]
    expenses: list[StatementLine]

    def _total(self, lines: list[StatementLine], section: str | None = None) -> Decimal:
        return sum((line.amount for line in lines if section in (None, line.section)), ZERO)

    @property
    def total_income(self) -> Decimal:
        return self._total(self.income)

    @property
    def total_expenses(self) -> Decimal:
        return self._total(self.expenses)

    def section_result(self, section: str) -> Decimal:
        return self._total(self.income, section) - self._total(self.expenses, section)

    @property
    def net_result(self) -> Decimal:
        return self.total_income - self.total_expenses


def income_statement(*, actor, start: dt.date, end: dt.date, company: Company | None = None) -> IncomeStatement:
    """Income (class 7, credit balances) and expenses (class 6, debit balances) of a period by heading, with the
    operating, financial, exceptional and net results."""
    company = default_company(company)
    balances = account_balances(company, PROFIT_AND_LOSS & Q(entry__date__gte=start, entry__date__lte=end))
    income, expenses = [], []
    for number, label, balance in balances:
        if number.startswith("7"):
            income.append((heading_of(number, INCOME), AccountAmount(number, label, -balance)))
        else:
            expenses.append((heading_of(number, EXPENSES), AccountAmount(number, label, balance)))
    return IncomeStatement(start=start, end=end, income=_lines(INCOME, income), expenses=_lines(EXPENSES, expenses))


@dataclass(frozen=True)
class BalanceSheet:
    as_of: dt.date
    assets: list[StatementLine]
    liabilities: list[StatementLine]
    result: Decimal  # of the fiscal year up to `as_of`, included in the liabilities

    @property
    def total_assets(self) -> Decimal:
        return sum((line.amount for line in self.assets), ZERO)

    @property
    def total_liabilities(self) -> Decimal:
        return sum((line.amount for line in self.liabilities), ZERO)


def balance_sheet(*, actor, as_of: dt.date, company: Company | None = None) -> BalanceSheet:
    """Assets (classes 2 and 3, debit balances of classes 4 and 5) and liabilities (class 1 with the year's
    result, credit balances of classes 4 and 5) at the end of `as_of`; each account on its balance's side."""
    company = default_company(company)
    opening = opening_at(company, as_of)
    assets, liabilities, result = [], [], ZERO
    for number, label, balance in account_balances(company, opening.before(as_of + dt.timedelta(days=1))):
        if number[:1] in "67":
            result -= balance
        elif number[:1] == "1" or (number[:1] in "45" and balance < 0):
            heading = heading_of(number, LIABILITIES) or _by_key(LIABILITIES, "other_debts")
            liabilities.append((heading, AccountAmount(number, label, -balance)))
        else:
            heading = heading_of(number, ASSETS) or _by_key(ASSETS, "other_receivables")
            assets.append((heading, AccountAmount(number, label, balance)))
    prior = opening.prior_result(company)
    if prior:
        liabilities.append((_by_key(LIABILITIES, "retained_earnings"),
                            AccountAmount("", _("Earlier years' result, not allocated yet"), prior)))
    if result:
        liabilities.append((_by_key(LIABILITIES, "result"), AccountAmount("", _("Income − expenses"), result)))
    return BalanceSheet(as_of=as_of, assets=_lines(ASSETS, assets), liabilities=_lines(LIABILITIES, liabilities),
                        result=result)


def _by_key(headings: list[Heading], key: str) -> Heading:
    return next(heading for heading in headings if heading.key == key)


# --- Checks of the books ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    entry: str = ""
    account: str = ""
    auxiliary: str = ""
    date: dt.date | None = None
    amount: Decimal | None = None
    count: int = 1


def numbering_gaps(numbers: Iterable[str], last: int | None = None) -> list[tuple[int, int]]:
    """The missing ranges (first, last) of a gapless series of numbers ending in digits (2026-000042), from 1
    to `last` (the counter) or to the highest number."""
    used = sorted({int(match.group(1)) for number in numbers if (match := re.search(r"(\d+)$", number or ""))})
    gaps, expected = [], 1
    for value in used + [max(last or 0, used[-1] if used else 0) + 1]:
        if value > expected:
            gaps.append((expected, value - 1))
        expected = max(expected, value + 1)
    return gaps


def books_check(*, actor, fiscal_year: FiscalYear, old_after_days: int = 90,
                as_of: dt.date | None = None) -> list[Finding]:
    """What is wrong in a fiscal year's books: unbalanced entries, entries dated outside the year, gaps in the
    entry numbers, drafts left, third-party lines on reconcilable accounts still unlettered after
    `old_after_days` days."""
    findings = []
    entries = JournalEntry.objects.filter(fiscal_year=fiscal_year, status=EntryStatus.POSTED)
    lines = JournalLine.objects.filter(entry__fiscal_year=fiscal_year, entry__status=EntryStatus.POSTED)
    for entry in (lines.values("entry__number", "entry__date").annotate(debit=Sum("debit"), credit=Sum("credit"))
                  .exclude(debit=F("credit")).order_by("entry__number")):
        findings.append(Finding(
            code="unbalanced_entry", entry=entry["entry__number"], date=entry["entry__date"],
            amount=entry["debit"] - entry["credit"],
            message=_("Entry %(number)s is not balanced: %(debit)s debit, %(credit)s credit.") % {
                "number": entry["entry__number"], "debit": entry["debit"], "credit": entry["credit"]}))
    outside = JournalEntry.objects.filter(Q(fiscal_year=fiscal_year) & ~Q(date__range=(fiscal_year.start,
                                                                                      fiscal_year.end)))
    for entry in outside.values("number", "date", "status"):
        findings.append(Finding(
            code="entry_outside_fiscal_year", entry=entry["number"] or "", date=entry["date"],
            message=_("Entry %(number)s is dated %(date)s, outside the fiscal year %(year)s.") % {
                "number": entry["number"] or _("(draft)"), "date": entry["date"].isoformat(),
                "year": fiscal_year.name}))
    for first, last in numbering_gaps(entries.values_list("number", flat=True).iterator(), fiscal_year.last_number):
        findings.append(Finding(
            code="numbering_gap", count=last - first + 1, entry=f"{fiscal_year.name}-{first:06d}",
            message=_("Entry numbers %(first)s to %(last)s of %(year)s are missing.") % {
                "first": f"{fiscal_year.name}-{first:06d}", "last": f"{fiscal_year.name}-{last:06d}",
                "year": fiscal_year.name}))
    drafts = JournalEntry.objects.filter(fiscal_year=fiscal_year, status=EntryStatus.DRAFT,
                                         deleted_at__isnull=True).count()
    if drafts:
        findings.append(Finding(code="draft_entries", count=drafts,
                                message=_("%(count)s draft entries are not posted.") % {"count": drafts}))
    as_of = as_of or min(timezone.localdate(), fiscal_year.end)
    old = (lines.filter(ledger_account__reconcilable=True, auxiliary__isnull=False, lettering="",
                        entry__date__lt=as_of - dt.timedelta(days=old_after_days))
           .values("ledger_account__number", "auxiliary__code")
           .annotate(lines=Count("id"), balance=Sum(BALANCE), oldest=Min("entry__date"))
           .order_by("ledger_account__number", "auxiliary__code"))
    for row in old:
        findings.append(Finding(
            code="unlettered_old_line", account=row["ledger_account__number"], auxiliary=row["auxiliary__code"],
            count=row["lines"], amount=row["balance"], date=row["oldest"],
            message=_("%(count)s lines of %(account)s %(auxiliary)s older than %(days)s days are not lettered "
                      "(balance %(balance)s).") % {"count": row["lines"], "account": row["ledger_account__number"],
                                                   "auxiliary": row["auxiliary__code"], "days": old_after_days,
                                                   "balance": row["balance"]}))
    return findings

