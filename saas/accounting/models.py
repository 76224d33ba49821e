"""Double-entry bookkeeping (DOMAIN.md section 4): the chart of accounts, journals, fiscal years, entries and
their lines. A posted entry is balanced and immutable — checked by the services and enforced by the database."""

from decimal import Decimal

import pghistory
import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.records.history import tracked
from saas.records.models import Record

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class AccountKind(models.TextChoices):
    """Where an account's balance goes: the balance sheet (classes 1-5) or the income statement (6-7)."""

    EQUITY = "equity", _("Equity and liabilities")
    ASSET = "asset", _("Fixed assets")
    STOCK = "stock", _("Stocks")
    THIRD_PARTY = "third_party", _("Third parties")
    FINANCIAL = "financial", _("Financial")
    EXPENSE = "expense", _("Expenses")
    INCOME = "income", _("Income")


class LedgerAccount(models.Model):
    """An account of the chart (plan comptable général), e.g. 411100 Clients."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    reconcilable = models.BooleanField(_("reconcilable (lettering)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.label}"


class AuxiliaryKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")


class AuxiliaryAccount(models.Model):
    """A third party's sub-ledger account on a collective account (CompAuxNum in the FEC: CLI00012 on 411100)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AuxiliaryKind.choices)
    collective = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="auxiliaries")
    party = models.ForeignKey("crm.Account", on_delete=models.PROTECT, related_name="auxiliary_accounts")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["party", "kind"], name="auxiliary_one_per_party_and_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class JournalKind(models.TextChoices):
    SALES = "sales", _("Sales")
    PURCHASES = "purchases", _("Purchases")
    BANK = "bank", _("Bank")
    CASH = "cash", _("Cash")
    MISC = "misc", _("Miscellaneous operations")
    OPENING = "opening", _("Opening balances")


class Journal(models.Model):
    code = models.CharField(_("code"), max_length=6, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=JournalKind.choices)
    default_account = models.ForeignKey(LedgerAccount, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("default account"))

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class FiscalYear(models.Model):
    """An accounting year of a company; closed, nothing more is posted in it. Its entries are numbered
    gaplessly from its own counter."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["company", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="fiscal_year_ends_after_start"),
            models.UniqueConstraint(fields=["company", "name"], name="fiscal_year_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


# Once posted, nothing of an entry changes but the engine's bookkeeping (version, updated_at/by, custom).
ENTRY_FROZEN = ("number", "journal_id", "fiscal_year_id", "company_id", "date", "label", "piece_ref", "posted_at",
                "reversal_of_id", "party_id", "invoice_id", "credit_note_id", "payment_id", "ref_id", "created_at",
                "deleted_at")
# A posted line keeps its amounts and accounts; only its lettering (matching) changes.
LINE_FROZEN = ("entry_id", "ledger_account_id", "auxiliary_id", "label", "debit", "credit", "due_date", "invoice_id",
               "vat_base")


UNBALANCED_CHECK = """
    DECLARE unbalanced boolean;
    BEGIN
        EXECUTE format('SELECT e.status = ''posted'' AND (SELECT count(*) < 2 OR sum(l.debit) <> sum(l.credit)
                        FROM %1$I.accounting_journalline l WHERE l.entry_id = e.id)
                        FROM %1$I.accounting_journalentry e WHERE e.id = $1', TG_TABLE_SCHEMA)
            INTO unbalanced USING {entry};
        IF unbalanced THEN
            RAISE EXCEPTION 'a posted entry must be balanced, with two lines at least';
        END IF;
    END;
    RETURN NULL;"""


@tracked("journalentry")
class JournalEntry(Record):
    """An accounting entry (écriture): balanced lines in one journal, numbered when posted, then immutable —
    corrected only by a reversal (contrepassation)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("journal"))
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="entries",
                                    verbose_name=_("fiscal year"))
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    piece_ref = models.CharField(_("supporting document"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    reversal_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="reversed_by", verbose_name=_("reverses"))
    party = models.ForeignKey("crm.Account", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="journal_entries", verbose_name=_("third party"))
    # The document an entry comes from: the drill-down walks these (GRAPH.md).
    invoice = models.ForeignKey("sales.Invoice", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="entries")
    credit_note = models.ForeignKey("sales.CreditNote", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="entries")
    payment = models.ForeignKey("sales.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="entries")

    class Meta(Record.Meta):
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["fiscal_year", "date"], name="entry_year_date")]
        constraints = [*Record.Meta.constraints,
                       models.UniqueConstraint(fields=["fiscal_year", "number"], name="entry_unique_number")]
        triggers = [
            pgtrigger.Trigger(
                name="entry_posted_frozen", operation=pgtrigger.Update, when=pgtrigger.Before,
                condition=pgtrigger.Condition("OLD.status = 'posted' AND (NEW.status <> 'posted' OR " + " OR ".join(
                    f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in ENTRY_FROZEN) + ")"),
                func="RAISE EXCEPTION 'entry % is posted: reverse it instead', OLD.number; RETURN NULL;"),
            pgtrigger.Trigger(
                name="entry_posted_kept", operation=pgtrigger.Delete, when=pgtrigger.Before,
                condition=pgtrigger.Condition("OLD.status = 'posted'"),
                func="RAISE EXCEPTION 'entry % is posted: it cannot be deleted', OLD.number; RETURN NULL;"),
            # Checked at commit, once every line is written: a posted entry balances and has two lines at least.
            # Deferred triggers run at commit, whatever the search path then: the schema is named explicitly.
            pgtrigger.Trigger(
                name="entry_posted_balanced", operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After, timing=pgtrigger.Deferred,
                condition=pgtrigger.Condition("NEW.status = 'posted'"),
                func=UNBALANCED_CHECK.format(entry="NEW.id")),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('Draft entry')} #{self.pk}"


@pghistory.track(
    pghistory.UpdateEvent("lettered", condition=pghistory.AnyChange("lettering"), row=pghistory.New),
    fields=["ref", "lettering", "lettered_on"], model_name="JournalLineLetteringEvent",
    meta={"indexes": [models.Index(fields=["ref", "-pgh_created_at", "-pgh_id"], name="lettering_ev_ref_time"),
                      models.Index(fields=["pgh_obj", "pgh_id"], name="lettering_ev_obj_id")]},
)
class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    # The entry's record reference: lettering shows in the entry's history.
    ref = models.ForeignKey("records.RecordRef", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    ledger_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    auxiliary = models.ForeignKey(AuxiliaryAccount, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="lines")
    label = models.CharField(max_length=200)
    debit = models.DecimalField(**AMOUNT)
    credit = models.DecimalField(**AMOUNT)
    due_date = models.DateField(null=True, blank=True)
    lettering = models.CharField(max_length=8, blank=True)
    lettered_on = models.DateField(null=True, blank=True)
    # A customer line's invoice: the invoice's own, its credit notes', the share of a payment allocated to it.
    # The lines of one invoice are lettered together once they balance (saas.accounting.posting).
    invoice = models.ForeignKey("sales.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A VAT line's taxable base, signed like credit − debit (the CA3 boxes sum them, DOMAIN.md 6.2).
    vat_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["entry", "position", "id"]
        indexes = [
            models.Index(fields=["ledger_account", "entry"], name="line_account"),
            models.Index(fields=["auxiliary", "lettering"], name="line_auxiliary_lettering"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0)
                & (models.Q(debit=0) | models.Q(credit=0)) & ~models.Q(debit=0, credit=0),
                name="line_one_positive_side"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="line_posted_frozen", operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                when=pgtrigger.Before,
                func=f"""IF (SELECT status FROM accounting_journalentry
                             WHERE id = COALESCE(NEW.entry_id, OLD.entry_id)) = 'posted'
                            AND (TG_OP <> 'UPDATE' OR {" OR ".join(
                                f'OLD."{column}" IS DISTINCT FROM NEW."{column}"' for column in LINE_FROZEN)}) THEN
                            RAISE EXCEPTION 'the lines of a posted entry cannot change';
                         END IF;
                         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                         RETURN NEW;"""),
            pgtrigger.Trigger(
                name="line_entry_balanced", operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                when=pgtrigger.After, timing=pgtrigger.Deferred,
                func=UNBALANCED_CHECK.format(entry="COALESCE(NEW.entry_id, OLD.entry_id)")),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_account_id} {self.debit or -self.credit}"


class RuleKind(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    VAT_COLLECTED = "vat_collected", _("VAT collected")
    VAT_PENDING = "vat_pending", _("VAT collected on services not yet paid")
    CUSTOMER = "customer", _("Customer")
    DEPOSIT = "deposit", _("Deposits received")
    PAYMENT = "payment", _("Payments received")


class EntryTemplate(models.Model):
    """A recurring manual entry (OD): its lines split an amount between accounts, e.g. a bank charge with VAT."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+", verbose_name=_("journal"))
    label = models.CharField(_("label"), max_length=200)
    # [{"account": "627000", "side": "debit", "percent": "83.33", "label": "..."}, ...]: each side sums to 100.
    lines = models.JSONField(_("lines"), default=list)

    class Meta:
        verbose_name = _("entry template")
        verbose_name_plural = _("entry templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemNature(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")


class PostingRule(models.Model):
    """Which account a document's amounts post to (an accounting strategy), editable by the tenant.
    The most specific matching rule wins: product family, then item nature, then VAT rate, then any."""

    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    family = models.ForeignKey("catalog.ProductFamily", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("product family"))
    nature = models.CharField(_("nature"), max_length=10, choices=ItemNature.choices, blank=True)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=16, blank=True)
    ledger_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("account"))
    journal = models.ForeignKey(Journal, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("journal"))

    class Meta:
        verbose_name = _("posting rule")
        verbose_name_plural = _("posting rules")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.ledger_account_id}"
