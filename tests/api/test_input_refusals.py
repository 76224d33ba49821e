"""Input the API cannot use is refused with a code and a sentence of ours, never 'Internal error.' or a raw
exception text, and a refused mutation writes nothing (issue 17 item 6)."""

import pytest
from django.db import connection
from django.test import override_settings
from strawberry.relay import to_base64

from saas.crm.models import Account
from saas.imports.models import ImportMapping

UPDATE = """mutation($id: ID!) { accountUpdate(id: $id, version: 1, input: {name: "Renamed"}) {
  __typename ... on OperationInfo { messages { code field } } } }"""
MAPPING = """mutation($columns: JSON!, $defaults: JSON) {
  importMappingSave(module: "contacts", name: "Mine", columns: $columns, defaults: $defaults) {
    __typename ... on OperationInfo { messages { code field } } } }"""


def refusal(api, query: str, variables: dict | None = None) -> dict:
    """The one error of the answer, asked with DEBUG off as in production."""
    with override_settings(DEBUG=False):
        result = api.execute(query, variables)
    assert result["errors"], result
    error = result["errors"][0]
    assert error["message"] != "Internal error.", error
    return error


@pytest.fixture
def named_account(acme, acme_admin_api):
    result = acme_admin_api.execute('mutation { accountCreate(input: {name: "Kept"}) { ... on Account { id } } }')
    return result["data"]["accountCreate"]["id"]


@pytest.mark.parametrize("global_id", ["garbage", "Z2FyYmFnZQ==", to_base64("NoSuchType", "acme.1"), "@@", ""])
def test_a_malformed_global_id_is_refused_with_a_code(acme_admin_api, global_id):
    error = refusal(acme_admin_api, "query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "id" in error["message"]


def test_a_mutation_given_a_malformed_id_writes_nothing(acme_admin_api, named_account):
    error = refusal(acme_admin_api, UPDATE, {"id": "garbage"})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    connection.set_schema("acme")
    assert list(Account.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.parametrize("cursor", ["garbage", to_base64("arrayconnection", "x"), to_base64("arrayconnection", "-5"),
                                    to_base64("somethingelse", "1"), "YQ"])
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_that_no_list_answered_is_refused_with_a_code(acme_admin_api, named_account, cursor, direction):
    error = refusal(acme_admin_api, f'query($cursor: String) {{ accounts({direction}: $cursor) {{ totalCount }} }}',
                    {"cursor": cursor})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert f"`{direction}` on `accounts` is not a cursor" in error["message"]


def test_the_cursors_a_list_answers_page_through_it(acme_admin_api, named_account):
    acme_admin_api.execute('mutation { accountCreate(input: {name: "Second"}) { __typename } }')
    first = acme_admin_api.execute("{ accounts(first: 1) { edges { cursor node { name } } } }")
    cursor = first["data"]["accounts"]["edges"][0]["cursor"]
    rest = acme_admin_api.execute(
        "query($after: String) { accounts(first: 5, after: $after) { edges { node { name } } } }", {"after": cursor})
    assert len(rest["data"]["accounts"]["edges"]) == 1


def test_an_offset_list_refuses_a_negative_cursor(acme_admin_api, named_account):
    """The record's timeline pages by offset (saas.core.pagination): a cursor there is `offset:<n>`, n ≥ 0."""
    error = refusal(acme_admin_api, "query($id: ID!, $after: String) { node(id: $id) { ... on Account { "
                    "timeline(after: $after) { totalCount } } } }", {"id": named_account,
                                                                    "after": to_base64("offset", "-3")})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("pattern", ["(", "[a", "a{2,1}", "*"])
def test_a_regular_expression_postgresql_cannot_compile_is_refused_with_a_code(acme_admin_api, named_account,
                                                                                pattern):
    query = """query($pattern: String!) { fine: accounts(filters: {name: {regex: "^K"}}) { totalCount }
                 broken: accounts(filters: {OR: {name: {iRegex: $pattern}}}) { totalCount } }"""
    error = refusal(acme_admin_api, query, {"pattern": pattern})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("This regular expression is not valid: ")
    assert error["extensions"]["pattern"] == pattern


def test_a_regular_expression_postgresql_compiles_filters_the_list(acme_admin_api, named_account):
    result = acme_admin_api.execute('{ accounts(filters: {name: {iRegex: "^k(e|a)p+t$"}}) { totalCount } }')
    assert result["data"]["accounts"]["totalCount"] == 1


@pytest.mark.parametrize("date", ["0000-01-01", "99999-01-01", "2026-02-30", "31/12/2026"])
def test_a_date_out_of_range_or_malformed_is_refused_with_a_code(acme_admin_api, date):
    query = "query($date: Date) { invoices(filters: {issueDate: {gte: $date}}) { totalCount } }"
    error = refusal(acme_admin_api, query, {"date": date})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"



@pytest.mark.parametrize("year", [-2001, 0, 10000])
def test_a_year_filter_out_of_range_is_refused_with_a_code(acme_admin_api, year):
    # found by the schema fuzz: Django builds the year's bounds with datetime.date, which raised "Internal error."
    query = "query($year: Int) { bankTransactions(filters: {date: {year: {exact: $year}}}) { totalCount } }"
    error = refusal(acme_admin_api, query, {"year": year})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "A date is out of range: years go from 1 to 9999."

@pytest.mark.parametrize(("columns", "defaults", "field"), [
    (["Name", "City"], None, "columns"),
    ({"Name": ["last_name"]}, None, "columns"),
    ({"Name": "last_name"}, [1], "defaults"),
    ({"Name": "last_name"}, {"first_name": {"nested": 1}}, "defaults"),
])
def test_an_import_mapping_of_the_wrong_shape_is_refused_with_a_code(acme_admin_api, columns, defaults, field):
    with override_settings(DEBUG=False):
        result = acme_admin_api.execute(MAPPING, {"columns": columns, "defaults": defaults})
    payload = result["data"]["importMappingSave"]
    assert payload["__typename"] == "OperationInfo", result
    assert payload["messages"] == [{"code": "invalid", "field": field}]
    connection.set_schema("acme")
    assert not ImportMapping.objects.exists()


def test_issuing_an_invoice_on_a_day_whose_due_date_is_past_year_9999_is_refused_and_writes_nothing(
        acme_admin_api, customer):
    from tests.sales.test_invoices import ISSUE, LINE, draft

    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "Audit", "unitPrice": "100",
                                                           "vatRate": "20"}})
    with override_settings(DEBUG=False):
        result = acme_admin_api.execute(ISSUE, {"id": invoice, "date": "9999-12-31"})
    payload = (result.get("data") or {}).get("invoiceIssue")
    codes = ([message["code"] for message in payload["messages"]] if payload
             else [error["extensions"]["code"] for error in result["errors"]])
    assert codes and all(codes), result
    connection.set_schema("acme")
    from saas.sales.models import Invoice

    assert list(Invoice.objects.values_list("number", "status")) == [(None, "draft")]
