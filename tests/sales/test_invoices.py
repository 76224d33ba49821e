import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.catalog import pricing
from saas.companies.models import Company
from saas.crm import services as crm
from saas.sales import services
from saas.sales.models import CreditNote, Invoice, InvoiceLine
from tests.conftest import messages
from tests.helpers import gid, pk_of

LINE = """mutation($id: ID!, $input: InvoiceLineInput!) { invoiceLineAdd(invoiceId: $id, input: $input) {
  __typename ... on Invoice { totalExclVat totalVat totalInclVat lines { description quantity unitPrice lineNet } }
  ... on OperationInfo { messages { field code } } } }"""
ISSUE = """mutation($id: ID!, $date: Date) { invoiceIssue(id: $id, issueDate: $date) { __typename
  ... on Invoice { number status issueDate dueDate totalInclVat vatBreakdown { rate base amount } }
  ... on OperationInfo { messages { field code } } } }"""



def draft(api, customer) -> str:
    result = api.execute('mutation($a: ID!) { invoiceCreate(accountId: $a) { ... on Invoice { id number status } } }',
                         {"a": gid(customer["account"])})["data"]["invoiceCreate"]
    assert (result["number"], result["status"]) == (None, "DRAFT")
    return result["id"]


@pytest.mark.smoke
def test_draft_lines_totals_and_issue_with_a_gapless_number(acme_admin_api, customer):
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["saw"]), "quantity": "3"}})
    totals = acme_admin_api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["food"]),
                                                                    "quantity": "2"}})["data"]["invoiceLineAdd"]
    # DOMAIN.md 1.5's running example
    assert (totals["totalExclVat"], totals["totalVat"], totals["totalInclVat"]) == ("1421.00", "273.91", "1694.91")
    # a number carries the year it is given in: issued today, whichever day the test runs
    today = timezone.localdate()
    issued = acme_admin_api.execute(ISSUE, {"id": invoice, "date": today.isoformat()})["data"]["invoiceIssue"]
    assert issued["number"] == f"FA-{today.year}-00001" and issued["status"] == "ISSUED"
    assert (issued["issueDate"], issued["dueDate"]) == (today.isoformat(), (today + dt.timedelta(days=45)).isoformat())
    assert issued["vatBreakdown"] == [{"rate": "20.00", "base": "1350.00", "amount": "270.00"},
                                      {"rate": "5.50", "base": "71.00", "amount": "3.91"}]
    second = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": second, "input": {"description": "Consulting", "unitPrice": "100",
                                                          "vatRate": "20"}})
    assert acme_admin_api.execute(ISSUE, {"id": second, "date": today.isoformat()})["data"]["invoiceIssue"][
        "number"] == f"FA-{today.year}-00002"


def test_price_lists_price_the_lines(acme_admin_api, customer, acme_admin):
    connection.set_schema("acme")
    public = pricing.price_list_create(actor=acme_admin, name="Public", is_default=True)
    pricing.price_rule_add(actor=acme_admin, price_list=public, kind="discount", value=Decimal("10"))
    connection.set_schema_to_public()
    invoice = draft(acme_admin_api, customer)
    result = acme_admin_api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["saw"])}})
    assert result["data"]["invoiceLineAdd"]["lines"][0]["unitPrice"] == "405.0000"


def test_issued_invoice_is_frozen_by_the_service_and_by_the_database(acme_admin_api, customer):
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "Work", "unitPrice": "10", "vatRate": "20"}})
    acme_admin_api.execute(ISSUE, {"id": invoice})
    refused = acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "More", "unitPrice": "1"}})
    assert messages(refused["data"]["invoiceLineAdd"]) == {None: "invoice_frozen"}
    deleted = acme_admin_api.execute('mutation($id: ID!) { recordDelete(id: $id) { ... on OperationInfo { messages '
                                     '{ field code } } } }', {"id": invoice})
    assert messages(deleted["data"]["recordDelete"]) == {None: "protected"}
    connection.set_schema("acme")
    for statement in ("UPDATE sales_invoice SET total_incl_vat = 1", "UPDATE sales_invoice SET number = 'X'",
                      "DELETE FROM sales_invoice", "UPDATE sales_invoiceline SET unit_price = 0",
                      "DELETE FROM sales_invoiceline"):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    Invoice.objects.update(custom={"followed_up": True})  # non-fiscal metadata may still change
    assert InvoiceLine.objects.count() == 1


@pytest.mark.parametrize(("setup", "code"), [("no_lines", "no_lines"), ("negative", "negative_total"),
                                             ("no_address", "customer_address_required")])
def test_refused_issues_leave_the_draft_unnumbered(acme_admin_api, customer, acme_admin, setup, code):
    if setup == "no_address":
        connection.set_schema("acme")
        crm.account_update(actor=acme_admin, account=customer["account"], version=1, fields={"billing_city": ""})
        connection.set_schema_to_public()
    invoice = draft(acme_admin_api, customer)
    if setup != "no_lines":
        price = "-50" if setup == "negative" else "50"
        acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "x", "unitPrice": price,
                                                                "vatRate": "20"}})
    result = acme_admin_api.execute(ISSUE, {"id": invoice})
    assert messages(result["data"]["invoiceIssue"]) == {None: code}
    connection.set_schema("acme")
    assert Invoice.objects.get().number is None


def test_back_dating_is_refused(acme_admin_api, customer):
    first, second = draft(acme_admin_api, customer), draft(acme_admin_api, customer)
    for invoice in (first, second):
        acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "x", "unitPrice": "5", "vatRate": "20"}})
    acme_admin_api.execute(ISSUE, {"id": first, "date": "2026-11-20"})
    result = acme_admin_api.execute(ISSUE, {"id": second, "date": "2026-11-19"})
    assert messages(result["data"]["invoiceIssue"]) == {None: "back_dated"}


def test_invoices_are_a_related_tab_of_the_account_and_listed(acme_admin_api, customer):
    draft(acme_admin_api, customer)
    tabs = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Account { relatedTabs { key count } } } }',
                                  {"id": gid(customer["account"])})["data"]["node"]["relatedTabs"]
    assert {"key": "invoices", "count": 1} in tabs
    listed = acme_admin_api.execute('{ invoices(filters: {status: {exact: DRAFT}}) { totalCount } }')
    assert listed["data"]["invoices"]["totalCount"] == 1


def test_service_issue_date_defaults_to_today(customer, acme_admin):
    connection.set_schema("acme")
    invoice = services.invoice_create(actor=acme_admin, account=customer["account"])
    invoice = services.document_line_add(actor=acme_admin, document=invoice, description="x",
                                         unit_price=Decimal("1"), vat_rate=Decimal("20"))
    issued = services.invoice_issue(actor=acme_admin, invoice=invoice)
    assert issued.issue_date == timezone.localdate()


def issued_invoice(api, customer, price="100") -> str:
    invoice = draft(api, customer)
    api.execute(LINE, {"id": invoice, "input": {"description": "Work", "unitPrice": price, "vatRate": "20",
                                                "quantity": "2"}})
    assert api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]["status"] == "ISSUED"
    return invoice


CREDIT = """mutation($id: ID!, $full: Boolean!) { creditNoteCreate(invoiceId: $id, full: $full, reason: "Return") {
  __typename ... on CreditNote { id number status totalInclVat lines { description lineNet } }
  ... on OperationInfo { messages { field code } } } }"""
CREDIT_ISSUE = """mutation($id: ID!) { creditNoteIssue(id: $id) { __typename
  ... on CreditNote { number status totalInclVat invoice { status } }
  ... on OperationInfo { messages { field code } } } }"""


def test_invoice_cancel_issues_a_full_credit_note_and_cancels_the_invoice(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)
    result = acme_admin_api.execute('mutation($id: ID!) { invoiceCancel(id: $id, reason: "Error") { __typename '
                                    '... on CreditNote { number status totalInclVat invoice { status } } } }',
                                    {"id": invoice})["data"]["invoiceCancel"]
    assert result == {"__typename": "CreditNote", "number": f"AV-{timezone.localdate().year}-00001",
                      "status": "ISSUED", "totalInclVat": "240.00", "invoice": {"status": "CANCELLED"}}
    again = acme_admin_api.execute('mutation($id: ID!) { invoiceCancel(id: $id) { ... on OperationInfo { messages '
                                   '{ field code } } } }', {"id": invoice})
    assert messages(again["data"]["invoiceCancel"]) == {"invoiceId": "not_creditable"}


def test_partial_credit_notes_cannot_exceed_the_invoice(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)  # 240.00 incl. VAT
    partial = acme_admin_api.execute(CREDIT, {"id": invoice, "full": False})["data"]["creditNoteCreate"]
    acme_admin_api.execute(LINE.replace("invoiceLineAdd(invoiceId", "creditNoteLineAdd(creditNoteId").replace(
        "... on Invoice", "... on CreditNote"), {"id": partial["id"], "input": {
            "description": "Goodwill", "unitPrice": "50", "vatRate": "20"}})
    first = acme_admin_api.execute(CREDIT_ISSUE, {"id": partial["id"]})["data"]["creditNoteIssue"]
    assert (first["totalInclVat"], first["invoice"]) == ("60.00", {"status": "ISSUED"})
    too_much = acme_admin_api.execute(CREDIT, {"id": invoice, "full": True})["data"]["creditNoteCreate"]
    refused = acme_admin_api.execute(CREDIT_ISSUE, {"id": too_much["id"]})
    assert messages(refused["data"]["creditNoteIssue"]) == {None: "credit_exceeds"}
    with schema_context("acme"):
        assert CreditNote.objects.get(pk=pk_of(too_much["id"])).number is None


def test_a_french_business_customer_needs_a_siren_once_e_invoicing_applies(acme_admin_api, customer, acme_admin):
    with schema_context("acme"):
        account = crm.account_update(actor=acme_admin, account=customer["account"], version=customer[
            "account"].version, fields={"legal_form": "SARL"})
        Company.objects.update(einvoicing_from=timezone.localdate())
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "x", "unitPrice": "10", "vatRate": "20"}})
    refused = acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]
    assert messages(refused) == {None: "customer_siren_required"}
    with schema_context("acme"):
        crm.account_update(actor=acme_admin, account=account, version=account.version,
                           fields={"siren": "732829320"})
    assert acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]["status"] == "ISSUED"


def test_a_draft_invoice_cannot_be_credited(acme_admin_api, customer):
    invoice = draft(acme_admin_api, customer)
    assert messages(acme_admin_api.execute(CREDIT, {"id": invoice, "full": True})["data"]["creditNoteCreate"]) == {
        "invoiceId": "not_creditable"}


def test_invoice_list_with_lines_and_vat_breakdown_has_a_constant_query_count(acme_admin_api, customer):
    from django.test.utils import CaptureQueriesContext

    query = ("{ invoices { edges { node { totalInclVat lines { lineNet } vatBreakdown { rate amount } paymentStatus "
             "amountDue } } } }")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert "errors" not in acme_admin_api.execute(query)
        return len(captured)

    issued_invoice(acme_admin_api, customer)
    small = count()
    for _ in range(4):
        issued_invoice(acme_admin_api, customer)
    assert count() == small
