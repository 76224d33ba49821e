"""Mailing: per-module email templates with merge fields, the tenant's own SMTP server, every email sent about a
record."""

import pghistory
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.mailing.enums import EmailStatus, SmtpSecurity
from saas.records.enums import RecordSource
from saas.records.models import RecordRef, user_fk


class EmailTemplate(models.Model):
    module = models.CharField(_("module"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    # Django template syntax limited to variables and a few filters: `{{ account.name }}` (see saas.mailing.merge).
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    created_by = user_fk(null=True, blank=True)
    updated_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "name", "id"]

    def __str__(self) -> str:
        return self.name


class SmtpSettings(models.Model):
    """The tenant's outgoing mail server; without a row, the platform's EMAIL_BACKEND sends. One row per tenant."""

    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=587)
    username = models.CharField(_("username"), max_length=255, blank=True)
    # Fernet token (saas.mailing.secrets): a stolen dump or backup does not give the mailbox away.
    password_encrypted = models.TextField(blank=True)
    security = models.CharField(_("security"), max_length=8, choices=SmtpSecurity.choices,
                                default=SmtpSecurity.STARTTLS)
    from_address = models.EmailField(_("from address"))
    updated_by = user_fk(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SMTP settings")

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@pghistory.track(
    # One event per email, when its outcome is known: it shows in the record's history and timeline.
    pghistory.UpdateEvent("emailed", condition=pghistory.AnyChange("status"), row=pghistory.New),
    fields=["ref", "to", "subject", "status", "error", "sent_at"], model_name="SentEmailEvent",
    meta={"indexes": [models.Index(fields=["ref", "-pgh_created_at", "-pgh_id"], name="sentemail_ev_ref_time"),
                      models.Index(fields=["pgh_obj", "pgh_id"], name="sentemail_ev_obj_id")]},
)
class SentEmail(models.Model):
    ref = models.ForeignKey(RecordRef, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=16, choices=RecordSource.choices, default=RecordSource.MANUAL)
    created_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ref", "-created_at", "-id"], name="sentemail_ref_newest")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
