"""Record visibility through every path: lists, node, search, roll-up comments, related counts; the role tree,
sharing rules, organisation-wide defaults, and writes refused without the right."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access.helpers import (
    ACCOUNT_UPDATE,
    ACCOUNTS,
    account_create,
    names,
    role_ids,
    set_default,
)
from tests.conftest import messages

NODE = """query($id: ID!) { node(id: $id) { __typename ... on Account { name
  comments(rollUp: true) { totalCount edges { node { body } } }
  contacts { totalCount } relatedTabs { key count } } } }"""
SEARCH = """query($text: String!) { search(text: $text) { record { displayName } } }"""
CONTACT_CREATE = """mutation($input: ContactInput!) { contactCreate(input: $input) {
  __typename ... on Contact { id version } ... on OperationInfo { messages { field code } } } }"""
CONTACT_UPDATE = """mutation($id: ID!, $version: Int!, $input: ContactUpdateInput!) {
  contactUpdate(id: $id, version: $version, input: $input) {
  __typename ... on Contact { jobTitle } ... on OperationInfo { messages { field code } } } }"""
ASSIGN = """mutation($ids: [ID!]!, $owner: ID!) { recordsAssign(ids: $ids, owner: $owner) {
  __typename ... on OperationInfo { messages { field code } } } }"""
COMMENT = """mutation($id: ID!, $body: String!) { commentAdd(recordId: $id, body: $body) { __typename } }"""
RULE_CREATE = """mutation($input: SharingRuleInput!) { sharingRuleCreate(input: $input) {
  __typename ... on SharingRule { id } ... on OperationInfo { messages { field code } } } }"""


def user_id(admin_api, email: str) -> str:
    owners = admin_api.execute("{ owners { __typename ... on User { id email } } }")["data"]["owners"]
    return next(owner["id"] for owner in owners if owner.get("email") == email)


def test_a_salesperson_sees_its_own_records_its_manager_sees_the_team(acme_admin_api, sales, colleague,
                                                                      staff_member):
    # given private accounts, one per salesperson and one of the admin
    set_default(acme_admin_api, "accounts", "PRIVATE")
    _sales_user, sales_api = sales
    _colleague_user, colleague_api = colleague
    mine = account_create(sales_api, name="Alpha Corp")
    theirs = account_create(colleague_api, name="Beta Corp")
    account_create(acme_admin_api, name="Admin Corp")
    _manager, manager_api = staff_member("manager@acme.example.com", "Manager")
    # then each sees what the tree gives: lists and counts
    listed = sales_api.execute(ACCOUNTS)
    assert names(listed) == {"Alpha Corp"} and listed["data"]["accounts"]["totalCount"] == 1
    assert names(manager_api.execute(ACCOUNTS)) == {"Alpha Corp", "Beta Corp"}
    assert {"Alpha Corp", "Beta Corp", "Admin Corp"} <= names(acme_admin_api.execute(ACCOUNTS))
    # node and nodes: a colleague's record is not found, like a missing one
    assert sales_api.execute(NODE, {"id": theirs["id"]})["data"]["node"] is None
    assert sales_api.execute(NODE, {"id": mine["id"]})["data"]["node"]["name"] == "Alpha Corp"
    both = sales_api.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [mine["id"], theirs["id"]]})
    assert both["data"]["nodes"] == [{"id": mine["id"]}, None]
    # search
    found = sales_api.execute(SEARCH, {"text": "corp"})["data"]["search"]
    assert {hit["record"]["displayName"] for hit in found} == {"Alpha Corp"}
    # writes on it answer not found as well
    refused = sales_api.execute(ACCOUNT_UPDATE, {"id": theirs["id"], "version": theirs["version"],
                                                 "input": {"name": "Mine now"}})
    assert messages(refused["data"]["accountUpdate"]) == {"id": "not_found"}
    # and public read lets everyone read but only the owner's side write
    set_default(acme_admin_api, "accounts", "PUBLIC_READ")
    assert {"Alpha Corp", "Beta Corp", "Admin Corp"} <= names(sales_api.execute(ACCOUNTS))
    refused = sales_api.execute(ACCOUNT_UPDATE, {"id": theirs["id"], "version": theirs["version"],
                                                 "input": {"name": "Mine now"}})
    assert messages(refused["data"]["accountUpdate"]) == {None: "forbidden"}
    connection.set_schema("acme")
    from saas.crm.models import Account

    assert not Account.objects.filter(name="Mine now").exists()


def test_roll_up_and_related_counts_follow_visibility_and_sharing_rules(acme_admin_api, sales, colleague):
    # given private accounts and contacts: the colleague's account, and on it a contact that is the salesperson's
    set_default(acme_admin_api, "accounts", "PRIVATE")
    set_default(acme_admin_api, "contacts", "PRIVATE")
    sales_user, sales_api = sales
    _colleague_user, colleague_api = colleague
    account = account_create(colleague_api, name="Beta Corp")
    contact = acme_admin_api.execute(CONTACT_CREATE, {"input": {"firstName": "Carl", "lastName": "Secret",
                                                                "accountId": account["id"]}})["data"]["contactCreate"]
    assigned = acme_admin_api.execute(ASSIGN, {"ids": [contact["id"]], "owner": user_id(acme_admin_api,
                                                                                       sales_user.email)})
    assert assigned["data"]["recordsAssign"]["__typename"] == "RecordsChanged", assigned
    assert sales_api.execute(COMMENT, {"id": contact["id"], "body": "private note"})["data"]["commentAdd"][
        "__typename"] == "Comment"
    # when the colleague opens its account
    seen = colleague_api.execute(NODE, {"id": account["id"]})["data"]["node"]
    # then the salesperson's contact, its comment and its count stay out
    assert seen["comments"] == {"totalCount": 0, "edges": []}
    assert seen["contacts"]["totalCount"] == 0
    assert {tab["key"]: tab["count"] for tab in seen["relatedTabs"]}["contacts"] == 0
    # a sharing rule Sales → Sales (read) on contacts brings them in
    ids = role_ids(acme_admin_api)
    rule = acme_admin_api.execute(RULE_CREATE, {"input": {"module": "contacts", "fromRoleId": ids["Sales"],
                                                          "toRoleId": ids["Sales"], "access": "READ"}})
    assert rule["data"]["sharingRuleCreate"]["__typename"] == "SharingRule", rule
    seen = colleague_api.execute(NODE, {"id": account["id"]})["data"]["node"]
    assert [edge["node"]["body"] for edge in seen["comments"]["edges"]] == ["private note"]
    assert seen["contacts"]["totalCount"] == 1
    assert {tab["key"]: tab["count"] for tab in seen["relatedTabs"]}["contacts"] == 1
    # read only: changing it is refused with `forbidden`, nothing written
    refused = colleague_api.execute(CONTACT_UPDATE, {"id": contact["id"], "version": contact["version"],
                                                     "input": {"jobTitle": "Hijacked"}})
    assert messages(refused["data"]["contactUpdate"]) == {None: "forbidden"}
    # a write rule allows it
    acme_admin_api.execute(RULE_CREATE, {"input": {"module": "contacts", "fromRoleId": ids["Sales"],
                                                   "toRoleId": ids["Sales"], "access": "WRITE"}})
    allowed = colleague_api.execute(CONTACT_UPDATE, {"id": contact["id"], "version": contact["version"] + 1,
                                                     "input": {"jobTitle": "Buyer"}})
    assert allowed["data"]["contactUpdate"] == {"__typename": "Contact", "jobTitle": "Buyer"}


def test_module_rights_refuse_creation_and_hide_modules(staff_member):
    _reader, reader_api = staff_member("reader@acme.example.com", "Read-only")
    refused = reader_api.execute("""mutation { accountCreate(input: {name: "Nope"}) {
      __typename ... on OperationInfo { messages { field code } } } }""")
    assert messages(refused["data"]["accountCreate"]) == {None: "forbidden"}
    _sales_user, sales_api = staff_member("seller@acme.example.com", None)  # no role: the default one (Sales)
    assert sales_api.execute("{ journalEntries(first: 5) { totalCount } }")["errors"][0]["extensions"][
        "code"] == "FORBIDDEN"


def test_sharing_rules_add_a_constant_number_of_queries(acme_admin_api, sales, colleague):
    set_default(acme_admin_api, "accounts", "PRIVATE")
    _sales_user, sales_api = sales
    _colleague_user, colleague_api = colleague
    account_create(sales_api, name="Own 1")

    def queries(api) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert "errors" not in api.execute(ACCOUNTS)
        return len(captured)

    baseline = queries(sales_api)
    # more records, ten sharing rules, a deeper tree: the same number of queries
    for number in range(2, 12):
        account_create(sales_api, name=f"Own {number}")
        account_create(colleague_api, name=f"Theirs {number}")
    ids = role_ids(acme_admin_api)
    for number in range(10):
        acme_admin_api.execute(RULE_CREATE, {"input": {"module": "accounts", "fromRoleId": ids[
            "Accountant" if number % 2 else "Read-only"], "toRoleId": ids["Sales"], "access": "READ"}})
    assert queries(sales_api) == baseline
    assert len(names(sales_api.execute(ACCOUNTS))) == 11
    # and the restricted user pays only the grant's few queries over an admin
    assert queries(sales_api) - queries(acme_admin_api) <= 8
