"""Query safety before execution: limits with coded errors, the cost in `extensions`, the rate limit, bad input."""

import json
import socket
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django_tenants.utils import schema_context

from graphql import get_operation_ast, parse, validate
from saas.api.export_schema import GRAPHQL_DIR
from saas.api.limits import Measure, check_shape
from saas.api.rate_limit import WINDOW_SECONDS
from saas.crm.models import Account


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


def timed(api, query: str, variables: dict | None = None) -> dict:
    """The answer to an operation the limits refuse before any real work: graphql-core's validation (quadratic in
    aliased fields) never runs. Counted, not timed: a wall-clock bound fails on a loaded machine."""
    with mock.patch("strawberry.schema.schema.validate", wraps=validate) as validation:
        result = api.execute(query, variables)
    assert validation.call_count == 0, "refused only after graphql-core's validation"
    assert result.get("data") is None
    return result


# accounts, edges, node, contacts, edges, node, account, contacts: 8 levels, then the leaf selection.
DEEP = ("{ accounts(first: 1) { edges { node { contacts(first: 1) { edges { node { account { contacts(first: 1) { %s }"
        " } } } } } } } }")


def documents() -> list[Path]:
    return sorted((GRAPHQL_DIR / "operations").rglob("*.graphql"))


def test_every_document_of_the_web_app_is_within_the_limits():
    from saas.api.public_schema import schema as public_schema
    from saas.api.schema import schema as tenant_schema

    for path in documents():
        schema = (public_schema if "public" in path.parts else tenant_schema)._schema
        document = parse(path.read_text())
        operation = get_operation_ast(document)
        shape = Measure(schema, document, operation, {}).selection_set(
            schema.get_root_type(operation.operation), operation.selection_set, root=True)
        check_shape(shape, operation)  # raises the coded error of the limit it passes


@pytest.mark.smoke
def test_the_cost_is_reported_in_extensions(acme_admin_api):
    result = acme_admin_api.execute("{ accounts(first: 10) { totalCount edges { node { name } } } }")
    # accounts 1 + 10 × (edges 1 + node 1)
    assert result["extensions"]["cost"] == {"requested": 21, "limit": settings.GRAPHQL_MAX_COST}


def test_a_connection_without_first_costs_its_default_page(acme_admin_api):
    result = acme_admin_api.execute("{ accounts { edges { node { name comments { edges { node { body } } } } } } }")
    # relay connections default to their maximum (100), the offset ones (comments) to 20
    assert result["extensions"]["cost"]["requested"] == 1 + 100 * (1 + 1 + (1 + 20 * 2))


def test_too_deep_a_query_is_refused(acme_admin_api):
    assert "errors" not in acme_admin_api.execute(DEEP % "edges { cursor }")  # 10 levels
    result = timed(acme_admin_api, DEEP % "edges { node { id } }")
    assert code(result) == "QUERY_TOO_DEEP" and result["data"] is None
    assert result["errors"][0]["extensions"]["limit"] == 10


def test_nesting_past_what_the_parser_follows_is_refused_quickly(acme_admin_api):
    assert code(timed(acme_admin_api, "{ me " + "{ user " * 1500 + "}" * 1501)) == "QUERY_TOO_DEEP"
    assert code(timed(acme_admin_api, "{ search(text: " + "[" * 1500 + "]" * 1500 + ") { id } }")) == "QUERY_TOO_DEEP"


def test_aliases_are_limited(acme_admin_api):
    query = "{ " + " ".join(f"a{i}: companies {{ id }}" for i in range(16)) + " }"
    result = timed(acme_admin_api, query)
    assert code(result) == "TOO_MANY_ALIASES" and result["errors"][0]["extensions"]["found"] == 16


def test_thousands_of_aliases_are_refused_quickly(acme_admin_api):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(3000)) + " }"
    assert code(timed(acme_admin_api, query)) == "TOO_MANY_TOKENS"
    with override_settings(GRAPHQL_MAX_TOKENS=100_000):
        assert code(timed(acme_admin_api, query)) == "TOO_MANY_ALIASES"


def test_a_fragment_chain_is_measured_once_per_fragment(acme_admin_api):
    # given: each fragment spreads the next one twice, 2^40 fields once expanded
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    query = "query { ...F0 } " + fragments + " fragment F40 on Query { companies { id } }"
    result = timed(acme_admin_api, query)
    assert code(result) == "TOO_MANY_ROOT_FIELDS" and result["errors"][0]["extensions"]["found"] == 2 ** 40


def test_root_fields_are_limited(acme_admin_api):
    assert "errors" not in acme_admin_api.execute("{ " + "companies { id } " * 20 + "}")
    assert code(timed(acme_admin_api, "{ " + "companies { id } " * 21 + "}")) == "TOO_MANY_ROOT_FIELDS"


def test_mutations_per_request_are_limited_and_nothing_is_written(acme_admin_api):
    mutation = "mutation { " + 'accountCreate(input: {name: "Spam"}) { __typename } ' * 6 + "}"
    assert code(timed(acme_admin_api, mutation)) == "TOO_MANY_MUTATIONS"
    with schema_context("acme"):
        assert not Account.objects.filter(name="Spam").exists()


@pytest.mark.parametrize("query, variables", [
    ("{ accounts(first: 101) { totalCount } }", None),
    ("query($n: Int) { accounts(first: $n) { totalCount } }", {"n": 1000}),
    ("query($n: Int = 500) { accounts(last: $n) { totalCount } }", None),
    ("{ accounts(first: 1) { edges { node { comments(first: 101) { totalCount } } } } }", None),
    ('{ search(text: "a", first: 101) { id } }', None),
])
def test_pages_over_100_items_are_refused_with_a_code(acme_admin_api, query, variables):
    result = timed(acme_admin_api, query, variables)
    assert code(result) == "PAGE_SIZE_TOO_LARGE" and result["errors"][0]["extensions"]["limit"] == 100


def test_a_negative_page_is_refused(acme_admin_api):
    assert code(acme_admin_api.execute("{ accounts(first: -1) { totalCount } }")) == "BAD_USER_INPUT"


def test_a_page_of_100_is_accepted(acme_admin_api):
    assert acme_admin_api.execute("{ accounts(first: 100) { totalCount } }")["data"]["accounts"]["totalCount"] == 0


@override_settings(GRAPHQL_MAX_COST=10_000)
def test_the_cost_ceiling_multiplies_page_sizes_down_the_tree(acme_admin_api):
    query = "{ accounts(first: 100) { edges { node { contacts(first: 100) { edges { node { id } } } } } } }"
    result = timed(acme_admin_api, query)
    assert code(result) == "COST_EXCEEDED"
    assert result["errors"][0]["extensions"] == {"code": "COST_EXCEEDED", "limit": 10_000,
                                                 "found": 1 + 100 * (1 + 1 + (1 + 100 * 2))}


def test_the_accounting_drill_down_fits_the_default_ceiling(acme_admin_api):
    """The design's signature query (issue 6): an account, 100 invoices, their entries and lines, no `first` below."""
    query = """query($id: ID!) { node(id: $id) { ... on Account { invoices(first: 100) { edges { node { number
      entries { edges { node { journal { code } number lines { account { number } debit credit lettering } } } }
    } } } } } }"""
    account = acme_admin_api.execute('mutation { accountCreate(input: {name: "Drilled"}) { ... on Account { id } } }')
    result = acme_admin_api.execute(query, {"id": account["data"]["accountCreate"]["id"]})
    assert "errors" not in result, result
    assert 10_000 < result["extensions"]["cost"]["requested"] <= settings.GRAPHQL_MAX_COST


def test_nodes_cost_as_many_items_as_ids(acme_admin_api):
    ids = ["QWNjb3VudDphY21lLjE="] * 3
    result = acme_admin_api.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert result["extensions"]["cost"]["requested"] == 3


@pytest.fixture
def one_window():
    """The rate limit's clock held one second into a fresh window: a test's calls never straddle two minutes."""
    start = (time.time() // WINDOW_SECONDS + 1) * WINDOW_SECONDS + 1
    with mock.patch("saas.api.rate_limit.time.time", return_value=start):
        yield


@override_settings(GRAPHQL_COST_PER_MINUTE=50)
def test_the_rate_limit_spends_a_budget_per_identity_and_answers_retry_after(acme_admin_api, acme_api, one_window):
    query = "{ accounts(first: 10) { edges { node { name } } } }"  # costs 21
    assert acme_admin_api.execute(query)["extensions"]["cost"]["remaining"] == 29
    assert acme_admin_api.execute(query)["extensions"]["cost"]["remaining"] == 8
    response = acme_admin_api.post(query)
    connection.set_schema_to_public()
    result = response.json()
    assert response.status_code == 429 and code(result) == "RATE_LIMITED"
    retry_after = result["errors"][0]["extensions"]["retryAfter"]
    assert retry_after == 59 and response["Retry-After"] == "59"
    assert result["data"] is None
    # a refused query spends nothing: a cheap one still fits in what remains
    assert acme_admin_api.execute("{ companies { id } }")["extensions"]["cost"]["remaining"] == 7
    # another identity has its own budget
    assert acme_api.execute("{ __typename }")["extensions"]["cost"]["remaining"] == 49


@override_settings(GRAPHQL_COST_PER_MINUTE=50)
def test_api_tokens_have_their_own_budget(acme_admin_api, acme, one_window):
    created = acme_admin_api.execute('mutation { apiTokenCreate(name: "sync") { ... on ApiTokenCreated { secret } } }')
    token_api = type(acme_admin_api)(acme.host, token=created["data"]["apiTokenCreate"]["secret"])
    assert token_api.execute("{ companies { id } }")["extensions"]["cost"]["remaining"] == 49


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_the_rate_limit_works_on_redis(acme_admin_api, one_window):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": f"test-{uuid.uuid4()}"}}
    with override_settings(CACHES=redis, GRAPHQL_COST_PER_MINUTE=25):
        query = "{ accounts(first: 10) { edges { node { name } } } }"
        assert acme_admin_api.execute(query)["extensions"]["cost"]["remaining"] == 4
        assert code(acme_admin_api.execute(query)) == "RATE_LIMITED"


def test_introspection_is_for_authenticated_members(acme_api, acme_admin_api, public_api):
    query = "{ __schema { queryType { name } } }"
    assert code(acme_api.execute(query)) == "UNAUTHENTICATED"
    assert code(public_api.execute('{ __type(name: "PublicQuery") { name } }')) == "UNAUTHENTICATED"
    assert acme_admin_api.execute(query)["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    # __typename is not introspection
    assert acme_api.execute("{ __typename }")["data"] == {"__typename": "Query"}


def test_graphiql_introspection_query_passes_the_depth_limit(acme_admin_api):
    from graphql import get_introspection_query

    result = acme_admin_api.execute(get_introspection_query())
    assert "errors" not in result and result["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize("debug, message", [(False, "Internal error."), (True, "secret detail")])
def test_unexpected_errors_are_masked_unless_debug(acme_admin_api, monkeypatch, debug, message):
    from saas.companies import selectors

    def broken(**kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(selectors, "company_list", broken)
    with override_settings(DEBUG=debug):
        result = acme_admin_api.execute("{ companies { id } }")
    assert result["errors"][0]["message"] == message


def test_validation_and_syntax_errors_carry_a_code(acme_admin_api):
    assert code(acme_admin_api.execute("{ noSuchField }")) == "GRAPHQL_VALIDATION_FAILED"
    assert code(acme_admin_api.execute("{ companies { id }")) == "GRAPHQL_PARSE_FAILED"


# Bad input at the HTTP level: a GraphQL error in a JSON body, with a 4xx status, never a 500.

def raw_post(host: str, body, content_type: str = "application/json", **extra):
    response = Client().post("/graphql/", body, content_type=content_type, HTTP_HOST=host, **extra)
    connection.set_schema_to_public()
    return response


def refusal(response, status: int, expected_code: str) -> str:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == expected_code
    return body["errors"][0]["message"]


@pytest.mark.parametrize("body", [
    "{not json", b"\xff\xfe\x00garbage", "[" * 100_000 + "]" * 100_000, '"a string"', "12", "null",
    json.dumps({"query": 12}), json.dumps({"query": "{ __typename }", "variables": [1]}),
])
def test_malformed_json_bodies_answer_a_graphql_error(acme, body):
    refusal(raw_post(acme.host, body), 400, "BAD_REQUEST")


def test_an_oversized_body_is_refused_before_it_is_read(acme):
    body = json.dumps({"query": "query($v: String) { __typename }", "variables": {"v": "x" * 2_000_000}})
    assert "limit" in refusal(raw_post(acme.host, body), 413, "PAYLOAD_TOO_LARGE")


@override_settings(GRAPHQL_MAX_COST=10_000)
def test_huge_variables_within_the_body_limit_are_refused_before_execution(acme_admin_api):
    ids = ["QWNjb3VudDphY21lLjE="] * 20_000
    result = timed(acme_admin_api, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert code(result) == "COST_EXCEEDED" and result["errors"][0]["extensions"]["found"] == 20_000


def test_an_unknown_operation_name_answers_a_graphql_error(acme):
    body = json.dumps({"query": "query A { __typename } query B { __typename }", "operationName": "C"})
    assert "C" in refusal(raw_post(acme.host, body), 400, "BAD_REQUEST")


def test_a_missing_query_answers_a_graphql_error(acme):
    refusal(raw_post(acme.host, json.dumps({"variables": {}})), 400, "BAD_REQUEST")


def test_mutations_over_get_are_refused(acme):
    response = Client().get("/graphql/", {"query": "mutation { logout { __typename } }"}, HTTP_HOST=acme.host,
                            HTTP_ACCEPT="application/json")
    connection.set_schema_to_public()
    assert "GET" in refusal(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("fields", [
    {"operations": "{not json", "map": "{}"},
    {"operations": json.dumps({"query": "{ __typename }"}), "map": "[1, 2]"},
    {"operations": json.dumps({"query": "{ __typename }"}), "map": json.dumps({"0": "variables.file"})},
    {"operations": json.dumps({"query": "{ __typename }"}), "map": json.dumps({"0": ["variables.file"]})},
    {"operations": json.dumps({"query": "query($f: Upload) { __typename }", "variables": {"f": None}}),
     "map": json.dumps({"0": ["variables.f.x.y"]})},
    {"operations": json.dumps(["not", "an", "object"]), "map": "{}"},
])
def test_malformed_multipart_requests_answer_a_graphql_error(acme, fields):
    response = Client().post("/graphql/", fields, HTTP_HOST=acme.host)  # multipart/form-data
    connection.set_schema_to_public()
    refusal(response, 400, "BAD_REQUEST")


def test_a_multipart_body_that_is_not_multipart_answers_a_graphql_error(acme):
    response = raw_post(acme.host, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_other_methods_answer_a_graphql_error(acme):
    response = Client().put("/graphql/", "{}", content_type="application/json", HTTP_HOST=acme.host)
    connection.set_schema_to_public()
    refusal(response, 405, "METHOD_NOT_ALLOWED")
