"""The event log: logins, API token uses, imports, exports, workflow runs and settings changes, read by admins."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from saas.audit.models import Event
from saas.imports.enums import ImportMode
from saas.imports.services import import_execute, import_prepare, import_undo
from saas.workflows import services as workflows
from saas.workflows.enums import Trigger
from tests.access.conftest import staff
from tests.conftest import LOGIN, PASSWORD, GraphQLClient, messages

EVENTS = """query($filter: EventFilter, $first: Int) { events(filter: $filter, first: $first) { totalCount
  edges { node { kind summary actorEmail address objectType objectId objectLabel details at } } } }"""
ROLE_CREATE = """mutation($input: RoleInput!) { roleCreate(input: $input) {
  __typename ... on OperationInfo { messages { field code } } } }"""
LIST_EXPORT = """mutation($module: String!, $columns: [String!]!, $filters: JSON, $rowCount: Int) {
  listExport(module: $module, columns: $columns, filters: $filters, rowCount: $rowCount) {
  __typename ... on OperationInfo { messages { field code } } } }"""
TOKEN_CREATE = """mutation($name: String!) { apiTokenCreate(name: $name) {
  __typename ... on ApiTokenCreated { secret token { id } } } }"""
TOKEN_EVENTS = "{ apiTokenEvents { operation status } }"


def events(api, **filter) -> list[dict]:
    result = api.execute(EVENTS, {"filter": filter, "first": 100})
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"]["events"]["edges"]]


def in_acme(function, **kwargs):
    connection.set_schema("acme")
    try:
        return function(**kwargs)
    finally:
        connection.set_schema_to_public()


def test_logins_and_failed_logins_are_logged_with_their_address(acme, acme_admin_api):
    # given: a wrong password, then the right one
    api = GraphQLClient(acme.host)
    refused = api.execute(LOGIN, {"email": acme.admin_email, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    assert messages(refused["data"]["login"]) == {None: "invalid_credentials"}
    api.execute(LOGIN, {"email": acme.admin_email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.8")
    # when
    failed = events(acme_admin_api, kind="LOGIN_FAILED")
    logins = events(acme_admin_api, kind="LOGIN")
    # then: the failure names the typed email but no actor (the identity is unproven)
    assert [(e["actorEmail"], e["address"], e["details"]) for e in failed] == [
        ("", "203.0.113.7", {"email": acme.admin_email, "reason": "invalid_credentials"})]
    assert [(e["actorEmail"], e["address"]) for e in logins][0] == (acme.admin_email, "203.0.113.8")
    assert logins[0]["details"] == {"method": "password"}


def test_only_admins_read_the_event_log_and_each_tenant_its_own(acme, acme_admin_api, globex_admin_api):
    _seller, seller_api = staff("reader@acme.example.com", "Sales")
    refused = seller_api.execute(EVENTS)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert events(acme_admin_api, kind="LOGIN") != []
    assert {e["actorEmail"] for e in events(globex_admin_api)} <= {"", "admin@globex.example.com"}


def test_settings_changes_are_logged_and_a_refused_one_leaves_nothing(acme, acme_admin_api):
    # when: a role is created, then one with the same name is refused
    root = acme_admin_api.execute("{ roles { id parent { id } } }")["data"]["roles"]
    parent = next(role["id"] for role in root if role["parent"] is None)
    created = acme_admin_api.execute(ROLE_CREATE, {"input": {"name": "Auditors", "parentId": parent}})
    assert created["data"]["roleCreate"]["__typename"] == "Role", created
    refused = acme_admin_api.execute(ROLE_CREATE, {"input": {"name": "auditors", "parentId": parent}})
    assert messages(refused["data"]["roleCreate"]) == {"name": "name_taken"}
    # then
    changes = events(acme_admin_api, kind="SETTINGS_CHANGE")
    assert [(e["summary"], e["objectType"], e["objectLabel"], e["actorEmail"]) for e in changes] == [
        ("Role “Auditors” created", "role", "Auditors", acme.admin_email)]
    assert changes[0]["address"] == "127.0.0.1"


def test_member_changes_are_settings_changes(acme, acme_admin_api):
    invite = """mutation($email: String!) { memberInvite(email: $email) { __typename } }"""
    assert acme_admin_api.execute(invite, {"email": "new@acme.example.com"})["data"]["memberInvite"][
        "__typename"] == "Member"
    assert [e["summary"] for e in events(acme_admin_api, kind="SETTINGS_CHANGE")] == ["new@acme.example.com invited"]


def test_api_token_uses_land_in_both_logs(acme, acme_admin_api):
    issued = acme_admin_api.execute(TOKEN_CREATE, {"name": "ERP"})["data"]["apiTokenCreate"]
    integrator = GraphQLClient(acme.host, token=issued["secret"])
    assert integrator.execute("query Whoami { me { user { email } } }")["data"]["me"]["user"]["email"] == \
        acme.admin_email
    uses = events(acme_admin_api, kind="API_TOKEN_USE")
    assert [(e["objectType"], e["details"]["operation"], e["details"]["status"]) for e in uses] == [
        ("apitoken", "Whoami", 200)]
    assert acme_admin_api.execute(TOKEN_EVENTS)["data"]["apiTokenEvents"] == [{"operation": "Whoami", "status": 200}]


def test_an_import_and_its_undo_are_logged(acme, acme_admin, acme_admin_api):
    # given
    job = in_acme(import_prepare, actor=acme_admin, module="contacts", file_name="people.csv",
                  data=b"first_name;last_name\nAda;Lovelace\nAlan;Turing\n", mode=ImportMode.VALID_ROWS_ONLY)
    # when
    in_acme(import_execute, import_id=job.pk)
    in_acme(job.refresh_from_db)
    in_acme(import_undo, actor=acme_admin, job=job)
    # then
    logged = events(acme_admin_api, kind="IMPORT")
    assert [e["summary"] for e in logged] == [
        "Import of people.csv undone",
        "Import of people.csv into contacts: 2 created, 0 updated, 0 skipped, 0 invalid"]
    assert {e["objectId"] for e in logged} == {str(job.pk)}
    assert logged[1]["details"]["created"] == 2 and logged[1]["actorEmail"] == acme.admin_email


def test_an_export_is_logged_and_refused_without_the_export_right(acme, acme_admin_api):
    _seller, seller_api = staff("exporter@acme.example.com", "Sales")
    done = seller_api.execute(LIST_EXPORT, {"module": "accounts", "columns": ["name", "billingCity"],
                                            "filters": {"q": "lyon"}, "rowCount": 3})
    assert done["data"]["listExport"]["__typename"] == "ListExported", done
    refused = seller_api.execute(LIST_EXPORT, {"module": "products", "columns": ["name"]})
    assert messages(refused["data"]["listExport"]) == {None: "forbidden"}
    exports = events(acme_admin_api, kind="EXPORT")
    assert [(e["actorEmail"], e["summary"], e["details"]["columns"], e["details"]["filters"]) for e in exports] == [
        ("exporter@acme.example.com", "Export of accounts as CSV (3 rows)", ["name", "billingCity"], {"q": "lyon"})]


def test_the_web_csv_export_is_logged(acme, acme_admin_api):
    from django.test import Client

    web = Client(HTTP_HOST=acme.host)
    assert web.post("/login/", {"email": acme.admin_email, "password": PASSWORD}).status_code == 302
    response = web.get("/accounts/export.csv", {"q": "nobody"})
    b"".join(response.streaming_content)
    connection.set_schema_to_public()
    exported = events(acme_admin_api, kind="EXPORT")
    assert [(e["objectType"], e["details"]["rows"]) for e in exported] == [("accounts", 0)]


def test_workflow_runs_are_logged(acme, acme_admin, acme_admin_api):
    from saas.crm import services as crm

    connection.set_schema("acme")
    workflow = workflows.workflow_save(actor=acme_admin, module="accounts", name="Tag retail",
                                       trigger=Trigger.MANUAL, actions=[{"kind": "update_fields",
                                                                         "fields": {"industry": "Retail"}}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Shop"})
    workflows.workflow_run_manual(actor=acme_admin, workflow=workflow, record=account)
    connection.set_schema_to_public()
    runs = events(acme_admin_api, kind="WORKFLOW_RUN")
    assert [(e["summary"], e["details"]["result"], e["objectLabel"]) for e in runs] == [
        ("Workflow “Tag retail” on Shop: Succeeded", "succeeded", "Tag retail")]
    assert [e["summary"] for e in events(acme_admin_api, kind="SETTINGS_CHANGE")] == ["Workflow “Tag retail” created"]


def test_filters_by_actor_and_time_newest_first(acme, acme_admin, acme_admin_api):
    # given: three events at known times, one by somebody else
    other, _api = staff("other@acme.example.com", None)
    connection.set_schema("acme")
    Event.objects.all().delete()
    start = timezone.now() - dt.timedelta(days=3)
    for days, actor in ((0, acme_admin), (1, other), (2, acme_admin)):
        Event.objects.create(kind="export", actor=actor, summary=f"day {days}", at=start + dt.timedelta(days=days))
    connection.set_schema_to_public()
    admin_gid = acme_admin_api.execute("{ me { user { id } } }")["data"]["me"]["user"]["id"]
    # when / then
    assert [e["summary"] for e in events(acme_admin_api, kind="EXPORT")] == ["day 2", "day 1", "day 0"]
    assert [e["summary"] for e in events(acme_admin_api, actor=admin_gid)][-2:] == ["day 2", "day 0"]
    window = {"from": (start + dt.timedelta(hours=12)).isoformat(), "to": (start + dt.timedelta(days=2)).isoformat()}
    assert [e["summary"] for e in events(acme_admin_api, **window)] == ["day 1"]
    foreign = "VXNlcjpnbG9iZXguMQ=="  # User:globex.1, an id minted by another tenant
    assert events(acme_admin_api, actor=foreign) == []


def test_company_custom_field_and_layout_changes_are_logged(acme, acme_admin, acme_admin_api):
    from saas.companies.models import Company
    from saas.companies.services import company_update
    from saas.records.services.custom_fields import custom_field_define, custom_field_remove
    from saas.records.services.layouts import layout_update

    connection.set_schema("acme")
    company = Company.objects.get(is_default=True)
    company_update(actor=acme_admin, company=company, fields={"city": "Lyon"})
    definition = custom_field_define(actor=acme_admin, module="accounts", key="tier", label="Tier", field_type="text")
    layout_update(actor=acme_admin, module="accounts", changes={"key_fields": ["custom.tier"]})
    custom_field_remove(actor=acme_admin, definition=definition)
    connection.set_schema_to_public()
    assert [e["summary"] for e in events(acme_admin_api, kind="SETTINGS_CHANGE")] == [
        "Custom field accounts.tier removed", "Layout of accounts changed", "Custom field accounts.tier defined",
        f"Company “{company.name}” changed"]


def test_numbering_tag_and_lead_conversion_changes_are_logged(acme, acme_admin_api):
    # given
    def run(query, **variables):
        result = acme_admin_api.execute(query, variables)
        assert "errors" not in result, result
        return result["data"]

    tag = run("""mutation($name: String!) { tagCreate(name: $name) { ... on Tag { id } } }""", name="VIP")["tagCreate"]
    # when: a tag created, renamed, renamed to the same name (no change), deleted; a numbering format changed;
    # a conversion mapping set then removed
    rename = """mutation($id: ID!, $name: String) { tagUpdate(id: $id, name: $name) { __typename } }"""
    run(rename, id=tag["id"], name="VIP gold")
    run(rename, id=tag["id"], name="VIP gold")
    run("""mutation($id: ID!) { tagDelete(id: $id) { __typename } }""", id=tag["id"])
    run("""mutation { numberingFormatUpdate(module: "contacts", pattern: "CT-{YYYY}-{SEQ:4}", yearlyReset: false) {
        __typename } }""")
    mapping = """mutation($lead: String) { leadConversionRuleSet(target: "contact", targetField: "job_title",
        leadField: $lead) { __typename } }"""
    run(mapping, lead="company")
    run(mapping, lead=None)
    # then: newest first, each with what changed
    changes = events(acme_admin_api, kind="SETTINGS_CHANGE")
    assert [(e["summary"], e["objectType"], e["objectLabel"]) for e in changes] == [
        ("Lead conversion: contact.job_title no longer mapped", "leadconversionrule", "contact.job_title"),
        ("Lead conversion: company mapped to contact.job_title", "leadconversionrule", "contact.job_title"),
        ("Numbering format of contacts changed to CT-{YYYY}-{SEQ:4}", "numberingformat", "contacts"),
        ("Tag “VIP gold” deleted", "tag", "VIP gold"),
        ("Tag “VIP” renamed “VIP gold”", "tag", "VIP gold"),
        ("Tag “VIP” created", "tag", "VIP")]
    assert changes[0]["details"]["lead_field"] == ["company", None]
    assert changes[2]["details"]["pattern"][1] == "CT-{YYYY}-{SEQ:4}"
    assert changes[2]["details"]["yearly_reset"] == [True, False]
    assert changes[4]["details"] == {"name": ["VIP", "VIP gold"]}
    assert all(e["actorEmail"] == acme.admin_email for e in changes)
