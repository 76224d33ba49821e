"""Entries posted from sales documents, their integrity (service and database), lettering, the drill-down."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.accounting.models import FiscalYear, JournalEntry, JournalLine
from tests.conftest import messages
from tests.helpers import gid
from tests.sales.test_invoices import ISSUE, LINE, draft, issued_invoice
from tests.sales.test_payments import PAY

ENTRY_LINES = "lines { account { number } auxiliary { code } label debit credit lettering }"
DRILL = """query($id: ID!) { node(id: $id) { ... on Account { invoices(first: 100) { edges { node { number
  totalInclVat entries { edges { node { journal { code } number date lines { account { number label } debit credit
  lettering } } } } } } } } } }"""


def domain_example(api, customer, day: dt.date | None = None) -> str:
    """DOMAIN.md 1.5's invoice, issued on `day` (today when None)."""
    invoice = draft(api, customer)
    api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["saw"]), "quantity": "3"}})
    api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["food"]), "quantity": "2"}})
    issued = api.execute(ISSUE, {"id": invoice, "date": day and day.isoformat()})["data"]["invoiceIssue"]
    assert issued["status"] == "ISSUED", issued
    return invoice


def entries_of(api, record_id):
    node = api.execute(f"""query($id: ID!) {{ node(id: $id) {{ ... on Invoice {{ entries {{ edges {{ node {{
        number status journal {{ code }} {ENTRY_LINES} }} }} }} }} ... on Payment {{ entries {{ edges {{ node {{
        number status journal {{ code }} {ENTRY_LINES} }} }} }} }} }} }}""", {"id": record_id})
    assert "errors" not in node, node
    return [edge["node"] for edge in node["data"]["node"]["entries"]["edges"]]


def in_journal(api, record_id, code):
    [entry] = [entry for entry in entries_of(api, record_id) if entry["journal"]["code"] == code]
    return entry


@pytest.mark.smoke
def test_issuing_an_invoice_posts_its_sales_entry(acme_admin_api, customer):
    invoice = domain_example(acme_admin_api, customer)
    [entry] = entries_of(acme_admin_api, invoice)
    year = timezone.localdate().year
    assert (entry["number"], entry["status"], entry["journal"]["code"]) == (f"{year}-000001", "POSTED", "VT")
    lines = [(line["account"]["number"], (line["auxiliary"] or {}).get("code"), line["debit"], line["credit"])
             for line in entry["lines"]]
    auxiliary = lines[0][1]
    assert auxiliary.startswith("CLI")
    # DOMAIN.md 4.3 (a): the saw and the food are goods (707), VAT per rate
    assert lines == [("411100", auxiliary, "1694.91", "0.00"), ("707000", None, "0.00", "1350.00"),
                     ("707000", None, "0.00", "71.00"), ("445711", None, "0.00", "270.00"),
                     ("445712", None, "0.00", "3.91")]


def test_a_payment_posts_to_the_bank_and_letters_what_it_settles(acme_admin_api, customer):
    first, second = issued_invoice(acme_admin_api, customer), issued_invoice(acme_admin_api, customer)  # 240 each
    payment = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "480",
                                                     "allocations": [{"invoiceId": first, "amount": "240"}]}}
                                     )["data"]["paymentRecord"]
    bank = in_journal(acme_admin_api, payment["id"], "BQ")
    assert bank["journal"]["code"] == "BQ"
    # one customer line per invoice paid, one for the rest (the customer's credit)
    assert [(line["account"]["number"], line["debit"], line["credit"]) for line in bank["lines"]] == [
        ("512100", "480.00", "0.00"), ("411100", "0.00", "240.00"), ("411100", "0.00", "240.00")]
    assert bank["lines"][1]["label"].endswith(number_of(acme_admin_api, first))
    # the first invoice is settled: lettered at once, whatever the rest of the payment becomes
    assert in_journal(acme_admin_api, first, "VT")["lines"][0]["lettering"] == bank["lines"][1]["lettering"] != ""
    assert bank["lines"][2]["lettering"] == ""
    allocate = """mutation($p: ID!, $i: ID!) { paymentAllocate(paymentId: $p, invoiceId: $i, amount: "240") {
        __typename ... on Payment { allocations { id } } } }"""
    allocations = acme_admin_api.execute(allocate, {"p": payment["id"], "i": second})["data"]["paymentAllocate"]
    # allocated later: an entry moves the rest to a line of the second invoice, then both are lettered
    [moved] = [entry for entry in entries_of(acme_admin_api, second) if entry["journal"]["code"] == "OD"
               and {line["account"]["number"] for line in entry["lines"]} == {"411100"}]
    assert [(line["account"]["number"], line["debit"], line["credit"]) for line in moved["lines"]] == [
        ("411100", "240.00", "0.00"), ("411100", "0.00", "240.00")]
    second_letter = in_journal(acme_admin_api, second, "VT")["lines"][0]["lettering"]
    assert second_letter and moved["lines"][1]["lettering"] == second_letter
    bank = in_journal(acme_admin_api, payment["id"], "BQ")
    assert bank["lines"][2]["lettering"] == moved["lines"][0]["lettering"] != ""
    acme_admin_api.execute('mutation($id: ID!) { paymentUnallocate(allocationId: $id) { __typename } }',
                           {"id": allocations["allocations"][1]["id"]})
    assert in_journal(acme_admin_api, second, "VT")["lines"][0]["lettering"] == ""
    assert in_journal(acme_admin_api, first, "VT")["lines"][0]["lettering"] != ""


def number_of(api, invoice) -> str:
    return api.execute('query($id: ID!) { node(id: $id) { ... on Invoice { number } } }', {"id": invoice})[
        "data"]["node"]["number"]


def test_a_payment_of_several_invoices_letters_each_one_it_settles(acme_admin_api, customer):
    first, second, third = (issued_invoice(acme_admin_api, customer) for _ in range(3))  # 240 each

    def letters():
        return [in_journal(acme_admin_api, invoice, "VT")["lines"][0]["lettering"]
                for invoice in (first, second, third)]

    payment = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "580", (
        "allocations"): [{"invoiceId": first, "amount": "240"}, {"invoiceId": second, "amount": "240"},
                         {"invoiceId": third, "amount": "100"}]}})["data"]["paymentRecord"]
    bank = in_journal(acme_admin_api, payment["id"], "BQ")
    assert [(line["credit"], line["lettering"] != "") for line in bank["lines"][1:]] == [
        ("240.00", True), ("240.00", True), ("100.00", False)]
    found = letters()
    assert found[0] and found[1] and found[0] != found[1] and found[2] == ""
    acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "140",
                                           "allocations": [{"invoiceId": third, "amount": "140"}]}})
    completed = letters()
    assert completed[:2] == found[:2] and completed[2] not in ("", *found[:2])
    assert in_journal(acme_admin_api, payment["id"], "BQ")["lines"][3]["lettering"] == completed[2]
    # removing an allocation unletters its invoice only
    acme_admin_api.execute('mutation($id: ID!) { paymentUnallocate(allocationId: $id) { __typename } }',
                           {"id": payment["allocations"][1]["id"]})
    assert letters() == [found[0], "", completed[2]]


def test_a_credit_note_mirrors_the_invoice(acme_admin_api, customer):
    invoice = domain_example(acme_admin_api, customer)
    acme_admin_api.execute('mutation($id: ID!) { invoiceCancel(id: $id) { __typename } }', {"id": invoice})
    with schema_context("acme"):
        credit = JournalEntry.objects.get(credit_note__invoice__isnull=False)
        lines = [(line.ledger_account.number, line.debit, line.credit) for line in credit.lines.all()]
    assert lines[0] == ("411100", Decimal("0.00"), Decimal("1694.91"))
    assert sum(debit for _n, debit, _c in lines) == sum(credit for _n, _d, credit in lines) == Decimal("1694.91")


def test_posted_entries_are_immutable_and_balanced_in_the_database(acme_admin_api, customer):
    domain_example(acme_admin_api, customer)
    with schema_context("acme"):
        line = JournalLine.objects.filter(debit__gt=0).first()
        for statement in (lambda: JournalLine.objects.filter(pk=line.pk).update(debit=Decimal("1")),
                          lambda: JournalLine.objects.filter(pk=line.pk).delete(),
                          lambda: JournalEntry.objects.filter(pk=line.entry_id).update(date=dt.date(2020, 1, 1)),
                          lambda: JournalEntry.objects.filter(pk=line.entry_id).delete()):
            with pytest.raises(DatabaseError), transaction.atomic():
                statement()
        # A line written straight into a posted entry is refused too; lettering alone may change.
        JournalLine.objects.filter(pk=line.pk).update(lettering="Z")
        with pytest.raises(DatabaseError), transaction.atomic():
            JournalLine.objects.create(entry_id=line.entry_id, ref_id=line.ref_id, ledger_account=line.ledger_account,
                                       label="x", debit=Decimal("1"))


def test_manual_entries_are_balanced_and_refused_in_a_closed_year(acme_admin_api):
    create = """mutation($input: EntryInput!) { entryCreate(input: $input) { __typename
        ... on JournalEntry { id number status lines { account { number } debit credit } }
        ... on OperationInfo { messages { field code } } } }"""
    today = timezone.localdate().isoformat()
    lines = [{"account": "606400", "debit": "500"}, {"account": "445660", "debit": "100"},
             {"account": "401100", "credit": "600"}]
    unbalanced = acme_admin_api.execute(create, {"input": {"journal": "OD", "date": today, "label": "Supplies",
                                                           "lines": lines[:2] + [{"account": "401100",
                                                                                  "credit": "599"}]}})
    assert messages(unbalanced["data"]["entryCreate"]) == {None: "unbalanced"}
    unknown = acme_admin_api.execute(create, {"input": {"journal": "OD", "date": today, "label": "x",
                                                        "lines": [{"account": "999999", "debit": "1"}]}})
    assert messages(unknown["data"]["entryCreate"]) == {"lines.0.account": "not_found"}
    posted = acme_admin_api.execute(create, {"input": {"journal": "OD", "date": today, "label": "Supplies",
                                                       "lines": lines}})["data"]["entryCreate"]
    assert posted["status"] == "POSTED" and posted["number"].endswith("-000001")
    reversed_ = acme_admin_api.execute('mutation($id: ID!) { entryReverse(id: $id) { ... on JournalEntry { number '
                                       'lines { account { number } debit credit } } } }', {"id": posted["id"]})
    assert reversed_["data"]["entryReverse"]["lines"][0] == {"account": {"number": "606400"}, "debit": "0.00",
                                                             "credit": "500.00"}
    with schema_context("acme"):
        FiscalYear.objects.update(closed_at=timezone.now())
    closed = acme_admin_api.execute(create, {"input": {"journal": "OD", "date": today, "label": "Late",
                                                       "lines": lines}})
    assert messages(closed["data"]["entryCreate"]) == {None: "period_closed"}


def test_issuing_in_a_closed_year_is_refused_and_writes_nothing(acme_admin_api, customer):
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "x", "unitPrice": "10", "vatRate": "20"}})
    with schema_context("acme"):
        year = timezone.localdate().year
        FiscalYear.objects.create(company_id=1, name=str(year), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                                  closed_at=timezone.now())
    refused = acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]
    assert messages(refused) == {None: "period_closed"}
    with schema_context("acme"):
        assert not JournalEntry.objects.exists()


def test_the_database_refuses_to_post_an_unbalanced_entry(acme_admin_api, customer, acme_admin):
    with schema_context("acme"):
        from saas.accounting import services
        from saas.accounting.models import Journal, LedgerAccount

        bank, fees = LedgerAccount.objects.get(number="512100"), LedgerAccount.objects.get(number="627000")
        entry = services.entry_create(actor=acme_admin, journal=Journal.objects.get(code="OD"),
                                      date=timezone.localdate(), label="Fees", post=False, lines=[
                                          services.LineSpec(account=fees, label="Fees", debit=Decimal("5")),
                                          services.LineSpec(account=bank, label="Fees", credit=Decimal("5"))])
        JournalLine.objects.filter(entry=entry, ledger_account=bank).update(credit=Decimal("4"))
        with pytest.raises(ValidationError) as service_refused:
            services.entry_post(actor=acme_admin, entry=entry)
        assert [error.code for error in service_refused.value.error_list] == ["unbalanced"]
        with pytest.raises(DatabaseError), transaction.atomic():
            JournalEntry.objects.filter(pk=entry.pk).update(status="posted")
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_drill_down_has_a_constant_query_count(acme_admin_api, customer, acme_admin):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            result = acme_admin_api.execute(DRILL, {"id": gid(customer["account"])})
        assert "errors" not in result, result
        return len(captured), len(result["data"]["node"]["invoices"]["edges"])

    issued_invoice(acme_admin_api, customer)
    one, invoices = count()
    assert invoices == 1
    for _ in range(9):
        issued_invoice(acme_admin_api, customer)
    assert count() == (one, 10)
    with schema_context("acme"):
        from saas.sales import services as sales

        for _ in range(90):
            invoice = sales.invoice_create(actor=acme_admin, account=customer["account"])
            invoice = sales.document_line_add(actor=acme_admin, document=invoice, item=customer["saw"])
            sales.invoice_issue(actor=acme_admin, invoice=invoice)
    assert count() == (one, 100)


def test_services_vat_waits_until_paid_then_moves_to_collected_vat(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)  # 2 × 100 € of "Work" (a service) at 20 %: 40 € VAT
    sale = in_journal(acme_admin_api, invoice, "VT")
    assert [(line["account"]["number"], line["credit"]) for line in sale["lines"][1:]] == [
        ("706000", "200.00"), ("445740", "40.00")]
    payment = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "60",
                                                     "allocations": [{"invoiceId": invoice, "amount": "60"}]}}
                                     )["data"]["paymentRecord"]
    transfers = [entry for entry in entries_of(acme_admin_api, invoice) if entry["journal"]["code"] == "OD"]
    assert [(line["account"]["number"], line["debit"], line["credit"]) for line in transfers[0]["lines"]] == [
        ("445740", "10.00", "0.00"), ("445711", "0.00", "10.00")]  # a quarter paid: a quarter of the VAT due
    acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "180",
                                           "allocations": [{"invoiceId": invoice, "amount": "180"}]}})
    with schema_context("acme"):
        waiting = JournalLine.objects.filter(ledger_account__number="445740")
        assert sum(line.credit - line.debit for line in waiting) == 0  # all of it due now
    acme_admin_api.execute('mutation($id: ID!) { paymentUnallocate(allocationId: $id) { __typename } }',
                           {"id": payment["allocations"][0]["id"]})
    with schema_context("acme"):
        assert sum(line.credit - line.debit for line in waiting.all()) == Decimal("10.00")


def test_templates_and_posting_rules_are_the_tenants(acme_admin_api, customer):
    save = """mutation($lines: [TemplateLineInput!]!) { entryTemplateSave(name: "Bank fees", journal: "BQ",
        label: "Bank fees", lines: $lines) { __typename ... on EntryTemplate { name lines { account percent } }
        ... on OperationInfo { messages { field code } } } }"""
    lopsided = acme_admin_api.execute(save, {"lines": [{"account": "627000", "side": "debit", "percent": "90"},
                                                       {"account": "512100", "side": "credit", "percent": "100"}]})
    assert messages(lopsided["data"]["entryTemplateSave"]) == {None: "unbalanced"}
    saved = acme_admin_api.execute(save, {"lines": [
        {"account": "627000", "side": "debit", "percent": "83.33"},
        {"account": "445660", "side": "debit", "percent": "16.67"},
        {"account": "512100", "side": "credit", "percent": "100"}]})
    assert saved["data"]["entryTemplateSave"]["name"] == "Bank fees"
    entry = acme_admin_api.execute("""mutation($date: Date!) { entryFromTemplate(template: "Bank fees", amount: "12.00",
        date: $date) { ... on JournalEntry { status lines { account { number } debit credit } } } }""",
                                   {"date": timezone.localdate().isoformat()})["data"]["entryFromTemplate"]
    assert [(line["account"]["number"], line["debit"], line["credit"]) for line in entry["lines"]] == [
        ("627000", "10.00", "0.00"), ("445660", "2.00", "0.00"), ("512100", "0.00", "12.00")]
    rule = acme_admin_api.execute("""mutation { postingRuleSet(kind: REVENUE, nature: "goods", account: "701000") {
        __typename } }""")
    assert rule["data"]["postingRuleSet"]["__typename"] == "PostingRule"
    invoice = domain_example(acme_admin_api, customer)
    assert {line["account"]["number"] for line in in_journal(acme_admin_api, invoice, "VT")["lines"]} >= {"701000"}


def test_the_chart_and_journals_are_editable(acme_admin_api):
    save = """mutation($n: String!, $l: String!) { ledgerAccountSave(number: $n, label: $l) { __typename
        ... on LedgerAccount { number kind reconcilable } ... on OperationInfo { messages { field code } } } }"""
    added = acme_admin_api.execute(save, {"n": "411200", "l": "Clients - grands comptes"})["data"]["ledgerAccountSave"]
    assert added == {"__typename": "LedgerAccount", "number": "411200", "kind": "THIRD_PARTY", "reconcilable": True}
    bad = acme_admin_api.execute(save, {"n": "81A", "l": ""})["data"]["ledgerAccountSave"]
    assert messages(bad) == {"number": "account_number", "label": "account_number"}
    journal = acme_admin_api.execute("""mutation { journalSave(code: "bq2", label: "Banque 2", kind: BANK,
        defaultAccount: "512100") { __typename ... on Journal { code kind defaultAccount { number } } } }""")
    assert journal["data"]["journalSave"] == {"__typename": "Journal", "code": "BQ2", "kind": "BANK",
                                              "defaultAccount": {"number": "512100"}}


def test_manual_lettering_and_closing_a_year(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)
    acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "240"}})
    lines = acme_admin_api.execute("""{ journalEntries(filters: {journal: {code: {inList: ["VT", "BQ"]}}}) { edges {
        node { journal { code } lines { id account { number } lettering } } } } }""")["data"]["journalEntries"]
    customer_lines = [line["id"] for edge in lines["edges"] for line in edge["node"]["lines"]
                      if line["account"]["number"] == "411100"]
    letter = """mutation($ids: [ID!]!) { linesLetter(lineIds: $ids) { __typename ... on LetteringResult { code }
        ... on OperationInfo { messages { code } } } }"""
    assert acme_admin_api.execute(letter, {"ids": customer_lines[:1]})["data"]["linesLetter"]["messages"] == [
        {"code": "lettering"}]
    assert acme_admin_api.execute(letter, {"ids": customer_lines})["data"]["linesLetter"]["code"] == "A"
    unletter = acme_admin_api.execute("""mutation($id: ID!) { lineUnletter(lineId: $id) { ... on LetteringResult {
        count } } }""", {"id": customer_lines[0]})
    assert unletter["data"]["lineUnletter"]["count"] == 2
    history = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Invoice { entries { edges { node {
        history(first: 5) { edges { node { kind changes { field old new } } } } } } } } } }""", {"id": invoice})
    events = history["data"]["node"]["entries"]["edges"][0]["node"]["history"]["edges"]
    assert [change["field"] for event in events[:2] for change in event["node"]["changes"]
            if change["field"] == "lettering"] == ["lettering", "lettering"]
    years = acme_admin_api.execute("{ fiscalYears { id name closedAt } }")["data"]["fiscalYears"]
    draft = """mutation { entryCreate(input: {journal: "OD", date: "%s", label: "x", post: false, lines: [
        {account: "627000", debit: "1"}, {account: "512100", credit: "1"}]}) { __typename } }"""
    acme_admin_api.execute(draft % timezone.localdate().isoformat())
    close = """mutation($id: ID!) { fiscalYearClose(id: $id) { __typename ... on FiscalYear { closedAt }
        ... on OperationInfo { messages { code } } } }"""
    assert acme_admin_api.execute(close, {"id": years[0]["id"]})["data"]["fiscalYearClose"]["messages"] == [
        {"code": "drafts_left"}]


def test_issuing_without_a_posting_rule_is_refused_with_a_code(acme_admin_api, customer):
    with schema_context("acme"):
        from saas.accounting.models import PostingRule

        PostingRule.objects.filter(kind="revenue").delete()
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "x", "unitPrice": "10", "vatRate": "20"}})
    refused = acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]
    assert messages(refused) == {None: "posting_rule_missing"}
