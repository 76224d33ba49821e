"""The planner as admins see it: every scheduled job of this tenant — its scheduled workflows and the planned
jobs the apps register (`saas.audit.planner`) — with its schedule, last and next run, status and last error."""

import datetime as dt
from dataclasses import dataclass

from croniter import croniter
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from saas.audit.enums import RunStatus
from saas.audit.planner import planned_jobs
from saas.audit.selectors import scheduled_run_last, scheduled_run_last_errors
from saas.workflows.enums import RunResult, Trigger
from saas.workflows.models import Workflow, WorkflowRun

# Statuses beyond a run's own: not run yet, waiting in the queue, switched off.
SCHEDULED, QUEUED, PAUSED = "scheduled", "queued", "paused"


@dataclass(frozen=True)
class ScheduledJob:
    key: str  # `workflow:<id>` or the planned job's key
    name: str
    kind: str  # workflow | job
    module: str  # a workflow's module; empty for a job
    schedule: str  # a cron expression
    last_run: dt.datetime | None
    next_run: dt.datetime | None
    status: str  # scheduled | queued | running | succeeded | failed | paused
    last_error: str


def scheduled_job_list(*, now: dt.datetime | None = None) -> list[ScheduledJob]:
    """Every scheduled job of this tenant: planned jobs first, then scheduled workflows by module and name."""
    now = now or timezone.now()
    return _planned(now) + _workflows()


def _planned(now: dt.datetime) -> list[ScheduledJob]:
    jobs = planned_jobs()
    crons = {periodic.task.name: periodic.cron for periodic in app.periodic_registry.periodic_tasks.values()}
    last = scheduled_run_last(jobs=[job.key for job in jobs])
    errors = scheduled_run_last_errors(jobs=[job.key for job in jobs])
    waiting: dict[str, set[str]] = {}
    for task_name, status in ProcrastinateJob.objects.filter(
            task_name__in=[job.tenant_task for job in jobs], args__schema_name=connection.schema_name,
            status__in=("todo", "doing")).values_list("task_name", "status"):
        waiting.setdefault(task_name, set()).add(status)
    found = []
    for job in jobs:
        cron = crons.get(job.periodic_task, "")
        run = last.get(job.key)
        queue = waiting.get(job.tenant_task, set())
        status = RunStatus.RUNNING if "doing" in queue else QUEUED if queue else (
            run.status if run is not None else SCHEDULED)
        found.append(ScheduledJob(
            key=job.key, name=str(job.label), kind="job", module="", schedule=cron,
            last_run=run.started_at if run is not None else None,
            # procrastinate reads its cron expressions in UTC.
            next_run=croniter(cron, now.astimezone(dt.UTC)).get_next(dt.datetime) if cron else None,
            status=str(status), last_error=errors.get(job.key, "")))
    return found


def _workflows() -> list[ScheduledJob]:
    runs = WorkflowRun.objects.filter(workflow=OuterRef("pk"), trigger=Trigger.SCHEDULE).order_by("-created_at", "-id")
    failed = runs.filter(result__in=(RunResult.FAILED, RunResult.DEPTH_EXCEEDED))
    workflows = Workflow.objects.filter(trigger=Trigger.SCHEDULE).annotate(
        last_run=Subquery(runs.values("created_at")[:1]), last_result=Subquery(runs.values("result")[:1]),
        last_error=Subquery(failed.values("error")[:1]), last_failed_result=Subquery(failed.values("result")[:1]),
    ).order_by("module", "name", "id")
    found = []
    for workflow in workflows:
        if not workflow.active:
            status = PAUSED
        elif workflow.last_result is None:
            status = SCHEDULED
        else:
            status = RunStatus.SUCCEEDED if workflow.last_result == RunResult.SUCCEEDED else RunStatus.FAILED
        error = workflow.last_error or ""
        if workflow.last_failed_result == RunResult.DEPTH_EXCEEDED and not error:
            error = str(RunResult.DEPTH_EXCEEDED.label)
        found.append(ScheduledJob(
            key=f"workflow:{workflow.pk}", name=workflow.name, kind="workflow", module=workflow.module,
            schedule=workflow.schedule,
            last_run=workflow.last_run, next_run=workflow.next_run_at if workflow.active else None,
            status=str(status), last_error=error))
    return found
