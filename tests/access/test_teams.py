"""Teams through the API: the admins make them and choose their members; members see what their team owns."""

from tests.access.helpers import ACCOUNTS, account_create, names, set_default
from tests.access.test_visibility import ASSIGN, user_id
from tests.conftest import messages

TEAMS = "{ teams { team { id name } members { email } } }"
CREATE = """mutation($name: String!, $members: [ID!]) { teamCreate(name: $name, memberIds: $members) {
  __typename ... on TeamMembers { team { id name } members { email } } ... on OperationInfo { messages { field code } }
  } }"""
UPDATE = """mutation($id: ID!, $name: String, $members: [ID!]) { teamUpdate(id: $id, name: $name, memberIds: $members) {
  __typename ... on TeamMembers { team { name } members { email } } ... on OperationInfo { messages { field code } }
  } }"""
DELETE = """mutation($id: ID!) { teamDelete(id: $id) {
  __typename ... on OperationInfo { messages { field code } } } }"""


def test_members_of_a_team_see_the_records_it_owns(acme_admin_api, sales, colleague):
    set_default(acme_admin_api, "accounts", "PRIVATE")
    seller = user_id(acme_admin_api, "sales@acme.example.com")
    created = acme_admin_api.execute(CREATE, {"name": "Key accounts", "members": [seller]})["data"]["teamCreate"]
    assert created["members"] == [{"email": "sales@acme.example.com"}]
    team = created["team"]["id"]
    account = account_create(acme_admin_api, name="Big Corp")
    assert acme_admin_api.execute(ASSIGN, {"ids": [account["id"]], "owner": team})["data"]["recordsAssign"][
        "__typename"] != "OperationInfo"
    assert names(sales[1].execute(ACCOUNTS)) == {"Big Corp"}
    assert names(colleague[1].execute(ACCOUNTS)) == set()
    # the colleague joins, the seller leaves
    other = user_id(acme_admin_api, "colleague@acme.example.com")
    changed = acme_admin_api.execute(UPDATE, {"id": team, "members": [other]})["data"]["teamUpdate"]
    assert changed["members"] == [{"email": "colleague@acme.example.com"}]
    assert names(colleague[1].execute(ACCOUNTS)) == {"Big Corp"}
    assert names(sales[1].execute(ACCOUNTS)) == set()
    # a team owning records is not deleted
    assert messages(acme_admin_api.execute(DELETE, {"id": team})["data"]["teamDelete"]) == {None: "team_in_use"}
    assert [row["team"]["name"] for row in acme_admin_api.execute(TEAMS)["data"]["teams"]] == ["Key accounts"]


def test_team_names_are_unique_and_only_admins_manage_teams(acme_admin_api, sales):
    first = acme_admin_api.execute(CREATE, {"name": "Support"})["data"]["teamCreate"]["team"]["id"]
    assert messages(acme_admin_api.execute(CREATE, {"name": " support "})["data"]["teamCreate"]) == {
        "name": "name_taken"}
    assert messages(acme_admin_api.execute(CREATE, {"name": ""})["data"]["teamCreate"]) == {"name": "name_required"}
    assert acme_admin_api.execute(UPDATE, {"id": first, "name": "Helpdesk"})["data"]["teamUpdate"]["team"] == {
        "name": "Helpdesk"}
    assert sales[1].execute(CREATE, {"name": "Mine"})["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert sales[1].execute(TEAMS)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert acme_admin_api.execute(DELETE, {"id": first})["data"]["teamDelete"]["__typename"] == "Deleted"
    assert acme_admin_api.execute(TEAMS)["data"]["teams"] == []
