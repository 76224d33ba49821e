"""A record type's GraphQL derived from its model and RecordType (saas/records/api/derived.py): enums from choices,
filters and orderings on derived fields, create inputs requiring what the model requires, updates requiring
nothing — all through the API."""

from tests.conftest import messages

TYPE = """query($name: String!) { __type(name: $name) { kind enumValues { name }
  inputFields { name type { kind name ofType { name } } } } }"""
LEAD_CREATE = """mutation($input: LeadInput!) { leadCreate(input: $input) {
  __typename ... on Lead { id version leadSource status } ... on OperationInfo { messages { field code } } } }"""
LEAD_UPDATE = """mutation($id: ID!, $version: Int!, $input: LeadUpdateInput!) {
  leadUpdate(id: $id, version: $version, input: $input) {
  __typename ... on Lead { lastName leadSource } ... on OperationInfo { messages { field code } } } }"""
ACCOUNT_CREATE = """mutation($input: AccountInput!) { accountCreate(input: $input) {
  __typename ... on Account { id version language } ... on OperationInfo { messages { field code } } } }"""
ACCOUNT_UPDATE = """mutation($id: ID!, $version: Int!, $input: AccountUpdateInput!) {
  accountUpdate(id: $id, version: $version, input: $input) {
  __typename ... on Account { name phone language } ... on OperationInfo { messages { field code } } } }"""
DEAL_CREATE = """mutation($input: DealInput!) { dealCreate(input: $input) {
  __typename ... on Deal { id name amount stage account { name } }
  ... on OperationInfo { messages { field code } } } }"""
DEALS = """query($filters: DealFilter, $ordering: [DealOrdering!]! = []) {
  deals(filters: $filters, ordering: $ordering, first: 50) { edges { node { name amount } } } }"""
LEADS = """query($filters: LeadFilter, $ordering: [LeadOrdering!]! = []) {
  leads(filters: $filters, ordering: $ordering, first: 50) { edges { node { lastName leadSource } } } }"""


def input_fields(api, name: str) -> dict[str, str]:
    """`{field: "Type!" or "Type"}` of an input type, by introspection."""
    fields = api.execute(TYPE, {"name": name})["data"]["__type"]["inputFields"]
    return {f["name"]: f["type"]["ofType"]["name"] + "!" if f["type"]["kind"] == "NON_NULL" else f["type"]["name"]
            for f in fields}


def test_a_choices_field_is_its_choices_class_enum_named_as_before(acme_admin_api):
    enum = acme_admin_api.execute(TYPE, {"name": "LeadSource"})["data"]["__type"]
    assert enum["kind"] == "ENUM"
    assert [value["name"] for value in enum["enumValues"]] == [
        "WEBSITE", "REFERRAL", "TRADE_SHOW", "COLD_CALL", "PARTNER", "CAMPAIGN", "OTHER"]
    # a blank choice reads as null; the enum of tenants' Language keeps its name, DocumentLanguage
    account = acme_admin_api.execute(ACCOUNT_CREATE, {"input": {"name": "Lingua"}})["data"]["accountCreate"]
    assert account["language"] is None
    assert input_fields(acme_admin_api, "AccountInput")["language"] == "DocumentLanguage"
    updated = acme_admin_api.execute(ACCOUNT_UPDATE, {"id": account["id"], "version": account["version"],
                                                      "input": {"language": "EN"}})["data"]["accountUpdate"]
    assert updated["language"] == "EN"
    lead = acme_admin_api.execute(LEAD_CREATE, {"input": {"lastName": "Ada", "leadSource": "TRADE_SHOW"}})
    assert lead["data"]["leadCreate"]["leadSource"] == "TRADE_SHOW"
    assert lead["data"]["leadCreate"]["status"] == "NEW"


def test_lists_filter_and_sort_on_derived_fields(acme_admin_api):
    account = acme_admin_api.execute(ACCOUNT_CREATE, {"input": {"name": "Dealer"}})["data"]["accountCreate"]["id"]
    for name, amount in (("Small", "100"), ("Big", "9000"), ("Middle", "2500")):
        created = acme_admin_api.execute(DEAL_CREATE, {"input": {"name": name, "accountId": account,
                                                                 "amount": amount}})["data"]["dealCreate"]
        assert created["__typename"] == "Deal", created
    deals = acme_admin_api.execute(DEALS, {"filters": {"amount": {"gte": "1000"}}, "ordering": [{"amount": "DESC"}]})
    assert [edge["node"]["name"] for edge in deals["data"]["deals"]["edges"]] == ["Big", "Middle"]
    for last_name, source in (("Web", "WEBSITE"), ("Friend", "REFERRAL"), ("Other", "REFERRAL")):
        acme_admin_api.execute(LEAD_CREATE, {"input": {"lastName": last_name, "leadSource": source}})
    leads = acme_admin_api.execute(LEADS, {"filters": {"leadSource": {"exact": "referral"}},
                                           "ordering": [{"lastName": "ASC"}]})
    assert [edge["node"]["lastName"] for edge in leads["data"]["leads"]["edges"]] == ["Friend", "Other"]


def test_create_inputs_require_what_the_model_requires_and_updates_nothing(acme_admin_api):
    assert input_fields(acme_admin_api, "AccountInput")["name"] == "String!"
    assert input_fields(acme_admin_api, "AccountInput")["billingCountry"] == "String"  # it has a default
    assert input_fields(acme_admin_api, "AccountUpdateInput")["name"] == "String"
    assert {name: kind for name, kind in input_fields(acme_admin_api, "DealInput").items() if kind.endswith("!")} \
        == {"name": "String!", "accountId": "ID!"}
    # neither a status changed by its transitions nor the fields its conversion sets are inputs
    assert not {"status", "convertedAt", "convertedAccountId"} & set(input_fields(acme_admin_api, "LeadInput"))
    assert "stage" not in input_fields(acme_admin_api, "DealUpdateInput")

    missing = acme_admin_api.execute('mutation { accountCreate(input: {phone: "01"}) { __typename } }')
    assert missing["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", missing
    assert "name" in missing["errors"][0]["message"]
    deal = acme_admin_api.execute(DEAL_CREATE, {"input": {"name": "Orphan", "accountId": "QWNjb3VudDpub3BlLjE="}})
    assert messages(deal["data"]["dealCreate"]) == {"accountId": "not_found"}

    lead = acme_admin_api.execute(LEAD_CREATE, {"input": {"lastName": "Kept", "leadSource": "PARTNER"}})[
        "data"]["leadCreate"]
    # an update names only what changes; null on a choice the model requires keeps it
    updated = acme_admin_api.execute(LEAD_UPDATE, {"id": lead["id"], "version": lead["version"],
                                                   "input": {"leadSource": None, "lastName": "Renamed"}})
    assert updated["data"]["leadUpdate"] == {"__typename": "Lead", "lastName": "Renamed", "leadSource": "PARTNER"}
    account = acme_admin_api.execute(ACCOUNT_CREATE, {"input": {"name": "Named"}})["data"]["accountCreate"]
    # null on a text the model requires is the empty text, which the type's own rules refuse
    cleared = acme_admin_api.execute(ACCOUNT_UPDATE, {"id": account["id"], "version": account["version"],
                                                      "input": {"name": None}})
    assert messages(cleared["data"]["accountUpdate"]) == {"name": "name_required"}
