"""Reports on books built through the services: trial balance, general ledger, aged receivables, income statement,
balance sheet, and the checks of the books."""

import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context
from strawberry.relay import to_base64

from saas.accounting import reports, services
from saas.accounting.models import FiscalYear, Journal, JournalEntry, LedgerAccount
from tests.accounting.test_posting import domain_example
from tests.conftest import messages
from tests.helpers import gid
from tests.sales.test_invoices import ISSUE, LINE, draft
from tests.sales.test_payments import PAY

TODAY = timezone.localdate()
YEAR_START = dt.date(TODAY.year, 1, 1)
TRIAL = """query($start: Date!, $end: Date!) { trialBalance(start: $start, end: $end) { debit credit priorResult
  rows { number label opening debit credit closing } } }"""
LEDGER = """query($account: String!, $start: Date!, $end: Date!, $first: Int, $offset: Int) {
  generalLedger(accountNumber: $account, start: $start, end: $end, first: $first, offset: $offset) {
    account opening debit credit closing totalCount lines { date journal number label auxiliary debit credit balance
    lettering } } }"""
AGED = """query($asOf: Date!) { agedReceivables(asOf: $asOf) { auxiliary label accountId notDue days0To30 days31To60
  days61To90 over90 total } }"""
STATEMENTS = """query($start: Date!, $end: Date!) {
  incomeStatement(start: $start, end: $end) { totalIncome totalExpenses operatingResult financialResult netResult
    income { key amount accounts { number amount } } expenses { key amount accounts { number amount } } }
  balanceSheet(asOf: $end) { totalAssets totalLiabilities result
    assets { key amount accounts { number amount } } liabilities { key amount accounts { number label amount } } } }"""
CHECK = """query($id: ID!, $days: Int) { booksCheck(fiscalYearId: $id, oldAfterDays: $days) { code message entry
  account auxiliary count amount } }"""


def pay(api, customer, amount, invoices=(), date=None):
    result = api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": amount, "date": date,
                                         "allocations": [{"invoiceId": invoice, "amount": share}
                                                         for invoice, share in invoices]}})
    assert result["data"]["paymentRecord"]["__typename"] == "Payment", result
    return result["data"]["paymentRecord"]


def invoice_on(api, customer, day: dt.date, price: str) -> str:
    invoice = draft(api, customer)
    api.execute(LINE, {"id": invoice, "input": {"description": "Work", "unitPrice": price, "vatRate": "20"}})
    issued = api.execute(ISSUE, {"id": invoice, "date": day.isoformat()})["data"]["invoiceIssue"]
    assert issued["status"] == "ISSUED", issued
    return invoice


def manual(actor, day, label, *lines, journal="OD", post=True):
    accounts = {account.number: account for account in LedgerAccount.objects.all()}
    return services.entry_create(actor=actor, journal=Journal.objects.get(code=journal), date=day, label=label,
                                 post=post, lines=[services.LineSpec(account=accounts[number], label=label,
                                                                     debit=Decimal(debit), credit=Decimal(credit))
                                                   for number, debit, credit in lines])


def rows_by_number(result):
    return {row["number"]: row for row in result["data"]["trialBalance"]["rows"]}


def test_trial_balance_balances_and_carries_the_opening(acme_admin_api, customer):
    # a day of last year, so that the day after is in the same fiscal year whichever day the test runs
    day = dt.date(TODAY.year - 1, 6, 14)
    invoice = domain_example(acme_admin_api, customer, day)
    pay(acme_admin_api, customer, "1694.91", [(invoice, "1694.91")], date=day.isoformat())
    result = acme_admin_api.execute(TRIAL, {"start": day.replace(day=1).isoformat(), "end": day.isoformat()})
    balance = result["data"]["trialBalance"]
    assert balance["debit"] == balance["credit"] == "3389.82"
    rows = rows_by_number(result)
    assert {number: (row["debit"], row["credit"], row["closing"]) for number, row in rows.items()} == {
        "411100": ("1694.91", "1694.91", "0.00"), "512100": ("1694.91", "0.00", "1694.91"),
        "707000": ("0.00", "1421.00", "-1421.00"), "445711": ("0.00", "270.00", "-270.00"),
        "445712": ("0.00", "3.91", "-3.91")}
    # the day after: what happened that day is the opening
    after = (day + dt.timedelta(days=1)).isoformat()
    later = rows_by_number(acme_admin_api.execute(TRIAL, {"start": after, "end": after}))
    assert (later["512100"]["opening"], later["707000"]["opening"], later["707000"]["debit"]) == (
        "1694.91", "-1421.00", "0.00")
    assert "411100" not in later  # nothing left on it
    assert sum(Decimal(row["opening"]) for row in later.values()) == 0


def test_income_of_an_earlier_year_is_not_an_opening_balance(acme, acme_admin):
    # two whole years before this one, so that the dates are in the past whichever day the test runs
    earlier, year = TODAY.year - 2, TODAY.year - 1
    with schema_context("acme"):
        manual(acme_admin, dt.date(earlier, 6, 1), "Cash sale", ("530000", "120", "0"), ("707000", "0", "120"))
        manual(acme_admin, dt.date(year, 2, 1), "Cash sale", ("530000", "60", "0"), ("707000", "0", "60"))
        balance = reports.trial_balance(actor=acme_admin, start=dt.date(year, 3, 1), end=dt.date(year, 12, 31))
        openings = {row.number: row.opening for row in balance.rows}
        # the cash is still there, the earlier year's income is its (unallocated) result
        assert openings == {"530000": Decimal("180.00"), "707000": Decimal("-60.00")}
        assert balance.prior_result == Decimal("120.00")
        sheet = reports.balance_sheet(actor=acme_admin, as_of=dt.date(year, 12, 31))
        assert sheet.total_assets == sheet.total_liabilities == Decimal("180.00")
        assert sheet.result == Decimal("60.00")


def test_general_ledger_pages_with_running_balances(acme_admin_api, customer, acme_admin):
    first = invoice_on(acme_admin_api, customer, TODAY, "100")  # 120 incl. VAT
    invoice_on(acme_admin_api, customer, TODAY, "50")  # 60
    pay(acme_admin_api, customer, "120", [(first, "120")])
    variables = {"account": "411100", "start": YEAR_START.isoformat(), "end": TODAY.isoformat()}
    ledger = acme_admin_api.execute(LEDGER, variables)["data"]["generalLedger"]
    assert (ledger["opening"], ledger["debit"], ledger["credit"], ledger["closing"], ledger["totalCount"]) == (
        "0.00", "180.00", "120.00", "60.00", 3)
    assert [(line["journal"], line["debit"], line["credit"], line["balance"], line["lettering"])
            for line in ledger["lines"]] == [("VT", "120.00", "0.00", "120.00", "A"),
                                             ("VT", "60.00", "0.00", "180.00", ""),
                                             ("BQ", "0.00", "120.00", "60.00", "A")]
    page = acme_admin_api.execute(LEDGER, {**variables, "first": 1, "offset": 2})["data"]["generalLedger"]
    assert [line["balance"] for line in page["lines"]] == ["60.00"]
    assert acme_admin_api.execute(LEDGER, {**variables, "account": "999"})["data"]["generalLedger"] is None
    with schema_context("acme"):
        lines = list(reports.general_ledger(actor=acme_admin, start=YEAR_START, end=TODAY, account_from="4",
                                            account_to="4"))
    # services VAT waits on 445740 and moves to 445711 with the payment
    assert [(line.account, line.balance) for line in lines] == [
        ("411100", Decimal("120.00")), ("411100", Decimal("180.00")), ("411100", Decimal("60.00")),
        ("445711", Decimal("-20.00")),
        ("445740", Decimal("-20.00")), ("445740", Decimal("-30.00")), ("445740", Decimal("-10.00"))]


def test_aged_receivables_by_days_past_due(acme_admin_api, customer):
    year = 2026
    invoice_on(acme_admin_api, customer, dt.date(year, 6, 1), "100")  # due 16 July: 120
    middle = invoice_on(acme_admin_api, customer, dt.date(year, 9, 1), "50")  # due 16 October: 60
    invoice_on(acme_admin_api, customer, dt.date(year, 11, 1), "10")  # due 16 December: 12
    pay(acme_admin_api, customer, "60", [(middle, "60")], date=f"{year}-11-10")
    aged = acme_admin_api.execute(AGED, {"asOf": f"{year}-11-24"})["data"]["agedReceivables"]
    [row] = aged
    assert row["auxiliary"].startswith("CLI") and row["accountId"] == gid(customer["account"])
    assert (row["notDue"], row["days0To30"], row["days31To60"], row["days61To90"], row["over90"], row["total"]) == (
        "12.00", "0.00", "0.00", "0.00", "120.00", "132.00")
    # before the payment (and its lettering), the middle invoice was open, 20 days past due
    [before] = acme_admin_api.execute(AGED, {"asOf": f"{year}-11-05"})["data"]["agedReceivables"]
    assert (before["notDue"], before["days0To30"], before["over90"], before["total"]) == (
        "12.00", "60.00", "120.00", "192.00")
    [early] = acme_admin_api.execute(AGED, {"asOf": f"{year}-07-20"})["data"]["agedReceivables"]
    assert (early["days0To30"], early["total"]) == ("120.00", "120.00")


def test_income_statement_and_balance_sheet(acme_admin_api, customer, acme_admin):
    invoice = domain_example(acme_admin_api, customer)
    pay(acme_admin_api, customer, "1694.91", [(invoice, "1694.91")])
    with schema_context("acme"):
        manual(acme_admin, TODAY, "Capital", ("512100", "1000", "0"), ("101000", "0", "1000"))
        manual(acme_admin, TODAY, "Office supplies", ("606400", "500", "0"), ("445660", "100", "0"),
               ("401100", "0", "600"))
        manual(acme_admin, TODAY, "Bank fees", ("627000", "5", "0"), ("512100", "0", "5"))
    result = acme_admin_api.execute(STATEMENTS, {"start": YEAR_START.isoformat(), "end": TODAY.isoformat()})
    income = result["data"]["incomeStatement"]
    assert (income["totalIncome"], income["totalExpenses"], income["operatingResult"], income["financialResult"],
            income["netResult"]) == ("1421.00", "505.00", "916.00", "0.00", "916.00")
    assert [(line["key"], line["amount"]) for line in income["income"]] == [("sales_of_goods", "1421.00")]
    assert [(line["key"], line["amount"]) for line in income["expenses"]] == [("external_charges", "505.00")]
    sheet = result["data"]["balanceSheet"]
    assert sheet["totalAssets"] == sheet["totalLiabilities"] == "2789.91"
    assert {line["key"]: line["amount"] for line in sheet["assets"]} == {"other_receivables": "100.00",
                                                                        "cash": "2689.91"}
    assert {line["key"]: line["amount"] for line in sheet["liabilities"]} == {
        "capital": "1000.00", "result": "916.00", "trade_payables": "600.00", "tax_social_debts": "273.91"}
    assert sheet["result"] == "916.00"


def test_an_overdrawn_bank_is_a_liability(acme, acme_admin):
    with schema_context("acme"):
        manual(acme_admin, TODAY, "Rent", ("613200", "800", "0"), ("512100", "0", "800"))
        sheet = reports.balance_sheet(actor=acme_admin, as_of=TODAY)
    assert [(line.key, line.amount) for line in sheet.liabilities] == [("result", Decimal("-800.00")),
                                                                      ("financial_debts", Decimal("800.00"))]
    assert sheet.total_assets == sheet.total_liabilities == 0


def test_numbering_gaps():
    assert reports.numbering_gaps(["2026-000001", "2026-000002", "2026-000005"]) == [(3, 4)]
    assert reports.numbering_gaps(["2026-000002"], last=4) == [(1, 1), (3, 4)]
    assert reports.numbering_gaps([], last=0) == []
    assert reports.numbering_gaps(["2026-000001", "2026-000002"], last=2) == []


def test_books_check_finds_gaps_drafts_dates_and_old_unlettered_lines(acme_admin_api, customer, acme_admin):
    invoice_on(acme_admin_api, customer, dt.date(2026, 6, 1), "100")
    with schema_context("acme"):
        year = FiscalYear.objects.get(name="2026")
        year_id = gid(year, "FiscalYear")
    clean = acme_admin_api.execute(CHECK, {"id": year_id, "days": 365})["data"]["booksCheck"]
    assert clean == []
    with schema_context("acme"):
        # A number consumed and never used (a counter moved by hand): the next entry leaves a gap.
        FiscalYear.objects.filter(pk=year.pk).update(last_number=F("last_number") + 2)
        manual(acme_admin, dt.date(2026, 11, 24), "Fees", ("627000", "5", "0"), ("512100", "0", "5"))
        stray = manual(acme_admin, dt.date(2026, 11, 24), "Draft", ("627000", "5", "0"), ("512100", "0", "5"),
                       post=False)
        JournalEntry.objects.filter(pk=stray.pk).update(date=dt.date(2025, 12, 31))
    findings = acme_admin_api.execute(CHECK, {"id": year_id, "days": 90})["data"]["booksCheck"]
    by_code = {finding["code"]: finding for finding in findings}
    assert set(by_code) == {"numbering_gap", "draft_entries", "entry_outside_fiscal_year", "unlettered_old_line"}
    assert (by_code["numbering_gap"]["entry"], by_code["numbering_gap"]["count"]) == ("2026-000002", 2)
    old = by_code["unlettered_old_line"]
    assert (old["account"], old["count"], old["amount"]) == ("411100", 1, "120.00")
    assert old["auxiliary"].startswith("CLI")
    unknown = acme_admin_api.execute(CHECK, {"id": to_base64("FiscalYear", "acme.999999")})
    assert unknown["errors"][0]["extensions"]["code"] == "not_found"


CARRY = """mutation($id: ID!) { fiscalYearCarryForward(id: $id) { __typename ... on JournalEntry { number date
  journal { code } lines { account { number } auxiliary { code } debit credit } }
  ... on OperationInfo { messages { field code } } } }"""
CLOSE = """mutation($id: ID!) { fiscalYearClose(id: $id) { __typename } }"""


def carry(api, year: FiscalYear):
    return api.execute(CARRY, {"id": gid(year, "FiscalYear")})["data"]["fiscalYearCarryForward"]


def test_a_closed_year_opens_the_next_one_with_its_balances(acme, acme_admin, acme_admin_api, customer):
    last_year = TODAY.year - 1
    with schema_context("acme"):
        manual(acme_admin, dt.date(last_year, 3, 1), "Capital", ("512100", "1000", "0"), ("101000", "0", "1000"))
        manual(acme_admin, dt.date(last_year, 6, 1), "Cash sale", ("530000", "120", "0"), ("707000", "0", "100"),
               ("445711", "0", "20"))
        manual(acme_admin, dt.date(last_year, 7, 1), "Fees", ("627000", "30", "0"), ("512100", "0", "30"))
        receivable = LedgerAccount.objects.get(number="411100")
        services.entry_create(actor=acme_admin, journal=Journal.objects.get(code="OD"), date=dt.date(last_year, 9, 1),
                              label="Fee owed", lines=[
                                  services.LineSpec(account=receivable, label="Fee owed", debit=Decimal("50"),
                                                    auxiliary=services.auxiliary_for(party=customer["account"])),
                                  services.LineSpec(account=LedgerAccount.objects.get(number="706000"),
                                                    label="Fee owed", credit=Decimal("50"))])
        year = FiscalYear.objects.get(name=str(last_year))
        customer_code = services.auxiliary_for(party=customer["account"]).code
    # while the year is open, nothing is carried
    assert messages(carry(acme_admin_api, year)) == {None: "year_open"}
    acme_admin_api.execute(CLOSE, {"id": gid(year, "FiscalYear")})
    # when
    entry = carry(acme_admin_api, year)
    # then: balance-sheet accounts per third party, the result (100 + 50 − 30) on 120000
    assert (entry["journal"]["code"], entry["date"]) == ("AN", f"{TODAY.year}-01-01")
    assert sorted((line["account"]["number"], (line["auxiliary"] or {}).get("code"), line["debit"], line["credit"])
                  for line in entry["lines"]) == [
        ("101000", None, "0.00", "1000.00"), ("120000", None, "0.00", "120.00"),
        ("411100", customer_code, "50.00", "0.00"), ("445711", None, "0.00", "20.00"),
        ("512100", None, "970.00", "0.00"), ("530000", None, "120.00", "0.00")]
    with schema_context("acme"):
        balance = reports.trial_balance(actor=acme_admin, start=dt.date(TODAY.year, 1, 2),
                                        end=dt.date(TODAY.year, 1, 2))  # not TODAY: it may be 1 January
        # the opening entry replaces the earlier movements: no unallocated result is left
        assert balance.prior_result == Decimal("0.00")
        assert {row.number: row.opening for row in balance.rows if row.opening} == {
            "101000": Decimal("-1000.00"), "120000": Decimal("-120.00"), "411100": Decimal("50.00"),
            "445711": Decimal("-20.00"), "512100": Decimal("970.00"), "530000": Decimal("120.00")}
    # once only
    assert messages(carry(acme_admin_api, year)) == {None: "already_carried"}


def test_a_loss_opens_on_129000_and_earlier_years_results_on_the_report_a_nouveau(acme, acme_admin, acme_admin_api):
    two_years_ago, last_year = TODAY.year - 2, TODAY.year - 1
    with schema_context("acme"):
        manual(acme_admin, dt.date(two_years_ago, 5, 1), "Cash sale", ("530000", "80", "0"), ("707000", "0", "80"))
        manual(acme_admin, dt.date(last_year, 5, 1), "Rent", ("613200", "200", "0"), ("530000", "0", "200"))
        year = FiscalYear.objects.get(name=str(last_year))
    acme_admin_api.execute(CLOSE, {"id": gid(year, "FiscalYear")})
    entry = carry(acme_admin_api, year)
    assert sorted((line["account"]["number"], line["debit"], line["credit"]) for line in entry["lines"]) == [
        ("110000", "0.00", "80.00"), ("129000", "200.00", "0.00"), ("530000", "0.00", "120.00")]
