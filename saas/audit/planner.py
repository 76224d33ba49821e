"""Planned jobs: work the planner runs in every tenant on a cron schedule (recurring invoices, reminders…).

Each job registers here with a label for the admins' planner page; each tick runs inside `scheduled_run`, which
records it (status, error, result) under the tick's time: the key that makes a tick run once per tenant.
"""

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from saas.audit.enums import RunStatus
from saas.audit.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedJob:
    key: str
    label: str
    # The procrastinate task that defers the job in every tenant on its cron schedule.
    periodic_task: str
    # The task that runs it in one tenant (its jobs carry the tenant's schema name).
    tenant_task: str


_jobs: dict[str, PlannedJob] = {}


def planned_job_register(*, key: str, label, periodic_task: str, tenant_task: str) -> None:
    """Make a job known to the planner page (called once, at import of the app's tasks)."""
    _jobs[key] = PlannedJob(key=key, label=label, periodic_task=periodic_task, tenant_task=tenant_task)


def planned_jobs() -> list[PlannedJob]:
    return list(_jobs.values())


def tick_time(timestamp: int) -> dt.datetime:
    """The time of a procrastinate periodic tick (its `timestamp` argument)."""
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


@contextlib.contextmanager
def scheduled_run(*, job: str, slot: dt.datetime):
    """Run the body once for this job and tick: yields the run to fill `result` in, or None when the tick ran
    already (or is running elsewhere). A failure is recorded with its error and the body's writes undone; it is
    not raised, so the next tick (which catches up) is the retry, and a failed tick may be run again."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run, created = ScheduledRun.objects.get_or_create(job=job, slot=slot)
        except IntegrityError:  # the same tick, started elsewhere meanwhile, committed first
            yield None
            return
        run = ScheduledRun.objects.select_for_update().get(pk=run.pk)
        if not created and run.status != RunStatus.FAILED:
            yield None
            return
        run.status, run.error, run.started_at = RunStatus.RUNNING, "", timezone.now()
        try:
            with transaction.atomic():
                yield run
        except Exception as error:  # noqa: BLE001  (any failure is the tick's result, shown on the planner page)
            logger.exception("planned job %s failed for %s", job, slot)
            run.status, run.error, run.result = RunStatus.FAILED, str(error) or type(error).__name__, {}
        else:
            run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
