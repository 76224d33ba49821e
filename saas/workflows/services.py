"""Workflows: saved by admins (checked against the module's fields), run on a record, logged run by run.

A run's changes go through the record engine's services as the workflow's author, inside a history context
with source `workflow`. Saves a run makes trigger workflows again one level deeper; at MAX_DEPTH the chain
stops and the stop is logged, so two workflows updating each other cannot loop.
"""

import contextlib
import contextvars
import datetime as dt
import logging

import pghistory
from croniter import croniter
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.enums import Action
from saas.audit.enums import EventKind
from saas.audit.services import event_record, settings_change_record
from saas.records import registry
from saas.records.enums import RecordSource
from saas.workflows import error_codes
from saas.workflows.actions import action_do, actions_clean
from saas.workflows.conditions import conditions_clean, conditions_hold
from saas.workflows.enums import Match, RunResult, Trigger
from saas.workflows.models import Workflow, WorkflowRun

logger = logging.getLogger(__name__)
MAX_DEPTH = 3
# The depth of the run whose actions are being done in this thread (0: a person's own save).
_depth = contextvars.ContextVar("workflow_depth", default=0)


def current_depth() -> int:
    return _depth.get()


@contextlib.contextmanager
def _running(depth: int):
    token = _depth.set(depth + 1)
    try:
        yield
    finally:
        _depth.reset(token)


def schedule_next(schedule: str, after: dt.datetime) -> dt.datetime:
    """The first time the cron expression names after `after` (in the project's time zone)."""
    return croniter(schedule, timezone.localtime(after)).get_next(dt.datetime)


def workflow_save(*, actor, workflow: Workflow | None = None, module: str, name: str, trigger: str,
                  match: str = Match.ALL, conditions: list | None = None, actions: list | None = None,
                  schedule: str = "", active: bool = True) -> Workflow:
    """Create or change a workflow; conditions and actions naming unknown fields are refused (`field_unknown`)."""
    record_type = registry.get(module)
    if record_type is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.MODULE_UNKNOWN)})
    if trigger not in Trigger.values:
        raise ValidationError({"trigger": ValidationError(_("Unknown trigger."), code=error_codes.TRIGGER_INVALID)})
    schedule = (schedule or "").strip()
    if trigger == Trigger.SCHEDULE and not croniter.is_valid(schedule):
        raise ValidationError({"schedule": ValidationError(
            _("A schedule is a cron expression, such as “0 7 * * 1” (Mondays at 7:00)."),
            code=error_codes.SCHEDULE_INVALID)})
    workflow = workflow or Workflow(created_by=actor)
    workflow.module, workflow.name, workflow.trigger, workflow.active = module, (name or "").strip(), trigger, active
    workflow.match = match
    workflow.conditions = conditions_clean(record_type.model, match, conditions or [])
    workflow.actions = actions_clean(record_type.model, actions or [])
    if trigger == Trigger.SCHEDULE:
        if schedule != workflow.schedule or workflow.next_run_at is None:
            workflow.next_run_at = schedule_next(schedule, timezone.now())
        workflow.schedule = schedule
    else:
        workflow.schedule, workflow.next_run_at = "", None
    created = workflow.pk is None
    workflow.updated_by, workflow.updated_at = actor, timezone.now()
    workflow.full_clean()
    workflow.save()
    settings_change_record(actor=actor, target=workflow, details={"module": module, "trigger": trigger},
                           summary=(_("Workflow “%(name)s” created") if created else _("Workflow “%(name)s” changed"))
                           % {"name": workflow.name})
    return workflow


def workflow_delete(*, actor, workflow: Workflow) -> None:
    """Delete a workflow with its run log."""
    settings_change_record(actor=actor, target=workflow, details={"module": workflow.module},
                           summary=_("Workflow “%(name)s” deleted") % {"name": workflow.name})
    workflow.delete()


def workflow_run(*, workflow: Workflow, record, trigger: str, changes: dict | None = None,
                 created: bool = False, depth: int = 0, slot: dt.datetime | None = None) -> WorkflowRun | None:
    """Run a workflow on a record if its trigger fires and its conditions hold; every try is logged.

    `changes` are the saved fields `{name: [old, new]}` (JSON values). None when a scheduled run of this slot
    exists already for the record (a second start of the planner does nothing twice).
    """
    changes = changes or {}
    holds = conditions_hold(match=workflow.match, conditions=workflow.conditions, record=record, changes=changes)
    if holds and trigger == Trigger.ON_CONDITION and not created:
        before = {name: values[0] for name, values in changes.items()}
        holds = not conditions_hold(match=workflow.match, conditions=workflow.conditions, record=record,
                                    changes=changes, before=before)
    if not holds:  # not logged: a workflow on every save would fill the log with non-events
        return None
    if depth >= MAX_DEPTH:
        return _logged(WorkflowRun.objects.create(workflow=workflow, ref_id=record.ref_id, trigger=trigger,
                                                  depth=depth, result=RunResult.DEPTH_EXCEEDED), record)
    try:
        with transaction.atomic():
            run = WorkflowRun.objects.create(workflow=workflow, ref_id=record.ref_id, trigger=trigger, depth=depth,
                                             slot=slot, result=RunResult.SUCCEEDED)
    except IntegrityError:
        return None
    actor = workflow.updated_by
    done = []
    try:
        with transaction.atomic(), _running(depth), pghistory.context(user=getattr(actor, "pk", None),
                                                                       source=RecordSource.WORKFLOW):
            for action in workflow.actions:
                done.append(action_do(actor=actor, run=run, action=action, record=record))
    except ValidationError as error:
        run.result, run.error, done = RunResult.FAILED, "; ".join(error.messages), []
        run.error_code = next((e.code for e in _errors(error) if e.code), "")
    except Exception as error:  # any failure of an action is the run's result, its changes undone, the log kept
        logger.exception("workflow %s failed on record %s", workflow.pk, record.pk)
        run.result, run.error, done = RunResult.FAILED, str(error) or type(error).__name__, []
    run.actions_done = done
    run.save(update_fields=["result", "error", "error_code", "actions_done"])
    return _logged(run, record)


def _errors(error: ValidationError) -> list[ValidationError]:
    """The single errors of a ValidationError, whether it is keyed by field or not."""
    if hasattr(error, "error_dict"):
        return [e for errors in error.error_dict.values() for e in errors]
    return error.error_list


def _logged(run: WorkflowRun, record) -> WorkflowRun:
    workflow = run.workflow
    event_record(kind=EventKind.WORKFLOW_RUN, actor=workflow.updated_by, target=workflow, summary=_(
        "Workflow “%(workflow)s” on %(record)s: %(result)s") % {
        "workflow": workflow.name, "record": record, "result": run.get_result_display()},
        details={"run": run.pk, "trigger": run.trigger, "result": run.result, "record": str(record),
                 "module": workflow.module, "error": run.error})
    return run


def workflow_run_manual(*, actor, workflow: Workflow, record) -> WorkflowRun:
    """Run a workflow now on one record the actor may change, whatever its trigger."""
    rights.require(actor, workflow.module, Action.EDIT)
    if registry.for_model(type(record)).key != workflow.module:
        raise ValidationError({"recordId": ValidationError(_("This record is not of the workflow's module."),
                                                           code=error_codes.NOT_FOUND)})
    return workflow_run(workflow=workflow, record=record, trigger=Trigger.MANUAL, depth=current_depth())


def scheduled_workflows_run(*, now: dt.datetime | None = None) -> list[WorkflowRun]:
    """Run the due scheduled workflows on every record of their module whose conditions hold.

    Each workflow is locked (skipped if another planner holds it) and moved to its next time in the same
    transaction as its runs; a run is unique per workflow, record and slot: a crash or a double start never
    runs a slot twice.
    """
    now = now or timezone.now()
    runs = []
    due = Workflow.objects.filter(active=True, trigger=Trigger.SCHEDULE, next_run_at__lte=now)
    for workflow_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            workflow = Workflow.objects.select_for_update(skip_locked=True).filter(
                pk=workflow_id, next_run_at__lte=now).first()
            if workflow is None:
                continue
            slot = workflow.next_run_at
            workflow.next_run_at = schedule_next(workflow.schedule, now)
            workflow.save(update_fields=["next_run_at"])
            model = registry.get(workflow.module).model
            for record in model._base_manager.filter(deleted_at__isnull=True).order_by("pk").iterator():
                run = workflow_run(workflow=workflow, record=record, trigger=Trigger.SCHEDULE, slot=slot)
                if run is not None:
                    runs.append(run)
    return runs
