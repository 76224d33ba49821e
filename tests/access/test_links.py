"""Visibility through links: a record the user may not see stays out when reached from one it may see (a contact's
account, a deal's account, a mutation's answer), whichever way the link is loaded; sharing rules aimed at a role
hold for the roles above it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access.helpers import ACCOUNTS, ROLES, account_create, names, role_ids, set_default
from tests.access.test_visibility import ASSIGN, CONTACT_CREATE, CONTACT_UPDATE, RULE_CREATE, user_id

CONTACTS = "{ contacts(first: 100) { edges { node { lastName account { name } } } } }"
CONTACT = """query($id: ID!) { node(id: $id) { ... on Contact { lastName account { name }
  header { field value raw } keyFields { field value raw }
  comments(rollUp: true) { totalCount edges { node { body } } } } } }"""
DEAL_CREATE = """mutation($input: DealInput!) { dealCreate(input: $input) {
  __typename ... on Deal { id account { name } contact { lastName } } } }"""
DEALS = "{ deals(first: 100) { edges { node { name account { name } contact { lastName } } } } }"
ROLE_CREATE = """mutation($input: RoleInput!) { roleCreate(input: $input) {
  __typename ... on OperationInfo { messages { field code } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Contact {
  history(first: 50) { edges { node { changes { field old new } } } } } } }"""
COMMENT = """mutation($id: ID!, $body: String!) { commentAdd(recordId: $id, body: $body) { __typename } }"""


def contact_for(admin_api, owner_email: str, last_name: str, account_id: str) -> dict:
    """A contact on `account_id`, owned by `owner_email`."""
    created = admin_api.execute(CONTACT_CREATE, {"input": {"lastName": last_name, "accountId": account_id}})
    contact = created["data"]["contactCreate"]
    assigned = admin_api.execute(ASSIGN, {"ids": [contact["id"]], "owner": user_id(admin_api, owner_email)})
    assert assigned["data"]["recordsAssign"]["__typename"] == "RecordsChanged", assigned
    return {"id": contact["id"], "version": contact["version"] + 1}


def test_a_linked_record_the_user_may_not_see_answers_null_on_every_path(acme_admin_api, sales, colleague,
                                                                         staff_member):
    # given private accounts: the colleague's account, and on it a contact that is the salesperson's
    set_default(acme_admin_api, "accounts", "PRIVATE")
    sales_user, sales_api = sales
    _colleague_user, colleague_api = colleague
    hidden = account_create(colleague_api, name="Hidden Corp")
    own = account_create(sales_api, name="Own Corp")
    contact = contact_for(acme_admin_api, sales_user.email, "Doe", hidden["id"])
    contact_for(acme_admin_api, sales_user.email, "Roe", own["id"])
    assert acme_admin_api.execute(COMMENT, {"id": hidden["id"], "body": "margin is thin"})["data"]["commentAdd"][
        "__typename"] == "Comment"
    # then the list, node, and a mutation's answer name the contact's own account only when it is visible
    listed = sales_api.execute(CONTACTS)
    assert "errors" not in listed, listed
    assert {edge["node"]["lastName"]: edge["node"]["account"] for edge in listed["data"]["contacts"]["edges"]} == {
        "Doe": None, "Roe": {"name": "Own Corp"}}
    seen = sales_api.execute(CONTACT, {"id": contact["id"]})["data"]["node"]
    assert seen["lastName"] == "Doe" and seen["account"] is None
    # nor do the header and the key fields, which format the link
    for values in (seen["header"], seen["keyFields"]):
        assert {"field": "account", "value": None, "raw": None} in values, values
    # the roll-up does not bring the hidden account's comments either
    assert seen["comments"] == {"totalCount": 0, "edges": []}
    updated = sales_api.execute(CONTACT_UPDATE.replace("jobTitle }", "jobTitle account { name } }"), {
        "id": contact["id"], "version": contact["version"], "input": {"jobTitle": "Buyer"}})
    assert updated["data"]["contactUpdate"] == {"__typename": "Contact", "jobTitle": "Buyer", "account": None}
    # a deal on the hidden account (a link that was non-null) answers null as well, in its list too
    deal = sales_api.execute(DEAL_CREATE, {"input": {"name": "Big one", "accountId": own["id"],
                                                     "contactId": contact["id"]}})["data"]["dealCreate"]
    assert deal["account"] == {"name": "Own Corp"} and deal["contact"] == {"lastName": "Doe"}
    connection.set_schema("acme")
    from saas.crm.models import Account, Deal

    Deal.objects.filter(name="Big one").update(account=Account.objects.get(name="Hidden Corp"))
    connection.set_schema_to_public()
    deals = sales_api.execute(DEALS)
    assert "errors" not in deals, deals
    assert [edge["node"] for edge in deals["data"]["deals"]["edges"]] == [
        {"name": "Big one", "account": None, "contact": {"lastName": "Doe"}}]
    # and whoever may see the account gets it: its manager, the admin
    _manager, manager_api = staff_member("manager@acme.example.com", "Manager")
    managed = manager_api.execute(CONTACT, {"id": contact["id"]})["data"]["node"]
    assert managed["account"] == {"name": "Hidden Corp"}
    assert {"field": "account", "value": "Hidden Corp"} in [
        {"field": value["field"], "value": value["value"]} for value in managed["keyFields"]]
    assert acme_admin_api.execute(CONTACT, {"id": contact["id"]})["data"]["node"]["account"] == {
        "name": "Hidden Corp"}
    # the contact's history names the account it left only to those who may see it
    moved = acme_admin_api.execute(CONTACT_UPDATE, {
        "id": contact["id"], "version": contact["version"] + 1, "input": {"accountId": own["id"]}})
    assert moved["data"]["contactUpdate"]["__typename"] == "Contact", moved

    def account_change(api) -> dict:
        events = api.execute(HISTORY, {"id": contact["id"]})["data"]["node"]["history"]["edges"]
        return next(change for event in events for change in event["node"]["changes"] if change["field"] == "account"
                    and change["new"] == "Own Corp")

    assert account_change(manager_api)["old"] == "Hidden Corp"
    assert account_change(sales_api)["old"] not in ("Hidden Corp", None)


def test_checking_links_costs_no_query_per_row(acme_admin_api, sales, colleague):
    set_default(acme_admin_api, "accounts", "PRIVATE")
    sales_user, sales_api = sales
    _colleague_user, colleague_api = colleague
    hidden = account_create(colleague_api, name="Hidden Corp")
    own = account_create(sales_api, name="Own Corp")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            result = sales_api.execute(CONTACTS)
        assert "errors" not in result, result
        return len(captured)

    contact_for(acme_admin_api, sales_user.email, "First", hidden["id"])
    baseline = queries()
    for number in range(10):
        contact_for(acme_admin_api, sales_user.email, f"Contact {number}", (hidden, own)[number % 2]["id"])
    assert queries() == baseline
    accounts = [edge["node"]["account"] for edge in sales_api.execute(CONTACTS)["data"]["contacts"]["edges"]]
    assert accounts.count(None) == 6 and accounts.count({"name": "Own Corp"}) == 5


def test_a_sharing_rule_aimed_at_a_role_holds_for_the_roles_above_it(acme_admin_api, sales, staff_member):
    # given private accounts and a Support role beside Manager (under Administrator) whose member has an account
    set_default(acme_admin_api, "accounts", "PRIVATE")
    _sales_user, sales_api = sales
    roles = {role["name"]: role for role in acme_admin_api.execute(ROLES)["data"]["roles"]}
    created = acme_admin_api.execute(ROLE_CREATE, {"input": {
        "name": "Support", "parentId": roles["Administrator"]["id"],
        "profileIds": [profile["id"] for profile in roles["Sales"]["profiles"]]}})
    assert created["data"]["roleCreate"]["__typename"] == "Role", created
    _support, support_api = staff_member("support@acme.example.com", "Support")
    _manager, manager_api = staff_member("manager@acme.example.com", "Manager")
    account_create(support_api, name="Helpdesk Corp")
    assert "Helpdesk Corp" not in names(manager_api.execute(ACCOUNTS))
    # when Support's accounts are shared with Sales
    ids = role_ids(acme_admin_api)
    rule = acme_admin_api.execute(RULE_CREATE, {"input": {"module": "accounts", "fromRoleId": ids["Support"],
                                                          "toRoleId": ids["Sales"], "access": "READ"}})
    assert rule["data"]["sharingRuleCreate"]["__typename"] == "SharingRule", rule
    # then the salespeople see them, and so does their manager, above Sales in the tree
    assert "Helpdesk Corp" in names(sales_api.execute(ACCOUNTS))
    assert "Helpdesk Corp" in names(manager_api.execute(ACCOUNTS))


def test_the_in_memory_check_agrees_with_the_list_filter_for_every_kind_of_owner(acme_admin, staff_member):
    # given members across the tree: a manager, two salespeople, a member with no role (the default one), a team
    from saas.access.enums import DefaultAccess
    from saas.access.models import Role, Team, TeamMember
    from saas.access.roles import module_default_set, sharing_rule_create
    from saas.access.visibility import sees, visible
    from saas.crm import services as crm
    from saas.crm.models import Account

    people = {name: staff_member(f"{name}@acme.example.com", role)[0] for name, role in (
        ("manager", "Manager"), ("seller", "Sales"), ("peer", "Sales"), ("roleless", None),
        ("accountant", "Accountant"))}
    connection.set_schema("acme")
    module_default_set(actor=None, module="accounts", access=DefaultAccess.PRIVATE)
    team = Team.objects.create(name="Key accounts")
    TeamMember.objects.create(team=team, user=people["seller"])
    other_team = Team.objects.create(name="Others")
    sharing_rule_create(actor=None, module="accounts", from_role=Role.objects.get(name="Accountant"),
                        to_role=Role.objects.get(name="Sales"))
    owners = [{"owner_user": person} for person in (*people.values(), acme_admin)]
    owners += [{"owner_team": team}, {"owner_team": other_team}]
    for number, owner in enumerate(owners):
        crm.account_create(actor=acme_admin, fields={"name": f"Account {number}"}, **owner)
    accounts = list(Account.objects.all())
    # then for every member, the in-memory check of each loaded account says what the list filter says
    for person in (*people.values(), acme_admin):
        listed = set(visible(Account.objects.all(), actor=person, module="accounts").values_list("pk", flat=True))
        assert {account.pk for account in accounts if sees(person, account, module="accounts")} == listed
    assert 0 < len(set(visible(Account.objects.all(), actor=people["seller"], module="accounts"))) < len(accounts)
