"""Jobs of the workflows: evaluate a saved record, run the due scheduled workflows."""

from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from saas.audit.planner import tick_time
from saas.core.tasks import tenant_task
from saas.records import registry
from saas.workflows.enums import Trigger
from saas.workflows.hooks import ON_CREATE, ON_UPDATE
from saas.workflows.models import Workflow
from saas.workflows.services import scheduled_workflows_run, workflow_run


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
