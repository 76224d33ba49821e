"""`fieldValues(names:)` on every record: formatted in the request's language, custom fields by `custom.<key>`,
fields the reader's profile hides left out, unknown names refused with a code, and no query per row on a list."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saas.crm import services
from tests.access.conftest import staff
from tests.helpers import gid

VALUES = """query($id: ID!, $names: [String!]!) { node(id: $id) { ... on Record {
  fieldValues(names: $names) { field label type value raw } } } }"""
LIST = """query($names: [String!]!) { contacts(first: 100) { edges { node { displayName
  fieldValues(names: $names) { field value raw } } } } }"""
DEFINE = """mutation { customFieldDefine(module: "accounts", key: "tier", label: "Tier", fieldType: "choice",
  choices: ["gold", "silver"]) { __typename } }"""
PROFILES = "{ profiles { id name } }"
FIELD_SET = """mutation($id: ID!) { profileFieldSet(id: $id, module: "accounts", field: "phone", access: HIDDEN) {
  __typename } }"""
ACCOUNT_CREATE = """mutation($input: AccountInput!) { accountCreate(input: $input) { ... on Account { id } } }"""


def values(api, record_id: str, names: list[str], **headers) -> dict[str, dict]:
    result = api.execute(VALUES, {"id": record_id, "names": names}, **headers)
    assert "errors" not in result, result
    return {value["field"]: value for value in result["data"]["node"]["fieldValues"]}


def test_fields_by_name_in_the_request_s_language_custom_fields_included(world, acme_admin_api):
    assert acme_admin_api.execute(DEFINE)["data"]["customFieldDefine"]["__typename"] == "CustomFieldDefinition"
    account = gid(world.account)
    acme_admin_api.execute("""mutation($id: ID!) { accountUpdate(id: $id, version: 1, input: {language: FR,
      custom: {tier: "gold"}}) { __typename } }""", {"id": account})
    shown = values(acme_admin_api, account, ["name", "billing_city", "language", "parent", "payment_terms_days",
                                             "owner", "custom.tier"], HTTP_ACCEPT_LANGUAGE="fr")
    assert list(shown) == ["name", "billing_city", "language", "parent", "payment_terms_days", "owner", "custom.tier"]
    assert shown["billing_city"] == {"field": "billing_city", "label": "ville de facturation",
                                     "type": "CharField", "value": "Lyon", "raw": "Lyon"}
    assert (shown["language"]["value"], shown["language"]["raw"]) == ("Français", "fr")
    assert (shown["parent"]["type"], shown["parent"]["value"]) == ("link", "Holding")
    assert (shown["payment_terms_days"]["value"], shown["payment_terms_days"]["raw"]) == ("30", 30)
    assert shown["owner"]["label"] == "Propriétaire" and "@" in shown["owner"]["value"]
    assert (shown["custom.tier"]["label"], shown["custom.tier"]["value"]) == ("Tier", "gold")
    english = values(acme_admin_api, account, ["billing_city"], HTTP_ACCEPT_LANGUAGE="en")
    assert english["billing_city"]["label"] == "billing city"


def test_unknown_names_are_refused_with_a_code(world, acme_admin_api):
    for name in ("nope", "custom.undefined", "ref"):
        result = acme_admin_api.execute(VALUES, {"id": gid(world.account), "names": ["name", name]})
        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", result
        assert error["extensions"]["fields"] == [name]


def test_fields_the_profile_hides_are_left_out(acme_admin_api, acme):
    sales_profile = next(p for p in acme_admin_api.execute(PROFILES)["data"]["profiles"] if p["name"] == "Sales")
    assert acme_admin_api.execute(FIELD_SET, {"id": sales_profile["id"]})["data"]["profileFieldSet"][
        "__typename"] == "Profile"
    _user, sales_api = staff("sales@acme.example.com", "Sales")
    account = sales_api.execute(ACCOUNT_CREATE, {"input": {"name": "Discreet", "email": "a@discreet.example.com"}})[
        "data"]["accountCreate"]["id"]
    assert list(values(sales_api, account, ["name", "phone", "email"])) == ["name", "email"]
    assert list(values(acme_admin_api, account, ["name", "phone", "email"])) == ["name", "phone", "email"]


def count_queries(api, names: list[str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = api.execute(LIST, {"names": names})
    assert "errors" not in result, result
    return len(captured)


def test_a_list_page_runs_no_query_per_row(world, acme_admin_api, acme_admin):
    names = ["last_name", "email", "account", "owner", "portal_access"]
    small = count_queries(acme_admin_api, names)
    connection.set_schema("acme")
    for i in range(12):
        account = services.account_create(actor=acme_admin, fields={"name": f"Row {i}"})
        services.contact_create(actor=acme_admin, fields={"last_name": f"Row{i}", "account": account,
                                                          "email": f"row{i}@example.com"})
    connection.set_schema_to_public()
    large = count_queries(acme_admin_api, names)
    assert large == small
    rows = acme_admin_api.execute(LIST, {"names": names})["data"]["contacts"]["edges"]
    row = next(edge["node"] for edge in rows if edge["node"]["displayName"] == "Row3")
    shown = {value["field"]: value["value"] for value in row["fieldValues"]}
    assert shown | {"owner": None} == {"last_name": "Row3", "email": "row3@example.com", "account": "Row 3",
                                       "owner": None, "portal_access": "False"}
    assert "@" in shown["owner"]
