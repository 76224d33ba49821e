"""CSV import through the GraphQL API: dry run, encodings, duplicates, modes, history, undo, rights."""

import base64
from unittest import mock

import pytest
from django.db import connection
from procrastinate import testing
from procrastinate.contrib.django import app

from saas.crm import services as crm
from saas.crm.models import Contact
from tests.access.conftest import staff
from tests.conftest import messages
from tests.records.test_documents import raw_multipart

CREATE = """mutation($input: ImportInput!) { importCreate(input: $input) { __typename
  ... on Import { id status encoding delimiter total processed created updated skipped invalid
                  report { row column code message } }
  ... on OperationInfo { messages { field code message } } } }"""
STATUS = """query($id: ID!) { import(id: $id) { status processed total created updated skipped invalid
  report { row column code } } }"""
UNDO = """mutation($id: ID!) { importUndo(id: $id) { __typename ... on Import { status }
  ... on OperationInfo { messages { field code } } } }"""
HEADER = "first_name;last_name;email;account\n"


def run_queued_jobs(connector: testing.InMemoryConnector) -> None:
    """Run the jobs queued in memory in this thread and connection, so they see the test's transaction
    (procrastinate's worker runs them on its event loop, where Django hands out another connection)."""
    for job in list(connector.jobs.values()):
        if job["status"] == "todo" and job["task_name"].startswith("saas.imports."):
            app.tasks[job["task_name"]](**job["args"])
            job["status"] = "succeeded"


@pytest.fixture
def admin(acme_admin):
    return acme_admin


@pytest.fixture
def dupont(acme, admin):
    connection.set_schema("acme")
    account = crm.account_create(actor=admin, fields={"name": "Dupont SA"})
    connection.set_schema_to_public()
    return account


def start(api, csv: bytes | str, django_capture_on_commit_callbacks, **options) -> dict:
    """Send the file (base64), then run the queued job in-process; the import as `import(id)` reads it."""
    data = csv.encode() if isinstance(csv, str) else csv
    variables = {"input": {"module": "contacts", "mode": "VALID_ROWS_ONLY",
                           "contentBase64": base64.b64encode(data).decode(), **options}}
    connector = testing.InMemoryConnector()
    with app.replace_connector(connector):
        with django_capture_on_commit_callbacks(execute=True):
            payload = api.execute(CREATE, variables)["data"]["importCreate"]
    with app.replace_connector(testing.InMemoryConnector()), mock.patch("saas.core.tasks.close_old_connections"):
        # Closing the connection around the task would end the test's transaction.
        run_queued_jobs(connector)
    connection.set_schema_to_public()
    if payload["__typename"] != "Import" or options.get("dryRun"):
        return payload
    return {"id": payload["id"], **api.execute(STATUS, {"id": payload["id"]})["data"]["import"]}


def contacts() -> list[Contact]:
    connection.set_schema("acme")
    found = list(Contact.objects.filter(deleted_at=None).select_related("account").order_by("last_name"))
    connection.set_schema_to_public()
    return found


def test_dry_run_reports_every_bad_row_and_writes_nothing(acme_admin_api, dupont, django_capture_on_commit_callbacks):
    csv = (HEADER.replace("account", "account;shoe_size")
           + "Ann;Martin;ann@example.com;Dupont SA;42\n"
           + "Bob;;bob@example.com;Dupont SA;1\n"
           + "Cid;Durand;not-an-email;Nobody Inc;1\n"
           + "Dan;Ragged\n")
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, dryRun=True)
    assert result["status"] == "DRY_RUN"
    assert result["delimiter"] == ";"
    assert (result["total"], result["created"], result["invalid"]) == (4, 1, 3)
    assert {(e["row"], e["column"], e["code"]) for e in result["report"]} == {
        (1, "shoe_size", "unknown_column"),
        (3, "last_name", "blank"),
        (4, "account", "link_not_found"),
        (5, "", "ragged_row"),
    }
    assert contacts() == []


def test_windows_1252_file_with_accents_is_detected(acme_admin_api, dupont, django_capture_on_commit_callbacks):
    csv = (HEADER + "Hélène;Lefèvre;helene@example.com;Dupont SA\n").encode("cp1252")
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks)
    assert result["status"] == "DONE", result
    [contact] = contacts()
    assert (contact.first_name, contact.last_name, contact.account_id) == ("Hélène", "Lefèvre", dupont.pk)
    assert contact.source == "import"


@pytest.mark.parametrize(("data", "encoding"), [
    ("\ufeffa,b\n".encode(), "utf-8-sig"), ("é,b\n".encode(), "utf-8"), ("€,b\n".encode("iso-8859-15"), "iso-8859-15"),
    ("œ,’\n".encode("cp1252"), "windows-1252")])
def test_encodings(data, encoding):
    from saas.imports.parsing import decode

    assert decode(data)[1] == encoding


def test_duplicates_are_skipped_or_updated(acme_admin_api, admin, dupont, django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    kept = crm.contact_create(actor=admin, fields={"last_name": "Old", "email": "ann@example.com"})
    other = crm.contact_create(actor=admin, fields={"last_name": "Other", "email": "other@example.com"})
    connection.set_schema_to_public()
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\nNew;Person;new@example.com;\n"
    skipped = start(acme_admin_api, csv, django_capture_on_commit_callbacks, duplicateFields=["email"],
                    onDuplicate="SKIP")
    assert (skipped["created"], skipped["skipped"]) == (1, 1)
    assert [e["code"] for e in skipped["report"]] == ["duplicate_skipped"]
    updated = start(acme_admin_api, csv, django_capture_on_commit_callbacks, duplicateFields=["email"],
                    onDuplicate="UPDATE")
    assert (updated["created"], updated["updated"]) == (0, 2)
    by_email = {c.email: c for c in contacts()}
    assert by_email["ann@example.com"].pk == kept.pk and by_email["ann@example.com"].last_name == "Martin"
    assert by_email["other@example.com"].pk == other.pk
    assert len(by_email) == 3


def test_a_merge_fills_the_empty_fields_and_overwrites_nothing(acme_admin_api, admin, dupont,
                                                              django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    kept = crm.contact_create(actor=admin, fields={"last_name": "Old", "email": "ann@example.com"})
    connection.set_schema_to_public()
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\n"
    merged = start(acme_admin_api, csv, django_capture_on_commit_callbacks, duplicateFields=["email"],
                   onDuplicate="MERGE")
    assert (merged["created"], merged["updated"]) == (0, 1)
    [contact] = contacts()
    # the empty first name and account are filled, the last name is kept
    assert (contact.pk, contact.first_name, contact.last_name, contact.account_id) == (
        kept.pk, "Ann", "Old", dupont.pk)
    undone = acme_admin_api.execute(UNDO, {"id": merged["id"]})["data"]["importUndo"]
    assert undone["status"] == "UNDONE"
    [restored] = contacts()
    assert (restored.first_name, restored.last_name, restored.account_id) == ("", "Old", None)


def test_all_or_nothing_refuses_the_whole_file(acme_admin_api, dupont, django_capture_on_commit_callbacks):
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\nBob;Bad;bob@example.com;Nobody\n"
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, mode="ALL_OR_NOTHING")
    assert result["status"] == "FAILED"
    assert {e["code"] for e in result["report"]} == {"link_not_found", "rows_invalid"}
    assert contacts() == []


def test_valid_rows_only_keeps_the_good_rows(acme_admin_api, dupont, django_capture_on_commit_callbacks):
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\nBob;Bad;bob@example.com;Nobody\n"
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, mode="VALID_ROWS_ONLY")
    assert (result["status"], result["created"], result["invalid"], result["processed"]) == ("DONE", 1, 1, 2)
    assert [c.last_name for c in contacts()] == ["Martin"]


def test_history_carries_the_import_source_and_undo_restores(acme_admin_api, admin, dupont,
                                                             django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    existing = crm.contact_create(actor=admin, fields={"last_name": "Old", "email": "ann@example.com"})
    connection.set_schema_to_public()
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\nNew;Person;new@example.com;\n"
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, duplicateFields=["email"],
                   onDuplicate="UPDATE")
    assert (result["created"], result["updated"]) == (1, 1)
    connection.set_schema("acme")
    events = Contact.pgh_event_model.objects.filter(pgh_obj_id__in=[c.pk for c in Contact.objects.all()])
    sources = {(event.last_name, (event.pgh_context.metadata if event.pgh_context else {}).get("source"))
               for event in events.select_related("pgh_context")}
    connection.set_schema_to_public()
    assert ("Martin", "import") in sources and ("Person", "import") in sources
    # when
    undone = acme_admin_api.execute(UNDO, {"id": result["id"]})["data"]["importUndo"]
    # then
    assert undone == {"__typename": "Import", "status": "UNDONE"}
    [restored] = contacts()
    assert (restored.pk, restored.last_name, restored.first_name, restored.account_id) == (
        existing.pk, "Old", "", None)


def test_mapping_saved_and_reused_with_defaults(acme_admin_api, dupont, django_capture_on_commit_callbacks):
    csv = "Nom;Courriel\nMartin;ann@example.com\n"
    first = start(acme_admin_api, csv, django_capture_on_commit_callbacks, dryRun=True,
                  columns={"Nom": "last_name", "Courriel": "email"}, defaults={"account": "Dupont SA"},
                  saveMappingAs="French file")
    assert first["report"] == [] and first["created"] == 1
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, mappingName="French file")
    assert result["created"] == 1, result
    [contact] = contacts()
    assert (contact.last_name, contact.email, contact.account_id) == ("Martin", "ann@example.com", dupont.pk)


def test_multipart_upload_and_size_limit(acme_admin_api, settings):
    upload = """mutation($input: ImportInput!) { importCreate(input: $input) { __typename
      ... on Import { total created } ... on OperationInfo { messages { field code } } } }"""
    variables = {"input": {"module": "contacts", "mode": "ALL_OR_NOTHING", "dryRun": True, "file": None}}
    ok = raw_multipart(acme_admin_api, upload, variables, {"0": ("c.csv", b"last_name\nMartin\n", "text/csv")},
                       {"0": ["variables.input.file"]})
    assert ok["data"]["importCreate"] == {"__typename": "Import", "total": 1, "created": 1}
    settings.IMPORT_MAX_BYTES = 10
    big = raw_multipart(acme_admin_api, upload, variables, {"0": ("c.csv", b"last_name\nMartin\n", "text/csv")},
                        {"0": ["variables.input.file"]})
    assert messages(big["data"]["importCreate"]) == {"file": "file_too_large"}


def test_binary_file_and_unknown_field_are_refused(acme_admin_api, django_capture_on_commit_callbacks):
    binary = start(acme_admin_api, "last_name\nMartin\n".encode("utf-16"), django_capture_on_commit_callbacks)
    assert messages(binary) == {"file": "encoding_unknown"}
    unknown = start(acme_admin_api, "a\n1\n", django_capture_on_commit_callbacks, columns={"a": "shoe_size"})
    assert messages(unknown) == {"columns": "unknown_field"}


def test_import_needs_the_import_right(acme, django_capture_on_commit_callbacks):
    _user, api = staff("clerk@acme.example.com", "Accountant")  # contacts: view and export only
    refused = start(api, "last_name\nMartin\n", django_capture_on_commit_callbacks)
    assert refused["__typename"] == "OperationInfo"
    assert [m["code"] for m in refused["messages"]] == ["forbidden"]
    assert contacts() == []


