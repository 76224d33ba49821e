"""Sales documents: quotes, orders, invoices, credit notes, payments (DOMAIN.md sections 1-3).
Invoices and credit notes are numbered when issued and frozen once issued."""

from decimal import Decimal

import pghistory
import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.records.history import tracked
from saas.records.models import Record
from saas.sales.enums import PaymentMethod

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}
# What an issued invoice may still change: its payment follow-up and the engine's bookkeeping.
# (status, version, updated_at/by, custom fields and owner); everything below is frozen, deletion included.
DOCUMENT_FROZEN = ("number", "company_id", "account_id", "contact_id", "issue_date", "due_date", "currency",
                   "total_excl_vat", "total_vat", "total_incl_vat", "notes", "ref_id", "created_at", "created_by_id",
                   "deleted_at", "vat_amounts")
INVOICE_FROZEN = (*DOCUMENT_FROZEN, "kind", "order_id", "customer_reference", "period_start", "period_end")
CREDIT_NOTE_FROZEN = (*DOCUMENT_FROZEN, "invoice_id", "reason")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceKind(models.TextChoices):
    STANDARD = "standard", _("Invoice")
    DEPOSIT = "deposit", _("Deposit invoice")
    PROGRESS = "progress", _("Progress invoice")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Converted to order")
    INVOICED = "invoiced", _("Invoiced")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_INVOICED = "partially_invoiced", _("Partially invoiced")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class BillingFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class LineKind(models.TextChoices):
    ITEM = "item", _("Item")
    SECTION = "section", _("Section")
    COMMENT = "comment", _("Comment")


def frozen_when_issued(table: str, parent_column: str, label: str, frozen: tuple) -> tuple[list, list]:
    """Triggers: an issued document's fiscal content never changes, it is never deleted, nor are its lines
    (CGI 289 V; DOMAIN.md section 1.4) — the database refuses whatever code runs the statement."""
    document = [
        pgtrigger.Trigger(
            name=f"{label}_issued_frozen", operation=pgtrigger.Update, when=pgtrigger.Before,
            condition=pgtrigger.Condition(
                "OLD.status <> 'draft' AND (" + " OR ".join(
                    f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in frozen) + ")"),
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


INVOICE_TRIGGERS, INVOICE_LINE_TRIGGERS = frozen_when_issued("sales_invoice", "invoice_id", "invoice",
                                                             INVOICE_FROZEN)
CREDIT_NOTE_TRIGGERS, CREDIT_NOTE_LINE_TRIGGERS = frozen_when_issued("sales_creditnote", "credit_note_id",
                                                                     "credit_note", CREDIT_NOTE_FROZEN)


class CommercialDocument(Record):
    """What every sales document shares: the issuing company, the customer, lines and their totals."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="%(class)ss",
                                verbose_name=_("customer"))
    contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="%(class)ss", verbose_name=_("contact"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **AMOUNT)
    total_vat = models.DecimalField(_("VAT"), **AMOUNT)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **AMOUNT)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(Record.Meta):
        abstract = True


@tracked("quote")
class Quote(CommercialDocument):
    """An offer with a validity date (devis); its own series, no continuity requirement (DOMAIN.md 2.1)."""

    status = models.CharField(_("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    date = models.DateField(_("date"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or refused at"), null=True, blank=True)

    class Meta(CommercialDocument.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number or f"{_('Quote')} #{self.pk}"


@tracked("salesorder")
class SalesOrder(CommercialDocument):
    """A confirmed sale: invoiced at once, in parts (by quantity or progress), after deposits, or per period."""

    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    date = models.DateField(_("date"), default=timezone.localdate)
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
                              verbose_name=_("quote"))
    customer_reference = models.CharField(_("customer's order reference"), max_length=60, blank=True)
    billing_frequency = models.CharField(_("billing frequency"), max_length=10, choices=BillingFrequency.choices,
                                         blank=True)
    billing_start = models.DateField(_("billing start"), null=True, blank=True)
    billing_end = models.DateField(_("billing end"), null=True, blank=True)
    next_billing_date = models.DateField(_("next billing date"), null=True, blank=True)
    billing_auto_issue = models.BooleanField(_("issue recurring invoices automatically"), default=False)

    class Meta(CommercialDocument.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["next_billing_date"], name="order_next_billing",
                                condition=models.Q(billing_frequency__gt=""))]

    def __str__(self) -> str:
        return self.number or f"{_('Sales order')} #{self.pk}"


class SalesDocument(CommercialDocument):
    """What invoices and credit notes share: numbered when issued, frozen once issued."""

    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # VAT per rate ({"5.50": "2.74"}) where it is not computed from the rate's base: the invoice completing an
    # order takes the order's VAT less what its earlier invoices showed (saas.sales.orders). None: all computed.
    vat_amounts = models.JSONField(_("VAT per rate set by the order"), null=True, blank=True)

    class Meta(CommercialDocument.Meta):
        abstract = True
        ordering = ["-issue_date", "-id"]


@tracked("invoice")
class Invoice(SalesDocument):
    kind = models.CharField(_("kind"), max_length=10, choices=InvoiceKind.choices, default=InvoiceKind.STANDARD)
    order = models.ForeignKey(SalesOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices",
                              verbose_name=_("order"))
    customer_reference = models.CharField(_("customer's order reference"), max_length=60, blank=True)
    period_start = models.DateField(_("billing period start"), null=True, blank=True)
    period_end = models.DateField(_("billing period end"), null=True, blank=True)

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


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["quote", "position", "id"]


class SalesOrderLine(DocumentLine):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["order", "position", "id"]


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    # Origins: what remains to invoice on an order, and which deposits a final invoice deducts (DOMAIN.md 2.1-2.3).
    order_line = models.ForeignKey(SalesOrderLine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="invoice_lines")
    deposit_invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="deductions")
    progress_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["invoice", "position", "id"]
        triggers = INVOICE_LINE_TRIGGERS


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["credit_note", "position", "id"]
        triggers = CREDIT_NOTE_LINE_TRIGGERS


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


class UsageRecord(models.Model):
    """A quantity of a product or service consumed by a customer, invoiced once at period end (DOMAIN.md 2.5).
    Its invoice line is the proof it was billed, and keeps it from being billed twice."""

    account = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="usage_records")
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    date = models.DateField()
    reference = models.CharField(max_length=120, blank=True)
    invoice_line = models.ForeignKey(InvoiceLine, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="usage_records")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["account", "date"], name="usage_unbilled",
                                condition=models.Q(invoice_line__isnull=True))]
        constraints = [models.CheckConstraint(
            condition=models.Q(product__isnull=False, service__isnull=True)
            | models.Q(product__isnull=True, service__isnull=False), name="usage_one_item")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id or self.service_id} on {self.date}"


class InvoiceReminder(models.Model):
    """A payment reminder sent about an overdue invoice (level 1, 2, 3…): at most one per level, whatever the
    number of runs of the reminder job (the unique constraint is the guarantee, not the job's care)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(_("level"))
    email = models.ForeignKey("mailing.SentEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["invoice", "level"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="invoice_reminder_once_per_level")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: reminder {self.level}"
