"""Jobs of the workflows: evaluate a saved record, run the due scheduled workflows; the planner's own upkeep
(retention of the event log and of the planned jobs' runs)."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from saas.audit.planner import planned_job_register, scheduled_run, tick_time
from saas.audit.services import event_log_purge, scheduled_runs_purge
from saas.core.tasks import tenant_task
from saas.records import registry
from saas.workflows.enums import Trigger
from saas.workflows.hooks import ON_CREATE, ON_UPDATE
from saas.workflows.models import Workflow
from saas.workflows.services import scheduled_workflows_run, workflow_run
from tenants.tasks import defer_in_every_active_tenant


@tenant_task()
def record_evaluate(*, module: str, record_id: int, depth: int, created: bool, changes: dict,
                    comment: bool = False) -> None:
    """Run the module's workflows that this save (or comment) triggers, on the record as committed."""
    _evaluate(module=module, record_ids=[record_id], depth=depth, created=created, changes=changes, comment=comment)


@tenant_task()
def records_evaluate(*, module: str, record_ids: list[int], depth: int) -> None:
    """`record_evaluate` for a batch of records created together (an import's), in one job."""
    _evaluate(module=module, record_ids=record_ids, depth=depth, created=True, changes={})


def _evaluate(*, module: str, record_ids: list[int], depth: int, created: bool, changes: dict,
              comment: bool = False) -> None:
    triggers = (Trigger.ON_COMMENT,) if comment else ON_CREATE if created else ON_UPDATE
    workflows = list(Workflow.objects.filter(module=module, active=True, trigger__in=triggers)
                     .select_related("updated_by"))
    records = registry.get(module).model._base_manager.filter(pk__in=record_ids, deleted_at__isnull=True)
    for record in records.order_by("pk") if workflows else ():
        for workflow in workflows:
            workflow_run(workflow=workflow, record=record, trigger=workflow.trigger, changes=changes,
                         created=created, depth=depth)


@tenant_task()
def scheduled_workflows_due(*, timestamp: int | None = None) -> None:
    """Run this tenant's workflows due at the tick (idempotent: see `scheduled_workflows_run`)."""
    scheduled_workflows_run(now=tick_time(timestamp) if timestamp is not None else None)


@app.periodic(cron="* * * * *", periodic_id="workflows")
@app.task(name="saas.workflows.tasks.run_scheduled_workflows", queueing_lock="run_scheduled_workflows")
def run_scheduled_workflows(timestamp: int) -> None:
    """Every minute, one job per tenant for the workflows due at this tick. A tenant whose previous job still
    waits in the queue gets no second one (its queueing lock): that job will find the newly due workflows too."""
    from tenants.selectors import tenant_schema_names

    for schema_name in tenant_schema_names():
        try:
            scheduled_workflows_due.configure(queueing_lock=f"scheduled_workflows_due:{schema_name}").defer(
                schema_name=schema_name, timestamp=timestamp)
        except AlreadyEnqueued:
            continue


LOG_RETENTION = "log_retention"
LOG_RETENTION_CRON = "15 3 * * *"


@tenant_task()
def log_retention(*, timestamp: int) -> None:
    """Purge the events older than EVENT_RETENTION_DAYS and the planned jobs' runs older than
    SCHEDULED_RUN_RETENTION_DAYS (counted from the tick), once per tick (see `scheduled_run`)."""
    slot = tick_time(timestamp)
    with scheduled_run(job=LOG_RETENTION, slot=slot) as run:
        if run is None:
            return
        run.result = {
            "events": event_log_purge(before=slot - dt.timedelta(days=settings.EVENT_RETENTION_DAYS)),
            "scheduled_runs": scheduled_runs_purge(
                before=slot - dt.timedelta(days=settings.SCHEDULED_RUN_RETENTION_DAYS))}


@app.periodic(cron=LOG_RETENTION_CRON, periodic_id=LOG_RETENTION)
@app.task(name="saas.workflows.tasks.log_retention_everywhere", queueing_lock="log_retention_everywhere")
def log_retention_everywhere(timestamp: int) -> None:
    """Each night, one retention job per active tenant, all for the same tick."""
    defer_in_every_active_tenant(log_retention, timestamp=timestamp)


planned_job_register(key=LOG_RETENTION, label=_("Purge of old event log entries and job runs"),
                     periodic_task=log_retention_everywhere.name, tenant_task=log_retention.name)
