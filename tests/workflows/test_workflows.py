import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from saas.crm import services as crm
from saas.crm.models import Account, Contact
from saas.records.enums import RecordSource
from saas.records.models import Activity
from saas.records.services.comments import comment_add
from saas.workflows import services
from saas.workflows.enums import DeliveryStatus, RunResult, Trigger
from saas.workflows.models import WebhookDelivery, Workflow, WorkflowRun
from tests.conftest import messages
from tests.helpers import gid

SAVE = """mutation($input: WorkflowInput!) { workflowSave(input: $input) {
  __typename ... on Workflow { id secret nextRunAt } ... on OperationInfo { messages { field code } } } }"""
WORKFLOWS = """query($module: String!) { workflows(module: $module) { name trigger runs { trigger result actionsDone
  recordName deliveries { status attempts lastError } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Record { history(first: 20) { edges { node {
  kind source changes { field new } } } } } } }"""


@pytest.fixture
def jobs(jobs, settings):
    """The shared in-memory job runner, webhook retries without their wait."""
    settings.WORKFLOW_WEBHOOK_RETRY_SECONDS = 0
    return jobs



def save(api, **workflow):
    return api.execute(SAVE, {"input": workflow})["data"]["workflowSave"]


def test_on_create_workflow_sets_a_field_with_history_source_workflow(acme_admin_api, jobs,
                                                                        django_capture_on_commit_callbacks):
    # given
    saved = save(acme_admin_api, module="accounts", name="Retail by default", trigger="ON_CREATE",
                 actions=[{"kind": "update_fields", "fields": {"industry": "Retail"}}])
    assert saved["__typename"] == "Workflow", saved
    # when: an account is created through the API, and the queued evaluation runs
    with django_capture_on_commit_callbacks(execute=True):
        created = acme_admin_api.execute('mutation { accountCreate(input: {name: "Shop"}) { ... on Account { id } } }')
    jobs()
    # then
    connection.set_schema("acme")
    assert Account.objects.get(name="Shop").industry == "Retail"
    connection.set_schema_to_public()
    events = acme_admin_api.execute(HISTORY, {"id": created["data"]["accountCreate"]["id"]})["data"]["node"]
    latest = events["history"]["edges"][0]["node"]
    assert (latest["kind"], latest["source"]) == ("UPDATED", "WORKFLOW")
    assert latest["changes"] == [{"field": "industry", "new": "Retail"}]
    runs = acme_admin_api.execute(WORKFLOWS, {"module": "accounts"})["data"]["workflows"][0]["runs"]
    assert [(r["trigger"], r["result"], r["recordName"]) for r in runs] == [("ON_CREATE", "SUCCEEDED", "Shop")]


def test_changed_to_fires_on_the_save_that_makes_the_change_only(acme, acme_admin, jobs,
                                                                 django_capture_on_commit_callbacks):
    # given
    connection.set_schema("acme")
    services.workflow_save(actor=acme_admin, module="accounts", name="Retail follow-up", trigger=Trigger.ON_SAVE,
                           conditions=[{"field": "industry", "operator": "changed_to", "value": "Retail"}],
                           actions=[{"kind": "create_activity", "subject": "Call the new retailer", "due_in_days": 2}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Mart"})
    # when: three saves, only the second changes the industry to Retail
    with django_capture_on_commit_callbacks(execute=True):
        account = crm.account_update(actor=acme_admin, account=account, version=account.version,
                                     fields={"phone": "0102030405"})
        account = crm.account_update(actor=acme_admin, account=account, version=account.version,
                                     fields={"industry": "Retail"})
        crm.account_update(actor=acme_admin, account=account, version=account.version, fields={"phone": "0600000000"})
    jobs()
    # then
    connection.set_schema("acme")
    activities = Activity.objects.filter(refs=account.ref_id)
    assert [a.subject for a in activities] == ["Call the new retailer"]
    assert activities[0].due_at > timezone.now() + timedelta(days=1)
    assert WorkflowRun.objects.filter(workflow__name="Retail follow-up").count() == 1


def test_when_a_condition_first_becomes_true_it_runs_once_until_it_turns_false_again(
        acme, acme_admin, jobs, django_capture_on_commit_callbacks):
    # given
    connection.set_schema("acme")
    services.workflow_save(actor=acme_admin, module="accounts", name="Became retail", trigger=Trigger.ON_CONDITION,
                           conditions=[{"field": "industry", "operator": "equals", "value": "Retail"}],
                           actions=[{"kind": "create_activity", "subject": "Retail now"}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Turncoat"})
    # when: true, still true, false, true again
    with django_capture_on_commit_callbacks(execute=True):
        for fields in ({"industry": "Retail"}, {"phone": "0102030405"}, {"industry": "Bank"}, {"industry": "Retail"}):
            account = crm.account_update(actor=acme_admin, account=account, version=account.version, fields=fields)
    jobs()
    # then
    connection.set_schema("acme")
    assert Activity.objects.filter(refs=account.ref_id).count() == 2


def test_a_comment_triggers_and_a_workflow_creates_a_linked_record(acme, acme_admin, jobs,
                                                                   django_capture_on_commit_callbacks):
    # given
    connection.set_schema("acme")
    services.workflow_save(actor=acme_admin, module="accounts", name="Comment → contact", trigger=Trigger.ON_COMMENT,
                           actions=[{"kind": "create_record", "module": "contacts", "link_field": "account",
                                     "fields": {"last_name": "Reception"}}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Chatty"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(actor=acme_admin, record=account, body="Who answers the phone there?")
    jobs()
    # then
    connection.set_schema("acme")
    contact = Contact.objects.get(account=account)
    assert (contact.last_name, contact.source) == ("Reception", RecordSource.WORKFLOW)
    assert WorkflowRun.objects.get().trigger == Trigger.ON_COMMENT


def test_a_condition_on_an_unknown_field_is_refused_and_linked_fields_are_known(acme_admin_api, acme):
    # when
    refused = save(acme_admin_api, module="contacts", name="Bad", trigger="ON_SAVE",
                   conditions=[{"field": "account.nope", "operator": "equals", "value": "x"}],
                   actions=[{"kind": "update_fields", "fields": {"title": "Buyer"}}])
    wrong_action = save(acme_admin_api, module="contacts", name="Bad", trigger="ON_SAVE",
                        actions=[{"kind": "update_fields", "fields": {"colour": "red"}}])
    accepted = save(acme_admin_api, module="contacts", name="Retail buyers", trigger="ON_CONDITION",
                    conditions=[{"field": "account.industry", "operator": "equals", "value": "Retail"}],
                    actions=[{"kind": "update_fields", "target": "account", "fields": {"website": "https://r.example"}}])
    # then
    assert messages(refused) == {"conditions.0.field": "field_unknown"}
    assert messages(wrong_action) == {"actions.0.fields.colour": "field_unknown"}
    assert accepted["__typename"] == "Workflow"
    connection.set_schema("acme")
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Retail buyers"]


def test_condition_on_a_linked_record_updates_the_parent_record(acme, acme_admin, jobs,
                                                                django_capture_on_commit_callbacks):
    # given
    connection.set_schema("acme")
    services.workflow_save(actor=acme_admin, module="contacts", name="Retail buyers", trigger=Trigger.ON_CREATE,
                           conditions=[{"field": "account.industry", "operator": "equals", "value": "Retail"}],
                           actions=[{"kind": "update_fields", "target": "account",
                                     "fields": {"website": "https://retail.example"}}])
    retail = crm.account_create(actor=acme_admin, fields={"name": "Retail Co", "industry": "Retail"})
    other = crm.account_create(actor=acme_admin, fields={"name": "Bank Co", "industry": "Banking"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        crm.contact_create(actor=acme_admin, fields={"last_name": "Doe", "account": retail})
        crm.contact_create(actor=acme_admin, fields={"last_name": "Roe", "account": other})
    jobs()
    # then
    connection.set_schema("acme")
    assert dict(Account.objects.values_list("name", "website")) == {"Retail Co": "https://retail.example",
                                                                   "Bank Co": ""}
    assert Contact.objects.count() == 2


class Receiver(BaseHTTPRequestHandler):
    """Answers 500 to the first call, then 200; keeps what it received."""

    calls: list[tuple[bytes, str]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.calls.append((body, self.headers["X-Signature-256"]))
        self.send_response(500 if len(Receiver.calls) == 1 else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_allowed(settings):
    """Webhooks may call 127.0.0.0/8 in this test (outbound connections refuse it otherwise)."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def receiver(loopback_allowed):
    Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_is_signed_and_retried_until_delivered(acme_admin_api, acme, acme_admin, receiver, jobs,
                                                       django_capture_on_commit_callbacks):
    # given
    saved = save(acme_admin_api, module="accounts", name="Tell the ERP", trigger="MANUAL",
                 actions=[{"kind": "webhook", "url": receiver}])
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "Hooked"})
    connection.set_schema_to_public()
    # when: run by hand; the first call answers 500, the retry 200
    with django_capture_on_commit_callbacks(execute=True):
        run = acme_admin_api.execute('mutation($id: ID!, $record: ID!) { workflowRun(id: $id, recordId: $record) '
                                     '{ ... on WorkflowRun { result } } }', {"id": saved["id"], "record": gid(account)})
    jobs()
    # then
    assert run["data"]["workflowRun"] == {"result": "SUCCEEDED"}
    assert len(Receiver.calls) == 2
    body, signature = Receiver.calls[-1]
    assert signature == "sha256=" + hmac.new(saved["secret"].encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)["record"]["name"] == "Hooked"
    deliveries = acme_admin_api.execute(WORKFLOWS, {"module": "accounts"})["data"]["workflows"][0]["runs"][0][
        "deliveries"]
    assert deliveries == [{"status": "DELIVERED", "attempts": 2, "lastError": ""}]


def test_webhook_to_a_target_that_is_down_fails_visibly_after_its_retries(acme, acme_admin, jobs, loopback_allowed,
                                                                         django_capture_on_commit_callbacks):
    # given: nothing listens on that port
    connection.set_schema("acme")
    workflow = services.workflow_save(actor=acme_admin, module="accounts", name="Down", trigger=Trigger.ON_CREATE,
                                      actions=[{"kind": "webhook", "url": "http://127.0.0.1:9/hook"}])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        crm.account_create(actor=acme_admin, fields={"name": "Nobody home"})
    jobs()
    # then
    connection.set_schema("acme")
    delivery = WebhookDelivery.objects.get(run__workflow=workflow)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 5)
    assert delivery.last_error


def test_workflows_updating_each_other_stop_at_the_depth_guard(acme, acme_admin, jobs,
                                                               django_capture_on_commit_callbacks):
    # given: A → B and B → A, a loop
    connection.set_schema("acme")
    for name, when, then in (("to B", "A", "B"), ("to A", "B", "A")):
        services.workflow_save(actor=acme_admin, module="accounts", name=name, trigger=Trigger.ON_SAVE,
                               conditions=[{"field": "industry", "operator": "equals", "value": when}],
                               actions=[{"kind": "update_fields", "fields": {"industry": then}}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Pingpong"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        crm.account_update(actor=acme_admin, account=account, version=account.version, fields={"industry": "A"})
    jobs()
    # then: three runs, the fourth stopped and logged
    connection.set_schema("acme")
    runs = WorkflowRun.objects.order_by("depth")
    assert [(r.workflow.name, r.depth, r.result) for r in runs] == [
        ("to B", 0, RunResult.SUCCEEDED), ("to A", 1, RunResult.SUCCEEDED), ("to B", 2, RunResult.SUCCEEDED),
        ("to A", 3, RunResult.DEPTH_EXCEEDED)]
    assert Account.objects.get(pk=account.pk).industry == "B"


def test_a_scheduled_workflow_runs_each_slot_once(acme, acme_admin):
    # given: a daily workflow whose time has come
    connection.set_schema("acme")
    workflow = services.workflow_save(
        actor=acme_admin, module="accounts", name="Daily check", trigger=Trigger.SCHEDULE, schedule="0 7 * * *",
        conditions=[{"field": "created_at", "operator": "in_last_days", "value": 1}],
        actions=[{"kind": "create_activity", "subject": "Welcome call"}])
    assert workflow.next_run_at > timezone.now()
    account = crm.account_create(actor=acme_admin, fields={"name": "Fresh"})
    slot = timezone.now() - timedelta(minutes=5)
    Workflow.objects.filter(pk=workflow.pk).update(next_run_at=slot)
    # when: the planner starts twice, then a crash made the same slot due again
    first = services.scheduled_workflows_run()
    call_command("run_scheduled_workflows", schema="acme", stdout=open("/dev/null", "w"))  # noqa: SIM115
    connection.set_schema("acme")
    Workflow.objects.filter(pk=workflow.pk).update(next_run_at=slot)
    again = services.scheduled_workflows_run()
    # then
    assert [run.ref_id for run in first] == [account.ref_id]
    assert again == []
    assert list(Activity.objects.filter(refs=account.ref_id).values_list("subject", flat=True)) == ["Welcome call"]
    assert Workflow.objects.get(pk=workflow.pk).next_run_at > timezone.now()


def test_a_schedule_must_be_a_cron_expression(acme_admin_api):
    refused = save(acme_admin_api, module="accounts", name="Never", trigger="SCHEDULE", schedule="every day",
                   actions=[{"kind": "create_activity", "subject": "x"}])
    assert messages(refused) == {"schedule": "schedule_invalid"}


RUN = """mutation($id: ID!, $record: ID!) { workflowRun(id: $id, recordId: $record) {
  ... on WorkflowRun { result error errorCode deliveries { status } } } }"""


def test_a_webhook_to_a_local_private_or_reserved_address_is_refused_on_save_and_nothing_is_written(
        acme_admin_api, acme, acme_admin, dns):
    # given
    dns["erp.internal.example.com"] = ["10.0.0.8"]
    dns["erp6.internal.example.com"] = ["fd12:3456::8"]
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/latest/meta-data/", "https://[::1]/hook",
                "http://[::ffff:192.168.1.1]/", "https://erp.internal.example.com/hook",
                "http://erp6.internal.example.com:8080/hook"):
        # when
        saved = save(acme_admin_api, module="accounts", name="Leak", trigger="MANUAL",
                     actions=[{"kind": "update_fields", "fields": {"industry": "Retail"}},
                              {"kind": "webhook", "url": url}])
        # then
        assert messages(saved) == {"actions.1.url": "address_not_allowed"}, url
    connection.set_schema("acme")
    assert not Workflow.objects.exists()


def test_a_webhook_whose_name_now_resolves_to_a_refused_address_fails_the_run_without_a_request(
        acme_admin_api, acme, acme_admin, dns, connects, jobs, django_capture_on_commit_callbacks):
    # given: saved while the name resolved to a public address; it resolves to the metadata service now
    dns["erp.example.com"] = ["93.184.215.14"]
    saved = save(acme_admin_api, module="accounts", name="Tell the ERP", trigger="MANUAL",
                 actions=[{"kind": "update_fields", "fields": {"industry": "Retail"}},
                          {"kind": "webhook", "url": "https://erp.example.com/hook"}])
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "Rebound"})
    connection.set_schema_to_public()
    dns["erp.example.com"] = ["169.254.169.254"]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = acme_admin_api.execute(RUN, {"id": saved["id"], "record": gid(account)})["data"]["workflowRun"]
    jobs()
    # then: the run failed with the code, its other action undone, no delivery, no connection
    assert (run["result"], run["errorCode"], run["deliveries"]) == ("FAILED", "address_not_allowed", [])
    assert run["error"]
    connection.set_schema("acme")
    assert WorkflowRun.objects.get().error_code == "address_not_allowed"
    assert not WebhookDelivery.objects.exists()
    assert Account.objects.get(pk=account.pk).industry != "Retail"
    assert connects == []


def test_a_delivery_whose_name_resolves_to_a_refused_address_when_sent_fails_at_once_without_a_request(
        acme_admin_api, acme, acme_admin, dns, connects, jobs, django_capture_on_commit_callbacks):
    # given: a run that queued its delivery while the name resolved to a public address
    dns["erp.example.com"] = ["93.184.215.14"]
    saved = save(acme_admin_api, module="accounts", name="Tell the ERP", trigger="MANUAL",
                 actions=[{"kind": "webhook", "url": "https://erp.example.com/hook"}])
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "Rebound"})
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        run = acme_admin_api.execute(RUN, {"id": saved["id"], "record": gid(account)})["data"]["workflowRun"]
    assert run["result"] == "SUCCEEDED"
    # when: the name resolves to a private address by the time the job sends
    dns["erp.example.com"] = ["10.0.0.8"]
    jobs()
    # then: failed on the first attempt (no retry), coded, nothing sent
    deliveries = acme_admin_api.execute(
        """query($module: String!) { workflows(module: $module) { runs { deliveries {
             status attempts errorCode lastError } } } }""", {"module": "accounts"})["data"]["workflows"][0][
        "runs"][0]["deliveries"]
    assert [(d["status"], d["attempts"], d["errorCode"]) for d in deliveries] == [
        ("FAILED", 1, "address_not_allowed")]
    assert deliveries[0]["lastError"]
    assert connects == []
