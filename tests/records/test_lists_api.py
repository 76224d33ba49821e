"""Saved filters, the owner filter and the bulk actions of list views, through the GraphQL API."""

from django.db import connection
from strawberry.relay import to_base64

from saas.access.models import Team
from saas.crm.models import Account
from saas.records.models import SavedFilter, TagLink
from tests.conftest import messages
from tests.helpers import gid
from tests.web import data

SAVE = """mutation($module: String!, $name: String!, $filters: JSON, $columns: [String!], $sort: String! = "") {
  savedFilterSave(module: $module, name: $name, filters: $filters, columns: $columns, sort: $sort) {
    __typename ... on SavedFilter { id name filters columns sort }
    ... on OperationInfo { messages { field code } } } }"""
LIST = 'query($module: String!) { savedFilters(module: $module) { id name filters columns sort } }'
DELETE = """mutation($id: ID!) { savedFilterDelete(id: $id) { __typename
  ... on OperationInfo { messages { field code } } } }"""
TAG = """mutation($ids: [ID!]!, $tag: String!) { recordsTag(ids: $ids, tag: $tag) { __typename
  ... on RecordsChanged { count records { displayName } } ... on OperationInfo { messages { field code } } } }"""
ASSIGN = """mutation($ids: [ID!]!, $owner: ID!) { recordsAssign(ids: $ids, owner: $owner) { __typename
  ... on RecordsChanged { count records { owner { __typename ... on Team { name } ... on User { email } } } }
  ... on OperationInfo { messages { field code } } } }"""
REMOVE = """mutation($ids: [ID!]!) { recordsDelete(ids: $ids) { __typename ... on RecordsChanged { count }
  ... on OperationInfo { messages { field code message } } } }"""
ACCOUNTS = """query($filters: AccountFilter) { accounts(filters: $filters) { totalCount
  edges { node { name } } } }"""
OWNERS = 'query { owners { __typename ... on User { id email } ... on Team { id name } } }'
HISTORY = """query($id: ID!) { node(id: $id) { ... on Account { version history(first: 5) { edges { node {
  kind changes { field } } } } } } }"""


def _team(name: str) -> str:
    connection.set_schema("acme")
    team = Team.objects.create(name=name)
    connection.set_schema_to_public()
    return gid(team, "Team")


def test_saved_filters_are_saved_replaced_by_name_listed_and_deleted(acme_admin_api):
    # given
    view = {"module": "accounts", "name": "Lyon VIP", "filters": {"q": "lyon", "tag": "vip"},
            "columns": ["siren", "owner"], "sort": "-name"}
    # when
    saved = acme_admin_api.execute(SAVE, view)["data"]["savedFilterSave"]
    replaced = acme_admin_api.execute(SAVE, {**view, "name": "lyon vip", "sort": "name"})["data"]["savedFilterSave"]
    # then: the same name in another case replaces the view
    assert saved["__typename"] == "SavedFilter" and replaced["id"] == saved["id"]
    listed = acme_admin_api.execute(LIST, {"module": "accounts"})["data"]["savedFilters"]
    assert listed == [{"id": saved["id"], "name": "lyon vip", "filters": {"q": "lyon", "tag": "vip"},
                       "columns": ["siren", "owner"], "sort": "name"}]
    assert acme_admin_api.execute(LIST, {"module": "contacts"})["data"]["savedFilters"] == []
    # deleted
    assert acme_admin_api.execute(DELETE, {"id": saved["id"]})["data"]["savedFilterDelete"]["__typename"] == \
        "SavedFilterDeleted"
    assert acme_admin_api.execute(LIST, {"module": "accounts"})["data"]["savedFilters"] == []


def test_saved_filter_refusals(acme_admin_api):
    unknown = acme_admin_api.execute(SAVE, {"module": "nope", "name": "x"})["data"]["savedFilterSave"]
    assert messages(unknown) == {"module": "unknown_module"}
    nameless = acme_admin_api.execute(SAVE, {"module": "accounts", "name": "  "})["data"]["savedFilterSave"]
    assert messages(nameless) == {"name": "saved_filter_name"}
    not_an_object = acme_admin_api.execute(SAVE, {"module": "accounts", "name": "x", "filters": [1]})
    assert messages(not_an_object["data"]["savedFilterSave"]) == {"filters": "invalid"}
    connection.set_schema("acme")
    assert not SavedFilter.objects.exists()


def test_saved_filters_are_private_to_their_user(acme_admin_api, globex_admin_api, acme_admin):
    # given: another user's view in acme
    connection.set_schema("acme")
    other = SavedFilter.objects.create(user=acme_admin.__class__.objects.create_user("other@acme.example.com",
                                                                                     "x" * 20),
                                       module="accounts", name="Theirs")
    connection.set_schema_to_public()
    theirs = gid(other, "SavedFilter")
    # then: not listed, not deletable
    assert acme_admin_api.execute(LIST, {"module": "accounts"})["data"]["savedFilters"] == []
    assert messages(acme_admin_api.execute(DELETE, {"id": theirs})["data"]["savedFilterDelete"]) == {
        "id": "not_found"}
    connection.set_schema("acme")
    assert SavedFilter.objects.filter(pk=other.pk).exists()


def test_records_tag_many_records_of_several_types(acme_admin_api):
    account = data.account(acme_admin_api, "Tagged One", **data.ADDRESS)
    other = data.account(acme_admin_api, "Tagged Two")
    invoice = data.issued_invoice(acme_admin_api, account["id"])
    ids = [account["id"], other["id"], invoice]
    result = acme_admin_api.execute(TAG, {"ids": ids, "tag": "Priority"})["data"]["recordsTag"]
    assert result["count"] == 3 and [r["displayName"] for r in result["records"]][:2] == ["Tagged One", "Tagged Two"]
    # twice is harmless
    assert acme_admin_api.execute(TAG, {"ids": ids, "tag": "priority"})["data"]["recordsTag"]["count"] == 3
    tagged = acme_admin_api.execute(ACCOUNTS, {"filters": {"tag": "PRIORITY"}})["data"]["accounts"]
    assert tagged["totalCount"] == 2
    connection.set_schema("acme")
    assert TagLink.objects.count() == 3


def test_records_assign_to_a_team_filters_by_owner_and_writes_history(acme_admin_api):
    # given
    first = data.account(acme_admin_api, "Owned A")
    data.account(acme_admin_api, "Owned B")
    team = _team("Sales team")
    owners = acme_admin_api.execute(OWNERS)["data"]["owners"]
    me = next(owner["id"] for owner in owners if owner["__typename"] == "User")
    assert {"__typename": "Team", "id": team, "name": "Sales team"} in owners
    # when
    result = acme_admin_api.execute(ASSIGN, {"ids": [first["id"]], "owner": team})["data"]["recordsAssign"]
    # then
    assert result["records"] == [{"owner": {"__typename": "Team", "name": "Sales team"}}]
    by_team = acme_admin_api.execute(ACCOUNTS, {"filters": {"owner": team}})["data"]["accounts"]
    by_me = acme_admin_api.execute(ACCOUNTS, {"filters": {"owner": me}})["data"]["accounts"]
    assert [e["node"]["name"] for e in by_team["edges"]] == ["Owned A"]
    assert [e["node"]["name"] for e in by_me["edges"]] == ["Owned B"]
    page = acme_admin_api.execute(HISTORY, {"id": first["id"]})["data"]["node"]
    assert page["version"] == 2
    assert page["history"]["edges"][0]["node"]["kind"] == "UPDATED"
    assert {"field": "owner_team"} in page["history"]["edges"][0]["node"]["changes"]


def test_records_assign_refuses_an_unknown_owner(acme_admin_api, globex_admin_api):
    account = data.account(acme_admin_api, "Kept")
    stranger = to_base64("User", "globex.1")
    result = acme_admin_api.execute(ASSIGN, {"ids": [account["id"]], "owner": stranger})["data"]["recordsAssign"]
    assert messages(result) == {"owner": "not_found"}


def test_records_delete_is_all_or_nothing(acme_admin_api):
    # given: an issued invoice may not be deleted
    account = data.account(acme_admin_api, "Deletable", **data.ADDRESS)
    invoice = data.issued_invoice(acme_admin_api, account["id"])
    other = data.account(acme_admin_api, "Also deletable")
    # when
    refused = acme_admin_api.execute(REMOVE, {"ids": [other["id"], invoice]})["data"]["recordsDelete"]
    # then: refused, naming the invoice, and nothing deleted
    assert messages(refused) == {"ids": "protected"}
    assert refused["messages"][0]["message"].startswith("FA-")
    assert acme_admin_api.execute(ACCOUNTS)["data"]["accounts"]["totalCount"] == 2
    # when the batch holds only deletable records
    assert acme_admin_api.execute(REMOVE, {"ids": [other["id"]]})["data"]["recordsDelete"]["count"] == 1
    assert acme_admin_api.execute(ACCOUNTS)["data"]["accounts"]["totalCount"] == 1


def test_bulk_actions_refuse_ids_of_another_tenant_and_too_many(acme_admin_api, globex_admin_api):
    mine = data.account(acme_admin_api, "Mine")
    theirs = data.account(globex_admin_api, "Theirs")
    refused = acme_admin_api.execute(TAG, {"ids": [mine["id"], theirs["id"]], "tag": "x"})["data"]["recordsTag"]
    assert messages(refused) == {"ids": "not_found"}
    too_many = acme_admin_api.execute(REMOVE, {"ids": [mine["id"]] * 101})["data"]["recordsDelete"]
    assert messages(too_many) == {"ids": "too_many"}
    connection.set_schema("acme")
    assert not TagLink.objects.exists() and Account.objects.filter(deleted_at__isnull=True).count() == 1
