"""SEPA direct debit (DOMAIN.md 8.1): the creditor's identity, the debtors' mandates, and batches of due invoices
collected through a pain.008 file."""

from decimal import Decimal

import pghistory
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.records.models import user_fk


class Scheme(models.TextChoices):
    CORE = "CORE", _("Core (any debtor, 8-week refund right)")
    B2B = "B2B", _("Business to business (no refund)")


class MessageFormat(models.TextChoices):
    PAIN_008_001_02 = "pain.008.001.02", "pain.008.001.02"
    # ISO 2019 version, with structured addresses (EPC rule from November 2026).
    PAIN_008_001_08 = "pain.008.001.08", "pain.008.001.08"


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class SequenceState(models.TextChoices):
    FIRST = "first", _("First collection to come")
    RECURRENT = "recurrent", _("Already collected")


class SequenceType(models.TextChoices):
    FRST = "FRST", _("First")
    RCUR = "RCUR", _("Recurrent")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    GENERATED = "generated", _("File generated")
    SENT = "sent", _("Sent to the bank")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


# A batch in these states has produced its file: its mandates count as used.
FILED = (BatchStatus.GENERATED, BatchStatus.SENT, BatchStatus.SETTLED)


@pghistory.track()
class CreditorSettings(models.Model):
    """Who collects: the company's SEPA creditor identifier (ICS) and the account credited."""

    company = models.OneToOneField("companies.Company", on_delete=models.PROTECT, related_name="sepa_creditor")
    ics = models.CharField(_("SEPA creditor identifier (ICS)"), max_length=35)
    name = models.CharField(_("creditor name"), max_length=70)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    message_format = models.CharField(_("file format"), max_length=16, choices=MessageFormat.choices,
                                      default=MessageFormat.PAIN_008_001_02)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SEPA creditor settings")
        verbose_name_plural = _("SEPA creditor settings")

    def __str__(self) -> str:
        return f"{self.name} ({self.ics})"


@pghistory.track()
class SepaMandate(models.Model):
    """The debtor's authorisation (RUM/UMR) to debit its account; kept by the creditor."""

    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="sepa_mandates",
                                verbose_name=_("customer"))
    reference = models.CharField(_("unique mandate reference (UMR)"), max_length=35)
    debtor_name = models.CharField(_("debtor name"), max_length=70)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    signature_date = models.DateField(_("signature date"))
    scheme = models.CharField(_("scheme"), max_length=4, choices=Scheme.choices, default=Scheme.CORE)
    status = models.CharField(_("status"), max_length=8, choices=MandateStatus.choices, default=MandateStatus.ACTIVE)
    sequence = models.CharField(_("sequence"), max_length=10, choices=SequenceState.choices,
                                default=SequenceState.FIRST)
    last_used_on = models.DateField(_("last collection"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SEPA mandate")
        verbose_name_plural = _("SEPA mandates")
        ordering = ["-signature_date", "-id"]
        # The UMR is unique per creditor, whatever its case.
        constraints = [models.UniqueConstraint(Upper("reference"), name="sepamandate_unique_reference")]

    def __str__(self) -> str:
        return self.reference


class DirectDebitBatch(models.Model):
    """Invoices collected on one date under one scheme: one pain.008 file."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    collection_date = models.DateField(_("collection date"))
    scheme = models.CharField(_("scheme"), max_length=4, choices=Scheme.choices, default=Scheme.CORE)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    message_id = models.CharField(_("message id"), max_length=35, blank=True)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0"))
    count = models.PositiveIntegerField(_("transactions"), default=0)
    xml = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.ForeignKey("records.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("direct debit batch")
        verbose_name_plural = _("direct debit batches")
        ordering = ["-collection_date", "-id"]

    def __str__(self) -> str:
        return f"{self.collection_date} {self.scheme} ({self.count})"


class DirectDebitLine(models.Model):
    batch = models.ForeignKey(DirectDebitBatch, on_delete=models.CASCADE, related_name="lines")
    mandate = models.ForeignKey(SepaMandate, on_delete=models.PROTECT, related_name="lines")
    invoice = models.ForeignKey("sales.Invoice", on_delete=models.PROTECT, related_name="direct_debit_lines")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    sequence_type = models.CharField(max_length=4, choices=SequenceType.choices, default=SequenceType.FRST)
    end_to_end_id = models.CharField(max_length=35)
    payment = models.ForeignKey("sales.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {self.amount}"
