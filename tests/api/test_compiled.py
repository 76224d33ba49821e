"""Plain drill-downs are answered from column-only queries: the same answer as the usual path, for every actor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from tests.access.conftest import staff
from tests.access.helpers import set_default
from tests.accounting.test_posting import DRILL
from tests.helpers import gid
from tests.sales.test_invoices import issued_invoice
from tests.sales.test_payments import PAY

SHAPES = """query($id: ID!) { node(id: $id) { __typename id ...account } }
fragment account on Account { name customer: name invoices(first: 2) { __typename total: totalCount
  edges { __typename node { id number ... on Record { version } totalExclVat dueDate entries { totalCount edges {
  node { id journal { __typename id code label } lines { position account { number } label debit credit dueDate }
  } } } } } } }"""
ONE_COLUMN = "query($id: ID!) { node(id: $id) { ... on Invoice { number totalInclVat } } }"
RESOLVERS = """query($id: ID!) { node(id: $id) { ... on Account { displayName invoices { edges { node { number
  status } } } } } }"""
CURSORS = """query($id: ID!) { node(id: $id) { ... on Account { invoices(first: 1) { pageInfo { hasNextPage }
  edges { cursor node { number } } } } } }"""
SKIPPED = """query($id: ID!, $no: Boolean!) { node(id: $id) { ... on Account { name
  invoices @skip(if: $no) { totalCount } } } }"""


def both_ways(api, settings, query: str, variables: dict) -> tuple[dict, int, int]:
    """The answer with plain subtrees compiled and without, checked equal, and their query counts."""
    settings.GRAPHQL_COMPILE_PLAIN_SUBTREES = True
    with CaptureQueriesContext(connection) as compiled_queries:
        compiled = api.execute(query, variables)
    settings.GRAPHQL_COMPILE_PLAIN_SUBTREES = False
    with CaptureQueriesContext(connection) as usual_queries:
        usual = api.execute(query, variables)
    assert compiled == usual
    return compiled, len(compiled_queries), len(usual_queries)


@pytest.fixture
def sales(acme):
    """A salesperson (role Sales) and its API client."""
    return staff("seller@acme.example.com", "Sales")


@pytest.fixture
def books(acme_admin_api, customer):
    """Three issued invoices of the customer, one partly paid (a bank entry lettered with its sale)."""
    invoices = [issued_invoice(acme_admin_api, customer, price=price) for price in ("100", "250", "75.5")]
    paid = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "60",
                                                  "allocations": [{"invoiceId": invoices[0], "amount": "60"}]}})
    assert paid["data"]["paymentRecord"]["__typename"] == "Payment", paid
    return invoices


def test_the_drill_down_answers_the_same_in_fewer_queries(acme_admin_api, settings, customer, books):
    answer, compiled, usual = both_ways(acme_admin_api, settings, DRILL, {"id": gid(customer["account"])})
    assert "errors" not in answer, answer
    invoices = answer["data"]["node"]["invoices"]["edges"]
    assert len(invoices) == 3
    assert sum(len(entry["node"]["lines"]) for invoice in invoices
               for entry in invoice["node"]["entries"]["edges"]) >= 9
    assert compiled <= usual


@pytest.mark.parametrize("query", [SHAPES, RESOLVERS, CURSORS], ids=["aliases-fragments-ids", "resolvers", "cursors"])
def test_every_shape_of_selection_answers_the_same(acme_admin_api, settings, customer, books, query):
    answer, _, _ = both_ways(acme_admin_api, settings, query, {"id": gid(customer["account"])})
    assert "errors" not in answer, answer
    assert answer["data"]["node"] is not None


def test_directives_a_single_record_and_unknown_ids_answer_the_same(acme_admin_api, settings, customer, books):
    for no in (True, False):
        answer, _, _ = both_ways(acme_admin_api, settings, SKIPPED, {"id": gid(customer["account"]), "no": no})
        assert ("invoices" in answer["data"]["node"]) is not no
    answer, _, _ = both_ways(acme_admin_api, settings, ONE_COLUMN, {"id": books[1]})
    assert answer["data"]["node"]["totalInclVat"] == "600.00"
    answer, _, _ = both_ways(acme_admin_api, settings, ONE_COLUMN, {"id": gid(customer["account"])})
    assert answer["data"]["node"] == {}
    for unknown in (to_base64("Invoice", "acme.999999"), to_base64("Invoice", "globex.1")):
        answer, _, _ = both_ways(acme_admin_api, settings, ONE_COLUMN, {"id": unknown})
        assert answer["data"]["node"] is None


def test_a_restricted_user_gets_the_same_narrower_answer(acme_admin_api, settings, customer, books, sales):
    set_default(acme_admin_api, "invoices", "PRIVATE")
    _user, sales_api = sales
    answer, _, _ = both_ways(sales_api, settings, DRILL, {"id": gid(customer["account"])})
    assert answer["data"]["node"]["invoices"]["edges"] == []
    admin, _, _ = both_ways(acme_admin_api, settings, DRILL, {"id": gid(customer["account"])})
    assert len(admin["data"]["node"]["invoices"]["edges"]) == 3


def test_hidden_fields_answer_the_same_null_and_error(acme_admin_api, settings, customer, books, sales):
    profiles = acme_admin_api.execute("{ profiles { id name } }")["data"]["profiles"]
    seller = next(profile for profile in profiles if profile["name"] == "Sales")
    hidden = acme_admin_api.execute("""mutation($id: ID!) { profileFieldSet(id: $id, module: "invoices",
      field: "total_incl_vat", access: HIDDEN) { __typename } }""", {"id": seller["id"]})
    assert hidden["data"]["profileFieldSet"]["__typename"] == "Profile", hidden
    _user, sales_api = sales
    answer, _, _ = both_ways(sales_api, settings, DRILL, {"id": gid(customer["account"])})
    edges = answer["data"]["node"]["invoices"]["edges"]
    assert edges and all(edge["node"]["totalInclVat"] is None for edge in edges)
    assert {error["extensions"]["code"] for error in answer["errors"]} == {"FIELD_HIDDEN"}
