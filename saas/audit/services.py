"""Writes of the event log. Each event joins the caller's transaction: a refused change leaves no event."""

import contextlib
import contextvars
import datetime as dt

from django.db import connection
from django.db.models import Model
from django_tenants.utils import get_public_schema_name

from saas.audit.enums import EventKind
from saas.audit.models import Event, ScheduledRun

PURGE_BATCH = 5000

# The address of the request being served, set once per GraphQL operation, so that services deep below
# need no extra argument to say where a change came from.
_address = contextvars.ContextVar("audit_address", default=None)


@contextlib.contextmanager
def request_address(address: str | None):
    """Events recorded inside carry this client address unless told otherwise."""
    token = _address.set(address)
    try:
        yield
    finally:
        _address.reset(token)


def event_record(*, kind: EventKind | str, actor=None, summary: str, target=None, object_type: str = "",
                 object_id="", object_label: str = "", address: str | None = None,
                 details: dict | None = None) -> Event | None:
    """Log one event in the current tenant; `target` (a model instance) names the object unless told otherwise.
    Nothing is logged on the public host, which has no tenant log."""
    if connection.schema_name == get_public_schema_name():
        return None
    if target is not None:
        object_type = object_type or target._meta.model_name
        object_id = object_id or target.pk
        object_label = object_label or str(target)
    return Event.objects.create(
        kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None, summary=summary[:300],
        object_type=object_type, object_id="" if object_id is None else str(object_id),
        object_label=(object_label or "")[:200], address=address or _address.get() or None,
        details=details or {})


def settings_change_record(*, actor, summary: str, target=None, details: dict | None = None, **names) -> Event | None:
    """Log a change of the tenant's settings (rights, teams, members, workflows…)."""
    return event_record(kind=EventKind.SETTINGS_CHANGE, actor=actor, summary=summary, target=target,
                        details=details, **names)


def _purge(model: type[Model], field: str, before: dt.datetime, batch: int) -> int:
    deleted = 0
    while True:
        # By batches of ids: one statement per batch, never a table-wide DELETE holding every row it removes.
        ids = list(model.objects.filter(**{f"{field}__lt": before}).order_by(field, "pk").values_list("pk", flat=True)[
            :batch])
        if not ids:
            return deleted
        deleted += model.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < batch:
            return deleted


def event_log_purge(*, before: dt.datetime, batch: int | None = None) -> int:
    """Delete the events logged before `before`, `batch` (PURGE_BATCH) rows a statement; answers how many."""
    return _purge(Event, "at", before, batch or PURGE_BATCH)


def scheduled_runs_purge(*, before: dt.datetime, batch: int | None = None) -> int:
    """Delete the records of planned-job ticks older than `before`, `batch` (PURGE_BATCH) rows a statement;
    answers how many."""
    return _purge(ScheduledRun, "slot", before, batch or PURGE_BATCH)
