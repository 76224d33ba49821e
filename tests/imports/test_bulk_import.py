"""The import's batches: constant queries per batch, progress per batch, a stopped job undone, duplicates inside
one file, the types' own rules, workflows run for imported records from one job per batch."""

import base64
from unittest import mock

import pytest
from django.db import connection
from procrastinate import testing
from procrastinate.contrib.django import app

from saas.crm.models import Account, Contact
from saas.imports import services
from saas.imports.enums import ImportMode
from saas.imports.models import Import
from saas.imports.services import import_execute, import_prepare, import_undo
from tests.imports.test_imports import CREATE, HEADER, admin, contacts, dupont, run_queued_jobs, start  # noqa: F401

WORKFLOW_SAVE = """mutation($input: WorkflowInput!) { workflowSave(input: $input) {
  __typename ... on Workflow { id } ... on OperationInfo { messages { field code } } } }"""


def prepared(actor, rows: int, mode=ImportMode.VALID_ROWS_ONLY, last: str = "") -> Import:
    """An import of `rows` contacts of Dupont SA, queued (its job is run by the test), in acme's schema."""
    connection.set_schema("acme")
    csv = HEADER + "".join(f"F{i};Person{i};p{i}@example.com;Dupont SA\n" for i in range(rows)) + last
    return import_prepare(actor=actor, module="contacts", data=csv.encode(), file_name="people.csv", mode=mode)


@pytest.mark.parametrize(("rows", "batch"), [(20, 10), (400, 200)])
def test_an_import_takes_the_same_queries_per_batch_whatever_its_size(admin, dupont, monkeypatch,  # noqa: F811
                                                                     django_assert_max_num_queries, rows, batch):
    monkeypatch.setattr(services, "BATCH", batch)
    job = prepared(admin, rows)
    # two batches of `batch` rows; row by row, it was about 19 queries a row
    with django_assert_max_num_queries(45):
        import_execute(import_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.processed) == ("done", rows, rows)
    assert Contact.objects.filter(account=dupont, source="import").count() == rows


def test_valid_rows_only_keeps_the_batches_done_when_the_job_stops_and_undo_takes_them_back(
        admin, dupont, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "BATCH", 10)
    calls, real = [], services.records_create_many

    def third_batch_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return real(**kwargs)

    monkeypatch.setattr(services, "records_create_many", third_batch_fails)
    job = prepared(admin, 25)
    # when
    with pytest.raises(RuntimeError):
        import_execute(import_id=job.pk)
    # then: the two batches done stay, counted; the job says it stopped
    job.refresh_from_db()
    assert (job.status, job.processed, job.created) == ("failed", 20, 20)
    assert job.report[0]["code"] == "interrupted"
    assert Contact.objects.filter(deleted_at=None).count() == 20
    import_undo(actor=admin, job=job)
    assert Contact.objects.filter(deleted_at=None).count() == 0


def test_all_or_nothing_publishes_its_progress_after_every_batch_and_keeps_nothing(admin, dupont,  # noqa: F811
                                                                                   monkeypatch):
    monkeypatch.setattr(services, "BATCH", 10)
    published = []
    # The real publisher writes through another connection, which cannot see this test's transaction.
    monkeypatch.setattr(services, "_progress_elsewhere", lambda job: published.append(job.processed))
    job = prepared(admin, 24, mode=ImportMode.ALL_OR_NOTHING, last="No;;last-name@example.com;Dupont SA\n")
    import_execute(import_id=job.pk)
    job.refresh_from_db()
    assert published == [10, 20, 25]
    assert (job.status, job.created, job.invalid) == ("failed", 0, 1)
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(("on_duplicate", "counts", "names"), [
    ("SKIP", (1, 0, 1), ["Martin"]), ("UPDATE", (1, 1, 0), ["Martine"])])
def test_a_row_repeating_an_earlier_row_of_the_same_batch_meets_the_record_it_made(
        acme_admin_api, dupont, django_capture_on_commit_callbacks, on_duplicate, counts, names):  # noqa: F811
    csv = HEADER + "Ann;Martin;ann@example.com;Dupont SA\nAnn;Martine;ann@example.com;\n"
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, duplicateFields=["email"],
                   onDuplicate=on_duplicate)
    assert (result["created"], result["updated"], result["skipped"]) == counts
    assert [contact.last_name for contact in contacts()] == names


def test_accounts_get_their_identifiers_checked_and_normalized(acme_admin_api, django_capture_on_commit_callbacks):
    csv = "name;siren\nTotal;732 829 320\nNobody;123456789\n"
    result = start(acme_admin_api, csv, django_capture_on_commit_callbacks, module="accounts")
    assert (result["created"], result["invalid"]) == (1, 1)
    assert [(entry["row"], entry["column"], entry["code"]) for entry in result["report"]] == [
        (3, "siren", "siren_invalid")]
    connection.set_schema("acme")
    assert Account.objects.get(name="Total").siren == "732829320"


def test_workflows_on_create_run_for_imported_records_from_one_job_per_batch(
        acme_admin_api, dupont, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "BATCH", 2)
    saved = acme_admin_api.execute(WORKFLOW_SAVE, {"input": {
        "module": "contacts", "name": "Imported", "trigger": "ON_CREATE",
        "actions": [{"kind": "update_fields", "fields": {"job_title": "Imported"}}]}})["data"]["workflowSave"]
    assert saved["__typename"] == "Workflow", saved
    csv = HEADER + "A;One;;Dupont SA\nB;Two;;Dupont SA\nC;Three;;Dupont SA\n"
    variables = {"input": {"module": "contacts", "mode": "VALID_ROWS_ONLY",
                           "contentBase64": base64.b64encode(csv.encode()).decode()}}
    connector = testing.InMemoryConnector()
    # Closing the connection around a task would end the test's transaction.
    with app.replace_connector(connector), mock.patch("saas.core.tasks.close_old_connections"):
        with django_capture_on_commit_callbacks(execute=True):
            assert acme_admin_api.execute(CREATE, variables)["data"]["importCreate"]["__typename"] == "Import"
        with django_capture_on_commit_callbacks(execute=True):
            run_queued_jobs(connector)
        evaluations = [job for job in connector.jobs.values()
                       if job["task_name"] == "saas.workflows.tasks.records_evaluate"]
        assert [len(job["args"]["record_ids"]) for job in evaluations] == [2, 1]
        for job in evaluations:
            app.tasks[job["task_name"]](**job["args"])
    assert [contact.job_title for contact in contacts()] == ["Imported"] * 3


def test_undo_is_set_based_whatever_the_number_of_rows(admin, dupont, django_assert_max_num_queries):  # noqa: F811
    # given: 150 contacts imported, then a second file updating them (new last names) and creating 150 more
    first = prepared(admin, 150)
    import_execute(import_id=first.pk)
    csv = HEADER + "".join(f"F{i};Changed{i};p{i}@example.com;Dupont SA\n" for i in range(300))
    second = import_prepare(actor=admin, module="contacts", data=csv.encode(), file_name="again.csv",
                            mode=ImportMode.VALID_ROWS_ONLY, duplicate_fields=["email"], on_duplicate="update")
    import_execute(import_id=second.pk)
    second.refresh_from_db()
    assert (second.created, second.updated) == (150, 150)
    versions = dict(Contact.objects.filter(last_name__startswith="Changed").values_list("pk", "version"))
    # when: undone (row by row it took about 20 queries a row)
    with django_assert_max_num_queries(40):
        import_undo(actor=admin, job=second)
    # then: the created ones are deleted, the updated ones have their values back, each change in its history
    live = Contact.objects.filter(deleted_at=None)
    assert sorted(live.values_list("last_name", flat=True)) == sorted(f"Person{i}" for i in range(150))
    assert Contact.objects.exclude(deleted_at=None).count() == 150
    restored = dict(live.values_list("pk", "version"))
    assert all(restored[pk] == versions[pk] + 1 for pk in restored)
    ann = live.get(email="p7@example.com")
    assert ann.ref.display_name == "F7 Person7" and "person7" in ann.ref.search_text
    assert not ann.ref.is_deleted and Contact.objects.exclude(deleted_at=None).first().ref.is_deleted
    events = Contact.pgh_event_model.objects.filter(pgh_obj_id=ann.pk).order_by("-pgh_id").select_related(
        "pgh_context")
    assert events[0].last_name == "Person7" and events[0].pgh_context.metadata["source"] == "import"
    second.refresh_from_db()
    assert second.status == "undone"
