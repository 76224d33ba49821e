"""Tenant settings of the record engine through the API: tags for everyone, custom fields' changes."""

from tests.conftest import messages
from tests.helpers import gid
from tests.tenants.test_members import staff_member

TAG_CREATE = """mutation($name: String!, $color: String) { tagCreate(name: $name, color: $color) {
  ... on Tag { id name color } ... on OperationInfo { messages { field code } } } }"""
TAG_UPDATE = """mutation($id: ID!, $name: String, $color: String) { tagUpdate(id: $id, name: $name, color: $color) {
  ... on Tag { name color } ... on OperationInfo { messages { field code } } } }"""
TAG_DELETE = """mutation($id: ID!) { tagDelete(id: $id) {
  __typename ... on OperationInfo { messages { field code } } } }"""
RECORD_TAGS = 'query($id: ID!) { node(id: $id) { ... on Account { tags { name color } } } }'
DEFINE = """mutation { customFieldDefine(module: "accounts", key: "tier", label: "Tier", fieldType: "choice",
  choices: ["A", "B"]) { __typename } }"""
FIELD_UPDATE = """mutation($label: String, $choices: [String!], $required: Boolean) {
  customFieldUpdate(module: "accounts", key: "tier", label: $label, choices: $choices, required: $required) {
  ... on CustomFieldDefinition { label choices required } ... on OperationInfo { messages { field code } } } }"""
FIELD_REMOVE = """mutation($key: String!) { customFieldRemove(module: "accounts", key: $key) {
  __typename ... on OperationInfo { messages { field code } } } }"""


def test_tags_are_created_renamed_recoloured_and_deleted_on_every_record(world, acme_admin_api):
    # given: a tag on a record
    account = gid(world.account)
    acme_admin_api.execute('mutation($id: ID!) { tagAdd(recordId: $id, name: "vip") { __typename } }', {"id": account})
    tag = next(t for t in acme_admin_api.execute("{ tags { id name } }")["data"]["tags"] if t["name"] == "vip")
    # when / then
    assert acme_admin_api.execute(TAG_UPDATE, {"id": tag["id"], "name": "VIP gold", "color": "#AA00ff"})["data"][
        "tagUpdate"] == {"name": "VIP gold", "color": "#aa00ff"}
    assert acme_admin_api.execute(RECORD_TAGS, {"id": account})["data"]["node"]["tags"] == [
        {"name": "VIP gold", "color": "#aa00ff"}]
    assert acme_admin_api.execute(TAG_DELETE, {"id": tag["id"]})["data"]["tagDelete"]["__typename"] == "Removed"
    assert acme_admin_api.execute(RECORD_TAGS, {"id": account})["data"]["node"]["tags"] == []


def test_tag_names_are_unique_and_colours_checked(acme_admin_api):
    created = acme_admin_api.execute(TAG_CREATE, {"name": "Partner", "color": "#123456"})["data"]["tagCreate"]
    assert created["color"] == "#123456"
    assert messages(acme_admin_api.execute(TAG_CREATE, {"name": " partner "})["data"]["tagCreate"]) \
        == {"name": "tag_exists"}
    assert messages(acme_admin_api.execute(TAG_CREATE, {"name": "Other", "color": "red"})["data"]["tagCreate"]) \
        == {"color": "tag_color"}
    other = acme_admin_api.execute(TAG_CREATE, {"name": "Other"})["data"]["tagCreate"]
    assert messages(acme_admin_api.execute(TAG_UPDATE, {"id": other["id"], "name": "PARTNER"})["data"]["tagUpdate"]) \
        == {"name": "tag_exists"}
    assert [t["name"] for t in acme_admin_api.execute("{ tags { name } }")["data"]["tags"]] == ["Other", "Partner"]


def test_custom_fields_change_and_leave_the_layout_when_removed(acme_admin_api):
    acme_admin_api.execute(DEFINE)
    acme_admin_api.execute('mutation { layoutUpdate(module: "accounts", input: {headerFields: ["name", "custom.tier"]})'
                           ' { __typename } }')
    updated = acme_admin_api.execute(FIELD_UPDATE, {"label": "Customer tier", "choices": ["A", "B", "C"],
                                                    "required": True})["data"]["customFieldUpdate"]
    assert updated == {"label": "Customer tier", "choices": ["A", "B", "C"], "required": True}
    assert messages(acme_admin_api.execute(FIELD_UPDATE, {"choices": []})["data"]["customFieldUpdate"]) \
        == {"choices": "required"}
    assert acme_admin_api.execute(FIELD_REMOVE, {"key": "tier"})["data"]["customFieldRemove"]["__typename"] == "Removed"
    assert acme_admin_api.execute('{ customFieldDefinitions(module: "accounts") { key } }')["data"][
        "customFieldDefinitions"] == []
    assert acme_admin_api.execute('{ layout(module: "accounts") { headerFields } }')["data"]["layout"][
        "headerFields"] == ["name"]
    assert messages(acme_admin_api.execute(FIELD_REMOVE, {"key": "tier"})["data"]["customFieldRemove"]) \
        == {"key": "not_found"}


def test_only_admins_change_tags_and_custom_fields(acme):
    staff = staff_member(acme)
    for mutation, variables in ((TAG_CREATE, {"name": "x"}), (FIELD_REMOVE, {"key": "tier"})):
        assert staff.execute(mutation, variables)["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_lead_conversion_fields_name_what_a_rule_may_map(acme_admin_api):
    fields = acme_admin_api.execute("{ leadConversionFields { lead account contact deal } }")["data"][
        "leadConversionFields"]
    assert {"company", "email", "last_name"} <= set(fields["lead"])
    assert "name" in fields["account"] and "email" in fields["contact"] and "amount" in fields["deal"]
    assert "number" not in fields["lead"] and "version" not in fields["account"]
