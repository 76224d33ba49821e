"""Workflows in Settings and CSV import from the lists, through the web client: forms act through the API, the
API's refusals are shown where they belong, and the pages are closed to members without the right."""

import base64
import os
import time
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from procrastinate import testing
from procrastinate.contrib.django import app

from tests.access.conftest import staff
from tests.conftest import PASSWORD
from tests.imports.test_imports import run_queued_jobs
from tests.web import data
from tests.web.conftest import host_client

WORKFLOWS = """query($module: String!) { workflows(module: $module) { id name active trigger schedule match
  conditions actions runs { result recordName } } }"""
CONTACTS = "{ contacts { edges { node { lastName email } } } }"


def workflow_form(**changes) -> dict:
    form = {"module": "accounts", "name": "Welcome call", "trigger": "ON_CREATE", "match": "ALL", "schedule": "",
            "active": "on", "condition-field": ["industry", ""], "condition-operator": ["equals", "equals"],
            "condition-value": ["Software", ""], "action-count": "2",
            "action-0-kind": "create_activity", "action-0-subject": "Call the new customer",
            "action-0-due_in_days": "2", "action-0-activity_kind": "call", "action-1-kind": ""}
    return {**form, **changes}


def workflows(api, module: str = "accounts") -> list[dict]:
    return api.execute(WORKFLOWS, {"module": module})["data"]["workflows"]

SAVE = """mutation($input: WorkflowInput!) { workflowSave(input: $input) { ... on Workflow { id } } }"""
DRY_RUN = """mutation($input: ImportInput!) { importCreate(input: $input) { ... on Import { id } } }"""


def saved_workflow(api) -> str:
    """A manual workflow of accounts, made through the API: its id."""
    return api.execute(SAVE, {"input": {"module": "accounts", "name": "Tidy", "trigger": "MANUAL", "actions": [
        {"kind": "webhook", "url": "https://hooks.example.com/tidy"}]}})["data"]["workflowSave"]["id"]


def dry_run_import(api) -> str:
    """A dry run of a small contacts file, made through the API: its id."""
    return api.execute(DRY_RUN, {"input": {"module": "contacts", "mode": "ALL_OR_NOTHING", "dryRun": True,
                                           "contentBase64": base64.b64encode(b"last_name\nMartin\n").decode()}}
                       )["data"]["importCreate"]["id"]


@pytest.fixture
def plain_member(acme):
    """A member of acme with the Sales role: no administrator."""
    staff("plain@acme.example.com", "Sales")
    client = host_client(acme.host)
    assert client.post("/login/", {"email": "plain@acme.example.com", "password": PASSWORD}).status_code == 302
    return client


def test_a_workflow_is_created_listed_edited_and_deleted(member, acme_admin_api):
    assert member.get("/settings/workflows/new/?module=accounts").status_code == 200
    response = member.post("/settings/workflows/new/", workflow_form())
    assert response.status_code == 302 and response.url == "/settings/workflows/?module=accounts"
    [saved] = workflows(acme_admin_api)
    assert saved["trigger"] == "ON_CREATE" and saved["active"]
    assert saved["conditions"] == [{"field": "industry", "operator": "equals", "value": "Software"}]
    assert saved["actions"] == [{"kind": "create_activity", "subject": "Call the new customer", "due_in_days": 2,
                                 "activity_kind": "call"}]
    listed = member.get("/settings/workflows/?module=accounts").content.decode()
    assert "Welcome call" in listed and "When a record is created" in listed

    edit = member.get(f"/settings/workflows/{saved['id']}/").content.decode()
    assert 'value="Call the new customer"' in edit and 'value="Software"' in edit
    changed = workflow_form(name="Weekly check", trigger="SCHEDULE", schedule="0 7 * * 1", active="",
                            **{"action-0-kind": "webhook", "action-0-url": "https://hooks.example.com/in"})
    assert member.post(f"/settings/workflows/{saved['id']}/", changed).status_code == 302
    [again] = workflows(acme_admin_api)
    assert (again["name"], again["trigger"], again["schedule"], again["active"]) == (
        "Weekly check", "SCHEDULE", "0 7 * * 1", False)
    assert again["actions"] == [{"kind": "webhook", "url": "https://hooks.example.com/in"}]
    assert member.get(f"/settings/workflows/{saved['id']}/runs/").status_code == 200

    assert member.post("/settings/workflows/?module=accounts", {"id": saved["id"]}).status_code == 302
    assert workflows(acme_admin_api) == []


def test_refusals_are_shown_on_the_rows_they_name(member, acme_admin_api):
    response = member.post("/settings/workflows/new/", workflow_form(**{
        "condition-field": ["shoe_size", ""], "action-0-kind": "webhook", "action-0-url": "ftp://nowhere"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown field: shoe_size." in html and 'value="shoe_size"' in html  # the typed row is kept
    assert workflows(acme_admin_api) == []
    response = member.post("/settings/workflows/new/", workflow_form(**{
        "action-0-kind": "webhook", "action-0-url": "ftp://nowhere"}))
    assert response.status_code == 400 and "A webhook needs an http(s) address." in response.content.decode()
    response = member.post("/settings/workflows/new/", workflow_form(trigger="SCHEDULE", schedule="every day"))
    assert response.status_code == 400 and "A schedule is a cron expression" in response.content.decode()
    assert workflows(acme_admin_api) == []


def test_a_manual_workflow_runs_from_the_record_page_and_lands_in_the_run_log(member, acme_admin_api):
    account = data.account(acme_admin_api, "Manual Run Co")
    member.post("/settings/workflows/new/", workflow_form(
        name="Flag it", trigger="MANUAL", **{"condition-field": [""], "action-0-kind": "update_fields",
                                             "action-0-fields": "industry = Flagged"}))
    [workflow] = workflows(acme_admin_api)
    page = member.get(f"/records/{account['id']}/").content.decode()
    assert "Run “Flag it”" in page
    response = member.post(f"/records/{account['id']}/workflows/run/", {"workflow": workflow["id"]}, follow=True)
    assert "Workflow run." in response.content.decode()
    assert workflows(acme_admin_api)[0]["runs"] == [{"result": "SUCCEEDED", "recordName": "Manual Run Co"}]
    log = member.get(f"/settings/workflows/{workflow['id']}/runs/").content.decode()
    assert "Manual Run Co" in log and "Succeeded" in log


def test_workflow_pages_are_for_admins(plain_member, acme_admin_api):
    for url in ("/settings/workflows/", "/settings/workflows/new/"):
        assert plain_member.get(url).status_code == 403, url
    assert plain_member.post("/settings/workflows/new/", workflow_form()).status_code == 403
    assert workflows(acme_admin_api) == []


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode("cp1252"), content_type="text/csv")


def mapping_step(member, text: str, **extra) -> tuple[str, str]:
    """Upload the file; the mapping page and the token that names the upload."""
    response = member.post("/contacts/import/", {"file": csv_file(text), **extra})
    html = response.content.decode()
    assert response.status_code == 200, html
    token = html.split('name="token" value="')[1].split('"')[0]
    return html, token


def test_a_csv_is_uploaded_mapped_dry_run_imported_and_undone(member, acme_admin_api,
                                                              django_capture_on_commit_callbacks):
    assert 'id="list-import"' in member.get("/contacts/").content.decode()
    assert member.get("/contacts/import/").status_code == 200
    html, token = mapping_step(member, "Nom;E-mail;Ville\nMartin;ann@example.com;Lyon\nDurand;not-an-email;Paris\n")
    assert '<input type="hidden" name="column" value="Nom">' in html
    mapping = {"token": token, "column": ["Nom", "E-mail", "Ville"], "field": ["last_name", "email", ""],
               "default-first_name": "Someone", "onDuplicate": "SKIP", "saveMappingAs": "Salon export"}

    refused = member.post("/contacts/import/", {**mapping, "action": "dry_run"})
    assert refused.status_code == 400 and "Choose what happens to invalid rows." in refused.content.decode()
    dry = member.post("/contacts/import/", {**mapping, "action": "dry_run", "mode": "VALID_ROWS_ONLY"})
    report = dry.content.decode()
    assert dry.status_code == 200 and "2 rows: 1 to create, 0 to update, 0 skipped, 1 invalid." in report
    assert "<td class=\"num\">3</td><td>E-mail</td>" in report  # the bad email's row and column
    assert acme_admin_api.execute(CONTACTS)["data"]["contacts"]["edges"] == []

    connector = testing.InMemoryConnector()
    with app.replace_connector(connector), django_capture_on_commit_callbacks(execute=True):
        started = member.post("/contacts/import/", {**mapping, "action": "import", "mode": "VALID_ROWS_ONLY"})
    assert started.status_code == 302 and started.url.startswith("/imports/")
    again = member.post("/contacts/import/", {**mapping, "action": "import", "mode": "VALID_ROWS_ONLY"}, follow=True)
    assert "This file is no longer waiting to be imported" in again.content.decode()  # it started once only
    waiting = member.get(started.url).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "0 of 0 rows processed" in waiting
    with app.replace_connector(testing.InMemoryConnector()), mock.patch("saas.core.tasks.close_old_connections"):
        run_queued_jobs(connector)
    connection.set_schema_to_public()
    done = member.get(started.url).content.decode()
    assert 'hx-trigger="every 2s"' not in done and "2 of 2 rows processed" in done and "Undo this import" in done
    assert acme_admin_api.execute(CONTACTS)["data"]["contacts"]["edges"] == [
        {"node": {"lastName": "Martin", "email": "ann@example.com"}}]

    undone = member.post(started.url, follow=True).content.decode()
    assert "The import was undone." in undone
    assert acme_admin_api.execute(CONTACTS)["data"]["contacts"]["edges"] == []
    # the mapping saved with the dry run prefills the next file
    html, _token = mapping_step(member, "Nom;E-mail;Ville\nDupont;d@example.com;Nice\n", mapping="Salon export")
    assert '<option value="last_name" selected>' in html and 'value="Someone"' in html


def test_a_file_left_waiting_over_a_day_goes_when_the_next_one_arrives(member):
    folder = "acme/import-uploads"
    before = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
    mapping_step(member, "Nom\nMartin\n")
    [abandoned] = set(default_storage.listdir(folder)[1]) - before
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(f"{folder}/{abandoned}"), (two_days_ago, two_days_ago))
    # the next file (another list: the session itself keeps one file per list and would replace its own)
    assert member.post("/accounts/import/", {"file": csv_file("Nom\nAcme\n")}).status_code == 200
    waiting = set(default_storage.listdir(folder)[1])
    assert abandoned not in waiting and len(waiting - before) == 1


def test_a_file_the_api_refuses_stays_on_the_upload_step(member):
    response = member.post("/contacts/import/", {"file": SimpleUploadedFile("empty.csv", b"")})
    assert response.status_code == 400
    response = member.post("/contacts/import/", {})
    assert response.status_code == 400 and "Choose a CSV file." in response.content.decode()


def test_import_needs_the_import_right(acme):
    staff("clerk@acme.example.com", "Accountant")  # contacts: view and export only
    clerk = host_client(acme.host)
    clerk.post("/login/", {"email": "clerk@acme.example.com", "password": PASSWORD})
    assert 'id="list-import"' not in clerk.get("/contacts/").content.decode()
    assert clerk.get("/contacts/import/").status_code == 403
    assert clerk.post("/contacts/import/", {"file": csv_file("Nom\nMartin\n")}).status_code == 403


def test_a_manual_workflow_whose_conditions_do_not_hold_does_nothing(member, acme_admin_api):
    account = data.account(acme_admin_api, "Plain Co")
    member.post("/settings/workflows/new/", workflow_form(
        name="Software only", trigger="MANUAL", **{"action-0-kind": "update_fields",
                                                   "action-0-fields": "website = https://example.com"}))
    [workflow] = workflows(acme_admin_api)
    response = member.post(f"/records/{account['id']}/workflows/run/", {"workflow": workflow["id"]}, follow=True)
    assert "nothing was done" in response.content.decode()
    assert workflows(acme_admin_api)[0]["runs"] == []


def test_a_webhook_to_the_metadata_service_is_refused_on_its_row(member, acme_admin_api):
    response = member.post("/settings/workflows/new/", workflow_form(**{
        "action-0-kind": "webhook", "action-0-url": "http://169.254.169.254/latest/meta-data/"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "local, private and reserved networks are refused" in html
    assert 'value="http://169.254.169.254/latest/meta-data/"' in html  # the typed row is kept
    assert workflows(acme_admin_api) == []
