"""Sales documents. Invoices first: numbered when issued, frozen once issued (DOMAIN.md sections 1.3-1.5)."""

from decimal import Decimal

import pgtrigger
from django.db import models
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


@tracked("invoice")
class Invoice(Record):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="invoices",
                                verbose_name=_("customer"))
    contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices",
                                verbose_name=_("contact"))
    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **AMOUNT)
    total_vat = models.DecimalField(_("VAT"), **AMOUNT)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **AMOUNT)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Record.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [*Record.Meta.constraints,
                       models.UniqueConstraint(fields=["company", "number"], name="invoice_unique_number")]
        triggers = [
            # The database refuses what the service refuses: an issued invoice's fiscal content never changes
            # and it is never deleted (CGI 289 V; DOMAIN.md section 1.4), whatever code runs the statement.
            pgtrigger.Trigger(
                name="invoice_issued_frozen", operation=pgtrigger.Update, when=pgtrigger.Before,
                condition=pgtrigger.Condition(
                    "OLD.status <> 'draft' AND (" + " OR ".join(
                        f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in FROZEN) + ")"),
                func="RAISE EXCEPTION 'invoice % is issued: its content cannot change', OLD.number; RETURN NULL;"),
            pgtrigger.Trigger(
                name="invoice_issued_kept", operation=pgtrigger.Delete, when=pgtrigger.Before,
                condition=pgtrigger.Condition("OLD.status <> 'draft'"),
                func="RAISE EXCEPTION 'invoice % is issued: it cannot be deleted', OLD.number; RETURN NULL;"),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('Draft invoice')} #{self.pk}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
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
        ordering = ["invoice", "position", "id"]
        triggers = [pgtrigger.Trigger(
            name="invoice_line_frozen", operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            when=pgtrigger.Before,
            func="""IF (SELECT status FROM sales_invoice WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id))
                       <> 'draft' THEN
                        RAISE EXCEPTION 'the lines of an issued invoice cannot change';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;""")]

    def __str__(self) -> str:
        return self.description[:40]
