import pytest
from django.db import connection

from saas.crm.models import Account
from tenants.models import Tenant
from tests.conftest import GraphQLClient
from tests.helpers import gid

HISTORY = """query($id: ID!) { node(id: $id) { ... on Record { history(first: 50) { totalCount edges { node {
  kind source actor { email } changes { field old new } record { displayName } } } } } } }"""


def history(api, record_id):
    return api.execute(HISTORY, {"id": record_id})["data"]["node"]["history"]


@pytest.mark.smoke
def test_history_records_create_update_delete_restore_tag_and_comment_with_actor_and_source(
        world, acme_admin_api, acme):
    account = gid(world.account)
    acme_admin_api.execute('mutation($id: ID!) { accountUpdate(id: $id, version: 1, input: {industry: "Retail"}) '
                           '{ __typename } }', {"id": account})
    acme_admin_api.execute('mutation($id: ID!) { tagAdd(recordId: $id, name: "VIP") { __typename } }', {"id": account})
    acme_admin_api.execute('mutation($id: ID!) { commentAdd(recordId: $id, body: "hello") { __typename } }',
                           {"id": account})
    acme_admin_api.execute('mutation($id: ID!) { recordDelete(id: $id) { __typename } }', {"id": account})
    acme_admin_api.execute('mutation($id: ID!) { recordRestore(id: $id) { __typename } }', {"id": account})
    events = history(acme_admin_api, account)
    kinds = [e["node"]["kind"] for e in events["edges"]]
    assert kinds == ["RESTORED", "DELETED", "COMMENTED", "LINKED", "UPDATED", "CREATED"]
    assert events["totalCount"] == 6
    updated = events["edges"][4]["node"]
    assert updated["changes"] == [{"field": "industry", "old": "", "new": "Retail"}]
    assert updated["actor"] == {"email": acme.admin_email}
    assert updated["source"] == "MANUAL"
    assert {e["node"]["record"]["displayName"] for e in events["edges"]} == {"Acme Corp"}


def test_changes_through_an_api_token_are_sourced_api(world, acme_admin_api, acme):
    secret = acme_admin_api.execute('mutation { apiTokenCreate(name: "sync") { ... on ApiTokenCreated { secret } } }')[
        "data"]["apiTokenCreate"]["secret"]
    integrator = GraphQLClient(acme.host, token=secret)
    integrator.execute('mutation($id: ID!) { accountUpdate(id: $id, version: 1, input: {phone: "0102030405"}) '
                       '{ __typename } }', {"id": gid(world.account)})
    latest = history(acme_admin_api, gid(world.account))["edges"][0]["node"]
    assert (latest["kind"], latest["source"]) == ("UPDATED", "API")


def test_record_created_by_quick_create_says_so(acme_admin_api):
    result = acme_admin_api.execute("""mutation { contactCreate(input: {lastName: "Doe",
        newAccount: {name: "Quick Co"}}) { ... on Contact { account { id source } } } }""")
    account = result["data"]["contactCreate"]["account"]
    assert account["source"] == "QUICK_CREATE"
    created = history(acme_admin_api, account["id"])["edges"][-1]["node"]
    assert (created["kind"], created["source"]) == ("CREATED", "QUICK_CREATE")
    assert {"field": "name", "old": None, "new": "Quick Co"} in created["changes"]


def test_raw_sql_changes_are_in_history_too(world, acme_admin_api):
    connection.set_schema("acme")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Account._meta.db_table} SET website = 'https://x.example' WHERE id = %s",
                       [world.account.pk])
    connection.set_schema_to_public()
    latest = history(acme_admin_api, gid(world.account))["edges"][0]["node"]
    assert latest["changes"] == [{"field": "website", "old": "", "new": "https://x.example"}]


def test_timeline_mixes_comments_history_and_activities_and_filters_by_kind(world, acme_admin_api):
    account = gid(world.account)
    acme_admin_api.execute('mutation($id: ID!) { commentAdd(recordId: $id, body: "note") { __typename } }',
                           {"id": account})
    acme_admin_api.execute('mutation($id: ID!) { activityCreate(input: {subject: "Call back", recordIds: [$id], '
                           'kind: CALL}) { __typename } }', {"id": account})
    query = """query($id: ID!, $kinds: [TimelineKind!]) { node(id: $id) { ... on Record {
      timeline(kinds: $kinds) { edges { node { __typename ... on Comment { body } ... on HistoryEvent { kind }
        ... on Activity { subject } } } } } } }"""
    everything = acme_admin_api.execute(query, {"id": account})["data"]["node"]["timeline"]["edges"]
    assert [e["node"]["__typename"] for e in everything] == ["Activity", "Comment", "HistoryEvent"]
    only_history = acme_admin_api.execute(query, {"id": account, "kinds": ["HISTORY"]})["data"]["node"]["timeline"]
    assert [e["node"]["kind"] for e in only_history["edges"]] == ["LINKED", "COMMENTED", "CREATED"]


def test_a_history_event_is_a_node_of_its_tenant_only(world, acme_admin_api, globex_admin_api):
    account = gid(world.account)
    acme_admin_api.execute('mutation($id: ID!) { tagAdd(recordId: $id, name: "VIP") { __typename } }', {"id": account})
    events = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Account { history(first: 3) { edges {'
                                    ' node { id kind } } } } } }', {"id": account})["data"]["node"]["history"]["edges"]
    event = events[0]["node"]
    again = acme_admin_api.execute('query($id: ID!) { node(id: $id) { __typename ... on HistoryEvent { id kind '
                                   'record { id } } } }', {"id": event["id"]})["data"]["node"]
    assert again == {"__typename": "HistoryEvent", "id": event["id"], "kind": event["kind"], "record": {"id": account}}
    assert globex_admin_api.execute('query($id: ID!) { node(id: $id) { id } }', {"id": event["id"]})["data"][
        "node"] is None


def test_history_names_the_related_records_instead_of_their_ids(world, acme_admin_api):
    account = gid(world.account)
    acme_admin_api.execute('mutation($id: ID!) { tagAdd(recordId: $id, name: "Premium") { __typename } }',
                           {"id": account})
    changes = [change for edge in history(acme_admin_api, account)["edges"]
               for change in edge["node"]["changes"]]
    assert {"field": "tag", "old": None, "new": "Premium"} in changes
    owner = next(change for change in changes if change["field"] == "owner_user")
    assert "@" in owner["new"]  # the owner's email, not a number


def test_the_changed_fields_are_named_in_the_tenant_s_language(world, acme_admin_api):
    # given a French tenant; the administrator's requests run in English
    Tenant.objects.filter(schema_name="acme").update(language="fr")
    account = gid(world.account)
    # when
    acme_admin_api.execute('mutation($id: ID!) { accountUpdate(id: $id, version: 1, input: {billingCity: "Paris"}) '
                           '{ __typename } }', {"id": account})
    # then
    changes = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Record { history(first: 5) {
      edges { node { kind changes { field label new } } } } } } }""", {"id": account})["data"]["node"]["history"]
    [update] = [edge["node"] for edge in changes["edges"] if edge["node"]["kind"] == "UPDATED"]
    assert update["changes"] == [{"field": "billing_city", "label": "ville de facturation", "new": "Paris"}]
