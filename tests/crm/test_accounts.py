import pytest
from django_tenants.utils import schema_context

from saas.crm.models import Account
from tests.conftest import messages

CREATE = """mutation($input: AccountInput!) {
  accountCreate(input: $input) {
    __typename
    ... on Account { id number name siren vatNumber version source displayName owner { ... on User { email } }
                     module { key label } createdBy { email } }
    ... on OperationInfo { messages { field code message } }
  }
}"""
UPDATE = """mutation($id: ID!, $version: Int!, $input: AccountUpdateInput!) {
  accountUpdate(id: $id, version: $version, input: $input) {
    __typename
    ... on Account { id name version }
    ... on OperationInfo { messages { field code message } }
  }
}"""


def create_account(api, **fields) -> dict:
    payload = api.execute(CREATE, {"input": {"name": "Acme Corp", **fields}})["data"]["accountCreate"]
    assert payload["__typename"] == "Account", payload
    return payload


@pytest.mark.smoke
def test_account_create_numbers_owns_and_normalizes(acme, acme_admin_api):
    account = create_account(acme_admin_api, siren="732 829 320", vatNumber="FR 40 303 265 045")
    assert account["number"].startswith("ACC-") and account["number"].endswith("-00001")
    assert account["siren"] == "732829320"
    assert account["vatNumber"] == "FR40303265045"
    assert account["owner"] == {"email": acme.admin_email}
    assert account["createdBy"] == {"email": acme.admin_email}
    assert (account["version"], account["source"], account["displayName"]) == (1, "MANUAL", "Acme Corp")
    assert account["module"]["key"] == "accounts"
    second = create_account(acme_admin_api, name="Second")
    assert second["number"].endswith("-00002")


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"siren": "123456789"}, "siren", "siren_invalid"),
    ({"siret": "73282932000075"}, "siret", "siret_invalid"),
    ({"vatNumber": "FR00123"}, "vatNumber", "vat_invalid"),
    ({"name": "  "}, "name", "name_required"),
    ({"siren": "732829320", "siret": "30326504500003"}, "siret", "siret_siren_mismatch"),
    ({"custom": {"nope": 1}}, "custom.nope", "unknown_custom_field"),
])
def test_bad_input_is_a_field_error_and_writes_nothing(acme_admin_api, fields, field, code):
    result = acme_admin_api.execute(CREATE, {"input": {"name": "Acme Corp", **fields}})
    assert messages(result["data"]["accountCreate"])[field] == code
    with schema_context("acme"):
        assert Account.objects.count() == 0


def test_stale_version_is_a_conflict_and_nothing_is_written(acme_admin_api):
    account = create_account(acme_admin_api)
    first = acme_admin_api.execute(UPDATE, {"id": account["id"], "version": 1, "input": {"name": "Renamed"}})
    assert first["data"]["accountUpdate"]["version"] == 2
    stale = acme_admin_api.execute(UPDATE, {"id": account["id"], "version": 1, "input": {"name": "Lost"}})
    assert messages(stale["data"]["accountUpdate"]) == {None: "conflict"}
    with schema_context("acme"):
        assert Account.objects.get().name == "Renamed"


def test_an_id_minted_in_another_tenant_is_not_found(acme_admin_api, globex):
    from strawberry.relay import to_base64

    account = create_account(acme_admin_api)
    assert account["id"]
    foreign = to_base64("Account", "globex.1")
    result = acme_admin_api.execute(UPDATE, {"id": foreign, "version": 1, "input": {"name": "x"}})
    assert messages(result["data"]["accountUpdate"]) == {"id": "not_found"}


def test_custom_fields_are_validated_and_returned(acme_admin_api):
    define = """mutation($key: String!, $type: String!, $choices: [String!]) {
      customFieldDefine(module: "accounts", key: $key, label: $key, fieldType: $type, choices: $choices) {
        __typename ... on OperationInfo { messages { field code } } } }"""
    assert acme_admin_api.execute(define, {"key": "tier", "type": "choice", "choices": ["gold", "silver"]})[
        "data"]["customFieldDefine"]["__typename"] == "CustomFieldDefinition"
    acme_admin_api.execute(define, {"key": "employees", "type": "number"})
    wrong = acme_admin_api.execute(CREATE, {"input": {"name": "A", "custom": {"tier": "bronze", "employees": "x"}}})
    assert messages(wrong["data"]["accountCreate"]) == {"custom.tier": "custom_field_choice",
                                                        "custom.employees": "custom_field_type"}
    good = acme_admin_api.execute(
        CREATE.replace("module { key label }", "customFields { field value raw }"),
        {"input": {"name": "A", "custom": {"tier": "gold", "employees": "12"}}})["data"]["accountCreate"]
    assert good["customFields"] == [{"field": "custom.tier", "value": "gold", "raw": "gold"},
                                    {"field": "custom.employees", "value": "12", "raw": 12}]


def test_accounts_list_filters_orders_and_paginates(acme_admin_api):
    for name in ("Charlie", "Alpha", "Bravo"):
        create_account(acme_admin_api, name=name, billingCity="Lyon" if name != "Bravo" else "Paris")
    result = acme_admin_api.execute("""{
      accounts(filters: {billingCity: {exact: "Lyon"}}, ordering: [{name: ASC}], first: 1) {
        totalCount edges { node { name } } pageInfo { hasNextPage } } }""")
    listing = result["data"]["accounts"]
    assert listing["totalCount"] == 2
    assert [e["node"]["name"] for e in listing["edges"]] == ["Alpha"]
    assert listing["pageInfo"]["hasNextPage"] is True


def test_bulk_update_leaves_history(acme_admin_api):
    # Triggers, not signals: even a queryset update() is recorded.
    from saas.crm.models import AccountEvent

    create_account(acme_admin_api)
    with schema_context("acme"):
        Account.objects.update(industry="Aerospace")
        events = list(AccountEvent.objects.filter(pgh_label="update").values_list("industry", flat=True))
    assert events == ["Aerospace"]


def test_custom_field_changes_show_in_history_one_per_field(acme_admin_api):
    acme_admin_api.execute('mutation { customFieldDefine(module: "accounts", key: "tier", label: "Tier", '
                           'fieldType: "text") { __typename } }')
    acme_admin_api.execute('mutation { customFieldDefine(module: "accounts", key: "size", label: "Size", '
                           'fieldType: "text") { __typename } }')
    created = acme_admin_api.execute(CREATE, {"input": {"name": "Custom Co", "custom": {"tier": "gold"}}})[
        "data"]["accountCreate"]
    updated = acme_admin_api.execute("""mutation($id: ID!, $version: Int!) {
      accountUpdate(id: $id, version: $version, input: {custom: {tier: "silver", size: "big"}}) { __typename } }""",
                                     {"id": created["id"], "version": created["version"]})
    assert updated["data"]["accountUpdate"]["__typename"] == "Account", updated
    history = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Account {
      history(first: 5) { edges { node { kind changes { field old new } } } } } } }""", {"id": created["id"]})
    assert "errors" not in history, history
    update = next(edge["node"] for edge in history["data"]["node"]["history"]["edges"]
                  if edge["node"]["kind"] == "UPDATED")
    assert [change for change in update["changes"] if change["field"].startswith("custom")] == [
        {"field": "custom.size", "old": None, "new": "big"}, {"field": "custom.tier", "old": "gold", "new": "silver"}]
