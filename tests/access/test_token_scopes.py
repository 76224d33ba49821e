"""API tokens: scopes per module or area (read/write), acting as a chosen member, and the event log."""

from tests.access.helpers import ACCOUNTS, account_create, names, set_default
from tests.conftest import GraphQLClient, messages

CREATE = """mutation($name: String!, $scopes: [String!], $userId: ID) {
  apiTokenCreate(name: $name, scopes: $scopes, userId: $userId) {
    __typename ... on ApiTokenCreated { secret token { id scopes user { email } } }
    ... on OperationInfo { messages { field code } } } }"""
EVENTS = """query($tokenId: ID) { apiTokenEvents(tokenId: $tokenId) { operation address status tokenName } }"""


def issue(api, scopes=None, user_id=None) -> dict:
    payload = api.execute(CREATE, {"name": "integration", "scopes": scopes, "userId": user_id})["data"][
        "apiTokenCreate"]
    assert payload["__typename"] == "ApiTokenCreated", payload
    return payload


def test_a_crm_read_token_reads_crm_and_cannot_invoice(acme, acme_admin_api):
    account = account_create(acme_admin_api, name="Scoped Corp")
    payload = issue(acme_admin_api, ["crm:read"])
    assert payload["token"]["scopes"] == ["crm:read"]
    integrator = GraphQLClient(acme.host, token=payload["secret"])
    # reads within the scope
    assert "Scoped Corp" in names(integrator.execute(ACCOUNTS))
    # no write, even on crm
    refused = integrator.execute('mutation CreateOne { accountCreate(input: {name: "Nope"}) { __typename '
                                 '... on OperationInfo { messages { field code } } } }')
    assert messages(refused["data"]["accountCreate"]) == {None: "forbidden"}
    # nothing outside crm: an invoice mutation is refused, invoices are out of sight
    invoiced = integrator.execute("""mutation Invoice($id: ID!) { invoiceCreate(accountId: $id) { __typename
      ... on OperationInfo { messages { field code } } } }""", {"id": account["id"]})
    assert set(messages(invoiced["data"]["invoiceCreate"]).values()) == {"forbidden"}
    assert integrator.execute("{ invoices { totalCount } }")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # every use is in the event log, for admins
    events = acme_admin_api.execute(EVENTS, {"tokenId": payload["token"]["id"]})["data"]["apiTokenEvents"]
    assert [event["operation"] for event in events][:2] == ["anonymous", "Invoice"]
    assert "CreateOne" in [event["operation"] for event in events]
    assert {(event["address"], event["status"], event["tokenName"]) for event in events} == {
        ("127.0.0.1", 200, "integration")}


def test_event_log_is_for_admins_and_scopes_are_checked(acme_admin_api, sales):
    _user, sales_api = sales
    assert sales_api.execute(EVENTS)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = acme_admin_api.execute(CREATE, {"name": "bad", "scopes": ["crm:admin", "nowhere:read"]})
    assert messages(bad["data"]["apiTokenCreate"]) == {"scopes": "scope_invalid"}


def test_a_token_acts_as_the_chosen_member_with_its_rights(acme, acme_admin_api, sales):
    sales_user, sales_api = sales
    set_default(acme_admin_api, "accounts", "PRIVATE")
    account_create(acme_admin_api, name="Boss Corp")
    account_create(sales_api, name="Seller Corp")
    owners = acme_admin_api.execute("{ owners { __typename ... on User { id email } } }")["data"]["owners"]
    sales_id = next(owner["id"] for owner in owners if owner.get("email") == sales_user.email)
    payload = issue(acme_admin_api, ["accounts:write", "sales:read"], user_id=sales_id)
    assert payload["token"]["user"]["email"] == sales_user.email
    integrator = GraphQLClient(acme.host, token=payload["secret"])
    assert names(integrator.execute(ACCOUNTS)) == {"Seller Corp"}
    # a plain member may not issue tokens for someone else
    admin_id = next(owner["id"] for owner in owners if owner.get("email") == acme.admin_email)
    refused = sales_api.execute(CREATE, {"name": "x", "scopes": None, "userId": admin_id})["data"]["apiTokenCreate"]
    assert messages(refused) == {"userId": "forbidden"}
