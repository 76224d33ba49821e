"""The planner: every scheduled job listed for admins, each tick run once per tenant however often it starts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate import testing
from procrastinate.contrib.django import app

from saas.audit.models import ScheduledRun
from saas.crm import services as crm
from saas.records.models import Activity
from saas.sales import orders, recurring, services
from saas.sales import tasks as sales_tasks
from saas.sales.models import Invoice
from saas.workflows import services as workflows
from saas.workflows.enums import Trigger
from saas.workflows.models import Workflow
from saas.workflows.tasks import run_scheduled_workflows
from tests.access.conftest import staff

JOBS = "{ scheduledJobs { key name kind module schedule lastRun nextRun status lastError } }"


@pytest.fixture
def worker(monkeypatch):
    """Periodic ticks and the jobs they queue, run in this thread and this test's transaction (the worker would
    use another connection, blind to it)."""
    monkeypatch.setattr("saas.core.tasks.close_old_connections", lambda: None)
    connector = testing.InMemoryConnector()

    def work():
        while todo := [job for job in connector.jobs.values() if job["status"] == "todo"]:
            for job in todo:
                job["status"] = "doing"
                app.tasks[job["task_name"]](**job["args"])
                job["status"] = "succeeded"
        connection.set_schema_to_public()

    with app.replace_connector(connector):
        yield work


def tick_of(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def jobs_by_key(api) -> dict[str, dict]:
    result = api.execute(JOBS)
    assert "errors" not in result, result
    return {job["key"]: job for job in result["data"]["scheduledJobs"]}


def test_the_same_workflow_tick_started_twice_creates_once(acme, acme_admin, worker):
    # given: a daily workflow due a minute before the tick
    connection.set_schema("acme")
    workflow = workflows.workflow_save(
        actor=acme_admin, module="accounts", name="Morning call", trigger=Trigger.SCHEDULE, schedule="0 7 * * *",
        actions=[{"kind": "create_activity", "subject": "Morning call"}])
    account = crm.account_create(actor=acme_admin, fields={"name": "Early bird"})
    tick = timezone.now().replace(second=0, microsecond=0)
    Workflow.objects.filter(pk=workflow.pk).update(next_run_at=tick - dt.timedelta(minutes=1))
    connection.set_schema_to_public()
    # when: the periodic deferrer starts the same tick twice, each time run by a worker
    run_scheduled_workflows(timestamp=tick_of(tick))
    worker()
    run_scheduled_workflows(timestamp=tick_of(tick))
    worker()
    # then
    connection.set_schema("acme")
    assert list(Activity.objects.filter(refs=account.ref_id).values_list("subject", flat=True)) == ["Morning call"]
    assert Workflow.objects.get(pk=workflow.pk).next_run_at > tick


def test_a_waiting_tenant_job_is_not_queued_twice(acme, worker):
    # given: the tick of a minute whose tenant job has not run yet
    run_scheduled_workflows(timestamp=tick_of(timezone.now()))
    # when: the next minute comes before a worker took it
    run_scheduled_workflows(timestamp=tick_of(timezone.now() + dt.timedelta(minutes=1)))
    # then: one job per tenant waits (its queueing lock)
    queued = [job["args"]["schema_name"] for job in app.connector.jobs.values()
              if job["task_name"] == "saas.workflows.tasks.scheduled_workflows_due"]
    assert sorted(queued) == sorted(set(queued)) and "acme" in queued


@pytest.fixture
def subscription(customer, acme_admin):
    connection.set_schema("acme")
    order = orders.order_create(actor=acme_admin, account=customer["account"])
    order = services.document_line_add(actor=acme_admin, document=order, description="Hosting", quantity=Decimal("1"),
                                       unit_price=Decimal("100"), vat_rate=Decimal("20"))
    order = orders.order_confirm(actor=acme_admin, order=order)
    order = recurring.order_schedule_set(actor=acme_admin, order=order, frequency="monthly",
                                         start=timezone.localdate())
    connection.set_schema_to_public()
    return order


def test_the_same_sales_tick_started_twice_invoices_once(subscription, worker, monkeypatch, acme_admin_api):
    # given: the morning tick; the upkeep counted each time it really runs
    calls = []
    real = sales_tasks.subscription_invoice_due
    monkeypatch.setattr(sales_tasks, "subscription_invoice_due", lambda **kw: calls.append(kw) or real(**kw))
    tick = timezone.now().replace(second=0, microsecond=0)
    # when: started twice (a double deferral, a retry after a crash)
    sales_tasks.sales_upkeep_everywhere(timestamp=tick_of(tick))
    worker()
    sales_tasks.sales_upkeep(schema_name="acme", timestamp=tick_of(tick))
    connection.set_schema_to_public()
    # then: one invoice, one run recorded, and the planner shows it
    connection.set_schema("acme")
    invoices = list(Invoice.objects.filter(order=subscription).values_list("pk", flat=True))
    runs = list(ScheduledRun.objects.values_list("job", "status", "result"))
    connection.set_schema_to_public()
    assert len(invoices) == 1
    assert runs == [("sales_upkeep", "succeeded", {"invoices": invoices, "quotes_expired": 0})]
    assert len([call for call in calls if call]) == 2  # acme and globex, each once
    upkeep = jobs_by_key(acme_admin_api)["sales_upkeep"]
    assert upkeep["status"] == "SUCCEEDED" and upkeep["lastRun"] is not None and upkeep["schedule"] == "0 6 * * *"
    assert upkeep["nextRun"] > upkeep["lastRun"] and upkeep["kind"] == "JOB"


def test_a_failed_tick_is_shown_with_its_error_undone_and_may_run_again(subscription, worker, monkeypatch,
                                                                        acme_admin_api):
    # given: an upkeep that fails after writing an invoice
    real = sales_tasks.subscription_invoice_due

    def failing(**kwargs):
        real(**kwargs)
        raise RuntimeError("SMTP server unreachable")

    monkeypatch.setattr(sales_tasks, "subscription_invoice_due", failing)
    tick = tick_of(timezone.now())
    # when
    sales_tasks.sales_upkeep(schema_name="acme", timestamp=tick)
    # then: the failure is recorded, its invoice undone
    connection.set_schema("acme")
    assert not Invoice.objects.filter(order=subscription).exists()
    connection.set_schema_to_public()
    upkeep = jobs_by_key(acme_admin_api)["sales_upkeep"]
    assert (upkeep["status"], upkeep["lastError"]) == ("FAILED", "SMTP server unreachable")
    # when: the same tick runs again, now fine
    monkeypatch.setattr(sales_tasks, "subscription_invoice_due", real)
    sales_tasks.sales_upkeep(schema_name="acme", timestamp=tick)
    # then
    connection.set_schema("acme")
    assert Invoice.objects.filter(order=subscription).count() == 1
    assert list(ScheduledRun.objects.values_list("status", flat=True)) == ["succeeded"]
    connection.set_schema_to_public()
    upkeep = jobs_by_key(acme_admin_api)["sales_upkeep"]
    assert (upkeep["status"], upkeep["lastError"]) == ("SUCCEEDED", "")  # the tick's row now tells its success


def test_the_planner_lists_scheduled_workflows_for_admins_only(acme, acme_admin, acme_admin_api):
    # given: an active and a paused scheduled workflow, and one that is not scheduled
    call = [{"kind": "create_activity", "subject": "Call"}]
    connection.set_schema("acme")
    daily = workflows.workflow_save(actor=acme_admin, module="accounts", name="Daily", trigger=Trigger.SCHEDULE,
                                    schedule="30 8 * * *", actions=call)
    weekly = workflows.workflow_save(actor=acme_admin, module="contacts", name="Weekly", trigger=Trigger.SCHEDULE,
                            schedule="0 9 * * 1", actions=call,
                                     active=False)
    workflows.workflow_save(actor=acme_admin, module="accounts", name="On create", trigger=Trigger.ON_CREATE,
                            actions=call)
    connection.set_schema_to_public()
    # when
    jobs = jobs_by_key(acme_admin_api)
    # then
    assert {key: (job["name"], job["module"], job["schedule"], job["status"]) for key, job in jobs.items()
            if job["kind"] == "WORKFLOW"} == {
        f"workflow:{daily.pk}": ("Daily", "accounts", "30 8 * * *", "SCHEDULED"),
        f"workflow:{weekly.pk}": ("Weekly", "contacts", "0 9 * * 1", "PAUSED")}
    assert jobs[f"workflow:{daily.pk}"]["nextRun"] is not None and jobs[f"workflow:{weekly.pk}"]["nextRun"] is None
    assert jobs["sales_upkeep"]["status"] == "SCHEDULED"
    _seller, seller_api = staff("planner@acme.example.com", "Sales")
    assert seller_api.execute(JOBS)["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_old_events_and_runs_are_purged_by_batches_once_per_tick(acme, worker, settings, acme_admin_api):
    from saas.audit.models import Event
    from saas.audit.services import event_log_purge
    from saas.workflows import tasks as workflow_tasks

    # given: events and runs on both sides of their retention periods
    settings.EVENT_RETENTION_DAYS, settings.SCHEDULED_RUN_RETENTION_DAYS = 30, 10
    now = timezone.now()
    connection.set_schema("acme")
    Event.objects.all().delete()
    for days in (1, 29, 31, 45, 400):
        Event.objects.create(kind="export", summary=f"{days} days ago", at=now - dt.timedelta(days=days))
    for days in (5, 11, 20):
        ScheduledRun.objects.create(job="sales_upkeep", slot=now - dt.timedelta(days=days), status="succeeded")
    # the service works by batches: two rows a statement here
    assert event_log_purge(before=now - dt.timedelta(days=300), batch=2) == 1
    connection.set_schema_to_public()
    # when: the nightly tick, started twice
    tick = tick_of(now)
    workflow_tasks.log_retention_everywhere(timestamp=tick)
    worker()
    workflow_tasks.log_retention(schema_name="acme", timestamp=tick)
    # then
    connection.set_schema("acme")
    kept = sorted(Event.objects.values_list("summary", flat=True))
    runs = sorted(ScheduledRun.objects.values_list("job", "result"))
    connection.set_schema_to_public()
    assert kept == ["1 days ago", "29 days ago"]
    assert runs == [("log_retention", {"events": 2, "scheduled_runs": 2}), ("sales_upkeep", {})]
    assert jobs_by_key(acme_admin_api)["log_retention"]["status"] == "SUCCEEDED"
