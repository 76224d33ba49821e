"""Field rights of a profile: hidden fields leave the layout, header and key fields; read-only and hidden fields
are refused on writes with a coded error, nothing written."""

from django.db import connection

from tests.access.helpers import ACCOUNT_UPDATE, account_create
from tests.conftest import messages

PROFILES = "{ profiles { id name } }"
FIELD_SET = """mutation($id: ID!, $module: String!, $field: String!, $access: FieldAccess!) {
  profileFieldSet(id: $id, module: $module, field: $field, access: $access) {
  __typename ... on Profile { fields { module field access } } ... on OperationInfo { messages { field code } } } }"""
PAGE = """query($id: ID!) { node(id: $id) { ... on Account { header { field } keyFields { field } } }
  layout(module: "accounts") { headerFields blocks } }"""


def restrict_sales(admin_api) -> None:
    sales = next(p for p in admin_api.execute(PROFILES)["data"]["profiles"] if p["name"] == "Sales")
    for field, access in (("phone", "HIDDEN"), ("siren", "READ_ONLY")):
        result = admin_api.execute(FIELD_SET, {"id": sales["id"], "module": "accounts", "field": field,
                                               "access": access})
        assert result["data"]["profileFieldSet"]["__typename"] == "Profile", result
    unknown = admin_api.execute(FIELD_SET, {"id": sales["id"], "module": "accounts", "field": "nope",
                                            "access": "HIDDEN"})
    assert messages(unknown["data"]["profileFieldSet"]) == {"field": "field_unknown"}


def test_hidden_fields_leave_the_page_of_restricted_users_only(acme_admin_api, sales):
    restrict_sales(acme_admin_api)
    _user, sales_api = sales
    account = account_create(sales_api, name="Fielded", email="a@fielded.example.com")
    page = sales_api.execute(PAGE, {"id": account["id"]})["data"]
    assert "phone" not in [value["field"] for value in page["node"]["header"]]
    assert "phone" not in page["layout"]["headerFields"]
    assert all("phone" not in block["fields"] for block in page["layout"]["blocks"])
    assert "email" in [value["field"] for value in page["node"]["keyFields"]]
    admin_page = acme_admin_api.execute(PAGE, {"id": account["id"]})["data"]
    assert "phone" in [value["field"] for value in admin_page["node"]["header"]]


def test_read_only_and_hidden_fields_are_refused_on_writes(acme_admin_api, sales):
    restrict_sales(acme_admin_api)
    _user, sales_api = sales
    account = account_create(sales_api, name="Locked")
    refused = sales_api.execute(ACCOUNT_UPDATE, {"id": account["id"], "version": account["version"],
                                                 "input": {"siren": "732829320", "phone": "0102030405"}})
    assert messages(refused["data"]["accountUpdate"]) == {"siren": "field_read_only", "phone": "field_read_only"}
    created = sales_api.execute("""mutation { accountCreate(input: {name: "With phone", phone: "0102030405"}) {
      __typename ... on OperationInfo { messages { field code } } } }""")
    assert messages(created["data"]["accountCreate"]) == {"phone": "field_read_only"}
    allowed = sales_api.execute(ACCOUNT_UPDATE, {"id": account["id"], "version": account["version"],
                                                 "input": {"name": "Locked but renamed"}})
    assert allowed["data"]["accountUpdate"]["name"] == "Locked but renamed"
    connection.set_schema("acme")
    from saas.crm.models import Account

    assert Account.objects.get(name="Locked but renamed").siren == ""
    assert not Account.objects.filter(name="With phone").exists()


def test_a_hidden_field_asked_by_name_answers_null_and_a_permission_error(acme_admin_api, sales):
    restrict_sales(acme_admin_api)
    _user, sales_api = sales
    account = account_create(sales_api, name="Asked", email="a@asked.example.com")
    query = """query($id: ID!) { node(id: $id) { ... on Account { name phone email } }
      accounts(first: 5) { edges { node { name phone } } } }"""
    result = sales_api.execute(query, {"id": account["id"]})
    assert result["data"]["node"] == {"name": "Asked", "phone": None, "email": "a@asked.example.com"}
    assert all(edge["node"]["phone"] is None for edge in result["data"]["accounts"]["edges"])
    assert {error["extensions"]["code"] for error in result["errors"]} == {"FIELD_HIDDEN"}
    assert {tuple(error["path"][-1:]) for error in result["errors"]} == {("phone",)}
    admin = acme_admin_api.execute(query, {"id": account["id"]})
    assert "errors" not in admin and admin["data"]["node"]["phone"] is not None


def test_record_types_say_which_fields_the_reader_may_change(acme_admin_api, sales):
    restrict_sales(acme_admin_api)
    _user, sales_api = sales
    query = "{ recordTypes { key fields { name editable } } }"

    def editable(api) -> dict:
        types = {t["key"]: t for t in api.execute(query)["data"]["recordTypes"]}
        return {field["name"]: field["editable"] for field in types["accounts"]["fields"]}

    assert editable(sales_api) | {"name": None} == editable(acme_admin_api) | {
        "siren": False, "phone": False, "name": None}
    assert editable(sales_api)["name"] and editable(acme_admin_api)["siren"]
