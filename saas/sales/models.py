"""Sales documents. Invoices first: numbered when issued, frozen once issued (DOMAIN.md sections 1.3-1.5)."""

from decimal import Decimal

import pghistory
import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.records.history import tracked
from saas.records.models import Record

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}
# What an issued invoice may still change: its payment follow-up and the engine's bookkeeping.
# (status, version, updated_at/by, custom fields and owner); everything below is frozen, deletion included.
FROZEN = ("number", "company_id", "account_id", "contact_id", "issue_date", "due_date", "currency",
          "total_excl_vat", "total_vat", "total_incl_vat", "notes", "ref_id", "created_at", "created_by_id",
          "deleted_at")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class LineKind(models.TextChoices):
    ITEM = "item", _("Item")
    SECTION = "section", _("Section")
    COMMENT = "comment", _("Comment")


def frozen_when_issued(table: str, parent_column: str, label: str) -> tuple[list, list]:
    """Triggers: an issued document's fiscal content never changes, it is never deleted, nor are its lines
    (CGI 289 V; DOMAIN.md section 1.4) — the database refuses whatever code runs the statement."""
    document = [
        pgtrigger.Trigger(
            name=f"{label}_issued_frozen", operation=pgtrigger.Update, when=pgtrigger.Before,
            condition=pgtrigger.Condition(
                "OLD.status <> 'draft' AND (" + " OR ".join(
                    f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in FROZEN) + ")"),
            func=f"RAISE EXCEPTION '{label} % is issued: its content cannot change', OLD.number; RETURN NULL;"),
        pgtrigger.Trigger(
            name=f"{label}_issued_kept", operation=pgtrigger.Delete, when=pgtrigger.Before,
            condition=pgtrigger.Condition("OLD.status <> 'draft'"),
            func=f"RAISE EXCEPTION '{label} % is issued: it cannot be deleted', OLD.number; RETURN NULL;"),
    ]
    lines = [pgtrigger.Trigger(
        name=f"{label}_line_frozen", operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.Before,
        func=f"""IF (SELECT status FROM {table} WHERE id = COALESCE(NEW.{parent_column}, OLD.{parent_column}))
                   <> 'draft' THEN
                    RAISE EXCEPTION 'the lines of an issued {label} cannot change';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;""")]
    return document, lines


INVOICE_TRIGGERS, INVOICE_LINE_TRIGGERS = frozen_when_issued("sales_invoice", "invoice_id", "invoice")
CREDIT_NOTE_TRIGGERS, CREDIT_NOTE_LINE_TRIGGERS = frozen_when_issued("sales_creditnote", "credit_note_id",
                                                                     "credit_note")


class SalesDocument(Record):
    """What invoices and credit notes share: parties, dates, totals; numbered when issued."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="%(class)ss",
                                verbose_name=_("customer"))
    contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="%(class)ss", verbose_name=_("contact"))
    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **AMOUNT)
    total_vat = models.DecimalField(_("VAT"), **AMOUNT)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **AMOUNT)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Record.Meta):
        abstract = True
        ordering = ["-issue_date", "-id"]


@tracked("invoice")
class Invoice(SalesDocument):
    class Meta(SalesDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [*Record.Meta.constraints,
                       models.UniqueConstraint(fields=["company", "number"], name="invoice_unique_number")]
        triggers = INVOICE_TRIGGERS

    def __str__(self) -> str:
        return self.number or f"{_('Draft invoice')} #{self.pk}"


@tracked("creditnote")
class CreditNote(SalesDocument):
    """A credit note (avoir) correcting an issued invoice, in full or in part (CGI 289 I-5)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes",
                                verbose_name=_("credited invoice"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta(SalesDocument.Meta):
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [*Record.Meta.constraints,
                       models.UniqueConstraint(fields=["company", "number"], name="creditnote_unique_number")]
        triggers = CREDIT_NOTE_TRIGGERS

    def __str__(self) -> str:
        return self.number or f"{_('Draft credit note')} #{self.pk}"


class DocumentLine(models.Model):
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=LineKind.choices, default=LineKind.ITEM)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    unit = models.CharField(max_length=16, blank=True)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    line_net = models.DecimalField(**AMOUNT)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.description[:40]


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["invoice", "position", "id"]
        triggers = INVOICE_LINE_TRIGGERS


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["credit_note", "position", "id"]
        triggers = CREDIT_NOTE_LINE_TRIGGERS


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CHECK = "check", _("Check")
    CASH = "cash", _("Cash")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CREDITED = "credited", _("Credited")


@tracked("payment")
class Payment(Record):
    """Money received from a customer, allocated to one or more invoices; what is left is customer credit."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("customer"))
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices,
                              default=PaymentMethod.TRANSFER)
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.amount} €"


@tracked("allocation", pghistory.InsertEvent("linked"), pghistory.DeleteEvent("unlinked"))
class PaymentAllocation(models.Model):
    """Part of a payment settling an invoice. `ref` is the invoice's: (un)allocations show in its history."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    ref = models.ForeignKey("records.RecordRef", on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment_id} on {self.invoice_id}"
