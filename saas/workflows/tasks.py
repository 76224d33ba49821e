"""Jobs of the workflows: evaluate a saved record, run the due scheduled workflows."""

from procrastinate.contrib.django import app

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
    record = registry.get(module).model._base_manager.filter(pk=record_id, deleted_at__isnull=True).first()
    if record is None:
        return
    triggers = (Trigger.ON_COMMENT,) if comment else ON_CREATE if created else ON_UPDATE
    workflows = Workflow.objects.filter(module=module, active=True, trigger__in=triggers).select_related("updated_by")
    for workflow in workflows:
        workflow_run(workflow=workflow, record=record, trigger=workflow.trigger, changes=changes,
                     created=created, depth=depth)


@tenant_task()
def scheduled_workflows_due() -> None:
    """Run this tenant's due scheduled workflows (idempotent: see `scheduled_workflows_run`)."""
    scheduled_workflows_run()


@app.periodic(cron="* * * * *", periodic_id="workflows")
@app.task(name="saas.workflows.tasks.run_scheduled_workflows", queueing_lock="run_scheduled_workflows")
def run_scheduled_workflows(timestamp: int) -> None:
    """Every minute, one job per tenant for its due scheduled workflows."""
    from tenants.selectors import tenant_schema_names

    for schema_name in tenant_schema_names():
        scheduled_workflows_due.defer(schema_name=schema_name)
