"""The event log: who did what sensitive thing, when and from where (logins, API token uses, imports, exports,
workflow runs, settings changes), read by the tenant's admins."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from saas.audit.enums import EventKind, RunStatus


class Event(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # The identity lives in the public schema; it is never deleted (deactivated instead), and a log row must
    # survive whatever happens to it.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    summary = models.CharField(max_length=300)
    # What the event is about, named without a foreign key: the log outlives the object (a deleted role, an
    # undone import) and may point at any app's rows.
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="audit_event_newest"),
                   models.Index(fields=["kind", "-at"], name="audit_event_kind_newest"),
                   models.Index(fields=["actor", "-at"], name="audit_event_actor_newest")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.summary}"


class ScheduledRun(models.Model):
    """One tick of a planned job in this tenant: the tick's time is the job's idempotency key, so a second start
    of the same tick (a double deferral, a retry after a crash) finds its row and does nothing twice."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-slot", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot}: {self.status}"
