"""Workflows: per module, a trigger, conditions and actions, and the log of every run and webhook delivery."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.records.models import RecordRef, user_fk
from saas.workflows.enums import DeliveryStatus, Match, RunResult, Trigger


def new_secret() -> str:
    return secrets.token_hex(32)


class Workflow(models.Model):
    module = models.CharField(_("module"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    match = models.CharField(max_length=3, choices=Match.choices, default=Match.ALL)
    # [{"field": "account.industry", "operator": "equals", "value": "Retail"}, ...]
    conditions = models.JSONField(default=list, blank=True)
    # [{"kind": "update_fields", "fields": {...}, "target": ""}, {"kind": "webhook", "url": ...}, ...]
    actions = models.JSONField(default=list, blank=True)
    schedule = models.CharField(_("schedule (cron)"), max_length=100, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Signs webhook bodies (HMAC-SHA256): the receiver checks the call comes from this workflow.
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_by = user_fk(null=True, blank=True)
    updated_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "name", "id"]

    def __str__(self) -> str:
        return self.name


class WorkflowRun(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    ref = models.ForeignKey(RecordRef, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    depth = models.PositiveSmallIntegerField(default=0)
    # The scheduled slot a scheduled run belongs to: one run per workflow, record and slot.
    slot = models.DateTimeField(null=True, blank=True)
    actions_done = models.JSONField(default=list, blank=True)
    result = models.CharField(max_length=16, choices=RunResult.choices)
    error = models.TextField(blank=True)
    # The code of a refusal that failed the run (`address_not_allowed`...), empty for an uncoded failure.
    error_code = models.CharField(max_length=40, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["workflow", "ref", "slot"], name="workflow_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.workflow_id}: {self.result}"


class WebhookDelivery(models.Model):
    run = models.ForeignKey(WorkflowRun, on_delete=models.CASCADE, related_name="deliveries")
    url = models.URLField(max_length=500)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_code = models.CharField(max_length=40, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.url}: {self.status}"
