"""Quotes → orders → invoices through the API: conversions copy lines and keep links; partial, deposit and
progress invoicing (DOMAIN.md section 2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from saas.sales import quotes
from saas.sales.models import Quote, QuoteStatus
from tests.helpers import gid

LINE_FIELDS = "lines { position description quantity unitPrice vatRate lineNet }"
QUOTE = f"... on Quote {{ id number status totalExclVat totalInclVat {LINE_FIELDS} }}"
ORDER = f"... on SalesOrder {{ id number status totalInclVat remaining {{ position quantity }} {LINE_FIELDS} }}"
INVOICE = ("... on Invoice { id number status kind totalExclVat totalVat totalInclVat order { id status } "
           "lines { position description quantity unitPrice vatRate lineNet progressPercent "
           "depositInvoice { number } } }")
ERRORS = "... on OperationInfo { messages { field code } }"


def call(api, mutation: str, variables: dict, fields: str):
    name = mutation.split("(")[0].strip()
    arguments = ", ".join(f"${key}: {kind}" for key, kind in VARIABLE_TYPES.items() if key in variables)
    passed = ", ".join(f"{key}: ${key}" for key in variables)
    document = f"mutation({arguments}) {{ {name}({passed}) {{ __typename {fields} {ERRORS} }} }}"
    result = api.execute(document, variables)
    assert "errors" not in result, result
    return result["data"][name]


VARIABLE_TYPES = {"id": "ID!", "accountId": "ID!", "quoteId": "ID!", "orderId": "ID!", "invoiceId": "ID!",
                  "input": "InvoiceLineInput!",
                  "position": "Int!", "lines": "[LineQuantityInput!]", "percent": "Decimal!",
                  "validUntil": "Date", "customerReference": "String", "issueDate": "Date"}


def quote_with_lines(api, customer) -> str:
    quote = call(api, "quoteCreate", {"accountId": gid(customer["account"])}, QUOTE)
    assert quote["status"] == "DRAFT" and quote["number"].startswith("DE-")
    call(api, "quoteLineAdd", {"quoteId": quote["id"], "input": {"itemId": gid(customer["saw"]), "quantity": "3"}},
         QUOTE)
    call(api, "quoteLineAdd", {"quoteId": quote["id"], "input": {"kind": "SECTION", "description": "Supplies"}},
         QUOTE)
    result = call(api, "quoteLineAdd", {"quoteId": quote["id"], "input": {"itemId": gid(customer["food"]),
                                                                         "quantity": "2"}}, QUOTE)
    assert (result["totalExclVat"], result["totalInclVat"]) == ("1421.00", "1694.91")
    return quote["id"]


def confirmed_order(api, customer) -> dict:
    quote = quote_with_lines(api, customer)
    assert call(api, "quoteSend", {"id": quote}, QUOTE)["status"] == "SENT"
    assert call(api, "quoteAccept", {"id": quote}, QUOTE)["status"] == "ACCEPTED"
    return call(api, "quoteToOrder", {"id": quote, "customerReference": "PO-778"}, ORDER)


@pytest.mark.smoke
def test_quote_to_order_to_invoice_copies_lines_and_keeps_links(acme_admin_api, customer):
    api = acme_admin_api
    quote = quote_with_lines(api, customer)
    call(api, "quoteSend", {"id": quote}, QUOTE)
    call(api, "quoteAccept", {"id": quote}, QUOTE)
    order = call(api, "quoteToOrder", {"id": quote, "customerReference": "PO-778"}, ORDER)
    assert order["status"] == "CONFIRMED" and order["number"].startswith("BC-")
    assert order["totalInclVat"] == "1694.91"
    assert [(line["position"], line["description"], line["quantity"]) for line in order["lines"]] == [
        (1, "Saw", "3.0000"), (2, "Supplies", "0.0000"), (3, "Food", "2.0000")]
    assert call(api, "quoteAccept", {"id": quote}, QUOTE)["messages"] == [{"field": None, "code": "transition"}]
    changed = call(api, "quoteLineRemove", {"quoteId": quote, "position": 1}, QUOTE)
    assert changed["messages"] == [{"field": None, "code": "not_editable"}]

    invoice = call(api, "orderToInvoice", {"id": order["id"]}, INVOICE)
    assert invoice["status"] == "DRAFT" and invoice["kind"] == "STANDARD"
    assert invoice["order"] == {"id": order["id"], "status": "INVOICED"}
    assert (invoice["totalExclVat"], invoice["totalInclVat"]) == ("1421.00", "1694.91")
    drill = api.execute("""query($id: ID!) { node(id: $id) { ... on Quote { status orders { edges { node {
        customerReference invoices { totalCount edges { node { customerReference } } } } } } } } }""", {"id": quote})
    quote_node = drill["data"]["node"]
    assert quote_node["status"] == "INVOICED"
    order_node = quote_node["orders"]["edges"][0]["node"]
    assert order_node["customerReference"] == "PO-778"
    assert order_node["invoices"]["edges"][0]["node"]["customerReference"] == "PO-778"
    account = api.execute("""query($id: ID!) { node(id: $id) { ... on Account {
        quotes { totalCount } orders { totalCount } invoices { totalCount } creditNotes { totalCount }
        payments { totalCount } } } }""", {"id": gid(customer["account"])})["data"]["node"]
    assert {key: value["totalCount"] for key, value in account.items()} == {
        "quotes": 1, "orders": 1, "invoices": 1, "creditNotes": 0, "payments": 0}


def test_partial_invoicing_by_quantity(acme_admin_api, customer):
    api = acme_admin_api
    order = confirmed_order(api, customer)
    too_much = call(api, "orderToInvoice", {"id": order["id"], "lines": [{"position": 1, "quantity": "5"}]}, INVOICE)
    assert too_much["messages"] == [{"field": "line1", "code": "remaining_exceeded"}]
    first = call(api, "orderToInvoice", {"id": order["id"], "lines": [{"position": 1, "quantity": "1"}]}, INVOICE)
    assert [(line["description"], line["quantity"], line["lineNet"]) for line in first["lines"]] == [
        ("Saw", "1.0000", "450.00"), ("Supplies", "0.0000", "0.00")]
    assert first["order"]["status"] == "PARTIALLY_INVOICED"
    remaining = "query($id: ID!) { node(id: $id) { ... on SalesOrder { remaining { position quantity } } } }"
    order_now = api.execute(remaining, {"id": order["id"]})["data"]["node"]
    assert order_now["remaining"] == [{"position": 1, "quantity": "2.0000"}, {"position": 3, "quantity": "2.0000"}]
    rest = call(api, "orderToInvoice", {"id": order["id"]}, INVOICE)
    assert rest["totalExclVat"] == "971.00" and rest["order"]["status"] == "INVOICED"
    again = call(api, "orderToInvoice", {"id": order["id"]}, INVOICE)
    assert again["messages"] == [{"field": None, "code": "transition"}]
    # An order with invoices no longer changes: its lines are what was invoiced.
    frozen = call(api, "orderLineRemove", {"orderId": order["id"], "position": 1}, ORDER)
    assert frozen["messages"] == [{"field": None, "code": "not_editable"}]


def test_deposit_then_final_invoice_deducts_it_per_vat_rate(acme_admin_api, customer):
    api = acme_admin_api
    order = confirmed_order(api, customer)
    deposit = call(api, "orderDepositInvoice", {"id": order["id"], "percent": "30"}, INVOICE)
    assert deposit["kind"] == "DEPOSIT"
    assert [(line["vatRate"], line["lineNet"]) for line in deposit["lines"]] == [("20.00", "405.00"),
                                                                                 ("5.50", "21.30")]
    assert (deposit["totalExclVat"], deposit["totalVat"]) == ("426.30", "82.17")
    too_much = call(api, "orderDepositInvoice", {"id": order["id"], "percent": "80"}, INVOICE)
    assert too_much["messages"] == [{"field": "percent", "code": "percent"}]
    issued = call(api, "invoiceIssue", {"id": deposit["id"], "issueDate": dt.date.today().isoformat()},
                  "... on Invoice { number }")
    final = call(api, "orderToInvoice", {"id": order["id"]}, INVOICE)
    deductions = [line for line in final["lines"] if line["depositInvoice"]]
    assert [(line["vatRate"], line["lineNet"], line["depositInvoice"]["number"]) for line in deductions] == [
        ("20.00", "-405.00", issued["number"]), ("5.50", "-21.30", issued["number"])]
    assert final["totalExclVat"] == "994.70"  # 1421.00 − 426.30
    # The completing invoice takes the order's VAT less the deposit's: 5.5 % 3.91 − 1.17 = 2.74 (49.70 × 5.5 %
    # would give 2.73), so the two add up to the order exactly.
    assert Decimal(final["totalInclVat"]) + Decimal(deposit["totalInclVat"]) == Decimal("1694.91")


VAT_PER_RATE = "... on Invoice { id number totalInclVat vatBreakdown { rate base amount } }"


def test_the_deposits_and_the_final_invoice_add_up_to_the_order_per_rate(acme_admin_api, customer):
    # given an order whose VAT rounded per invoice would differ from its own by a cent at each rate
    api = acme_admin_api
    order = call(api, "orderCreate", {"accountId": gid(customer["account"])}, ORDER)
    for quantity, price, rate in (("3", "12.35", "5.5"), ("1", "7.77", "5.5"), ("2", "19.99", "20"),
                                  ("1", "333.33", "20"), ("5", "2.03", "5.5")):
        order = call(api, "orderLineAdd", {"orderId": order["id"], "input": {
            "description": "Item", "quantity": quantity, "unitPrice": price, "vatRate": rate}}, ORDER)
    order = call(api, "orderConfirm", {"id": order["id"]}, ORDER)
    vat = "query($id: ID!) { node(id: $id) { ... on SalesOrder { totalInclVat vatBreakdown { rate base amount } } } }"
    ordered = api.execute(vat, {"id": order["id"]})["data"]["node"]
    assert ordered["vatBreakdown"] == [{"rate": "20.00", "base": "373.31", "amount": "74.66"},
                                       {"rate": "5.50", "base": "54.97", "amount": "3.02"}]
    # when a 30 % and a 33 % deposit are invoiced, then the rest
    invoices = []
    for percent in ("30", "33"):
        deposit = call(api, "orderDepositInvoice", {"id": order["id"], "percent": percent}, VAT_PER_RATE)
        invoices.append(call(api, "invoiceIssue", {"id": deposit["id"]}, VAT_PER_RATE))
    last = call(api, "orderToInvoice", {"id": order["id"]}, VAT_PER_RATE)
    invoices.append(call(api, "invoiceIssue", {"id": last["id"]}, VAT_PER_RATE))
    # then they add up to the order, per rate and in total: the final invoice takes the difference
    assert invoices[2]["vatBreakdown"] == [{"rate": "20.00", "base": "138.13", "amount": "27.62"},
                                           {"rate": "5.50", "base": "20.34", "amount": "1.11"}]
    for index, rate in enumerate(ordered["vatBreakdown"]):
        assert sum(Decimal(invoice["vatBreakdown"][index]["amount"]) for invoice in invoices) == Decimal(
            rate["amount"])
        assert sum(Decimal(invoice["vatBreakdown"][index]["base"]) for invoice in invoices) == Decimal(rate["base"])
    assert sum(Decimal(invoice["totalInclVat"]) for invoice in invoices) == Decimal(ordered["totalInclVat"])
    # and a full credit note mirrors the final invoice's VAT: it cancels it exactly
    cancel = api.execute('mutation($id: ID!) { invoiceCancel(id: $id) { __typename ... on CreditNote { totalInclVat '
                         'vatBreakdown { rate amount } } } }', {"id": invoices[2]["id"]})["data"]["invoiceCancel"]
    assert (cancel["totalInclVat"], cancel["vatBreakdown"]) == (invoices[2]["totalInclVat"], [
        {"rate": "20.00", "amount": "27.62"}, {"rate": "5.50", "amount": "1.11"}])


def test_progress_invoicing_with_cumulative_percentages(acme_admin_api, customer):
    api = acme_admin_api
    order = confirmed_order(api, customer)
    progress = """mutation($id: ID!, $lines: [LinePercentInput!]!) { orderProgressInvoice(id: $id, lines: $lines) {
        __typename ... on Invoice { kind totalExclVat order { status }
        lines { description lineNet progressPercent } } ... on OperationInfo { messages { field code } } } }"""

    def situation(lines):
        return api.execute(progress, {"id": order["id"], "lines": lines})["data"]["orderProgressInvoice"]

    first = situation([{"position": 1, "percent": "30"}])
    assert first["kind"] == "PROGRESS" and first["lines"][0]["lineNet"] == "405.00"
    assert first["lines"][0]["progressPercent"] == "30.00"
    second = situation([{"position": 1, "percent": "80"}])
    assert second["lines"][0]["lineNet"] == "675.00"  # 1350 × 80 % − 405
    assert "80 %" in second["lines"][0]["description"] and "30 %" in second["lines"][0]["description"]
    assert situation([{"position": 1, "percent": "70"}])["messages"] == [{"field": "line1", "code": "percent"}]
    mixed = call(api, "orderToInvoice", {"id": order["id"]}, INVOICE)
    assert mixed["messages"] == [{"field": None, "code": "invoicing_mode"}]
    last = situation([{"position": 1, "percent": "100"}, {"position": 3, "percent": "100"}])
    assert [line["lineNet"] for line in last["lines"]] == ["270.00", "71.00"]
    assert last["order"]["status"] == "INVOICED"


def test_quote_validity_and_expiry(acme_admin_api, customer, acme_admin):
    api = acme_admin_api
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    past = call(api, "quoteCreate", {"accountId": gid(customer["account"]), "validUntil": yesterday}, QUOTE)
    assert past["messages"] == [{"field": "validUntil", "code": "schedule"}]
    quote = quote_with_lines(api, customer)
    call(api, "quoteSend", {"id": quote}, QUOTE)
    connection.set_schema("acme")
    sent = Quote.objects.get()
    later = sent.valid_until + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        quotes.quote_accept(actor=acme_admin, quote=sent, today=later)
    assert refused.value.code == "transition"
    assert quotes.quotes_expire(today=later) == 1
    assert Quote.objects.get().status == QuoteStatus.EXPIRED
    connection.set_schema_to_public()


def test_draft_lines_are_updated_and_removed_issued_ones_are_not(acme_admin_api, customer):
    api = acme_admin_api
    invoice = call(api, "invoiceCreate", {"accountId": gid(customer["account"])}, INVOICE)["id"]
    call(api, "invoiceLineAdd", {"invoiceId": invoice, "input": {"itemId": gid(customer["saw"])}}, INVOICE)
    call(api, "invoiceLineAdd", {"invoiceId": invoice, "input": {"description": "Delivery", "unitPrice": "20",
                                                                 "vatRate": "20"}}, INVOICE)
    updated = call(api, "invoiceLineUpdate", {"invoiceId": invoice, "position": 1,
                                              "input": {"itemId": gid(customer["saw"]), "quantity": "2",
                                                        "discountPercent": "10"}}, INVOICE)
    assert [(line["position"], line["lineNet"]) for line in updated["lines"]] == [(1, "810.00"), (2, "20.00")]
    assert updated["totalExclVat"] == "830.00"
    removed = call(api, "invoiceLineRemove", {"invoiceId": invoice, "position": 2}, INVOICE)
    assert removed["totalExclVat"] == "810.00"
    missing = call(api, "invoiceLineRemove", {"invoiceId": invoice, "position": 9}, INVOICE)
    assert missing["messages"] == [{"field": "position", "code": "not_found"}]
    bad = call(api, "invoiceLineUpdate", {"invoiceId": invoice, "position": 1,
                                          "input": {"description": "x", "discountPercent": "120"}}, INVOICE)
    assert bad["messages"] == [{"field": "discountPercent", "code": "discount"}]
    call(api, "invoiceIssue", {"id": invoice}, INVOICE)
    frozen = call(api, "invoiceLineRemove", {"invoiceId": invoice, "position": 1}, INVOICE)
    assert frozen["messages"] == [{"field": None, "code": "invoice_frozen"}]


def test_headers_change_while_editable_with_a_version(acme_admin_api, customer):
    api = acme_admin_api
    update = """mutation($id: ID!, $version: Int!, $input: DocumentUpdateInput!) {
        quoteUpdate(id: $id, version: $version, input: $input) { __typename
        ... on Quote { notes validUntil version } ... on OperationInfo { messages { field code } } } }"""
    quote = quote_with_lines(api, customer)
    version = api.execute("query($id: ID!) { node(id: $id) { ... on Quote { version } } }", {"id": quote})[
        "data"]["node"]["version"]
    valid_until = (timezone.localdate() + dt.timedelta(days=90)).isoformat()  # a past one is refused
    changed = api.execute(update, {"id": quote, "version": version,
                                   "input": {"notes": " Delivery in May ", "validUntil": valid_until}})
    assert changed["data"]["quoteUpdate"]["notes"] == "Delivery in May"
    assert changed["data"]["quoteUpdate"]["validUntil"] == valid_until
    stale = api.execute(update, {"id": quote, "version": version, "input": {"notes": "x"}})
    assert stale["data"]["quoteUpdate"]["messages"] == [{"field": None, "code": "conflict"}]
    call(api, "quoteSend", {"id": quote}, QUOTE)
    call(api, "quoteAccept", {"id": quote}, QUOTE)
    version = changed["data"]["quoteUpdate"]["version"] + 2
    frozen = api.execute(update, {"id": quote, "version": version, "input": {"notes": "x"}})
    assert frozen["data"]["quoteUpdate"]["messages"] == [{"field": None, "code": "not_editable"}]
