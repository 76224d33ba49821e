"""Reads of the event log (admins only, checked by the API's permission)."""

import datetime as dt

from django.db.models import QuerySet

from saas.audit.enums import RunStatus
from saas.audit.models import Event, ScheduledRun


def event_list(*, kind: str | None = None, actor_id=None, since: dt.datetime | None = None,
               until: dt.datetime | None = None) -> QuerySet[Event]:
    """The tenant's events, newest first, of one kind, one actor, from `since` (included) to `until` (excluded)."""
    events = Event.objects.select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-at", "-id")


def scheduled_run_last(*, jobs: list[str]) -> dict[str, ScheduledRun]:
    """The latest run of each of these planned jobs."""
    return {run.job: run for run in ScheduledRun.objects.filter(job__in=jobs).order_by("job", "-slot").distinct("job")}


def scheduled_run_last_errors(*, jobs: list[str]) -> dict[str, str]:
    """The error of the latest failed run of each of these planned jobs."""
    return dict(ScheduledRun.objects.filter(job__in=jobs, status=RunStatus.FAILED).order_by("job", "-slot")
                .distinct("job").values_list("job", "error"))
