"""Banking (DOMAIN.md 8.2-8.4): the company's bank accounts, its customers' bank accounts, the lines of imported
bank statements and what each line was reconciled with."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.banking.enums import MatchKind, StatementFormat, TransactionStatus
from saas.records.models import user_fk

MONEY = {"max_digits": 14, "decimal_places": 2}


class BankAccount(models.Model):
    """An account the company holds at a bank; its lines post to its ledger account (512…) in its journal (BQ)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    iban = models.CharField("IBAN", max_length=34, unique=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    ledger_account = models.ForeignKey("accounting.LedgerAccount", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("ledger account"))
    journal = models.ForeignKey("accounting.Journal", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("journal"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ThirdPartyBankAccount(models.Model):
    """A customer's (or supplier's) bank account: recognises who sent a transfer."""

    account = models.ForeignKey("crm.Account", on_delete=models.CASCADE, related_name="bank_accounts",
                                verbose_name=_("third party"))
    iban = models.CharField("IBAN", max_length=34, db_index=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    holder_name = models.CharField(_("holder name"), max_length=140, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("third-party bank account")
        verbose_name_plural = _("third-party bank accounts")
        ordering = ["account", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "iban"], name="third_party_iban_unique")]

    def __str__(self) -> str:
        return self.iban


class BankStatementImport(models.Model):
    """One imported statement file and its report: lines imported, duplicates skipped, lines rejected and why
    (`rejected_lines`: [{line, reference, code, reason}])."""

    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=StatementFormat.choices)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = user_fk(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejected_lines = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class BankTransaction(models.Model):
    """A line of a bank statement: money in (positive) or out (negative), reconciled once matched."""

    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    statement_import = models.ForeignKey(BankStatementImport, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="transactions")
    date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    reference = models.TextField(_("remittance information"), blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=120, blank=True)
    # A digest of date, amount, references: the same line imported twice (also from overlapping files) is seen.
    import_key = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=TransactionStatus.choices,
                              default=TransactionStatus.UNMATCHED)
    match_kind = models.CharField(max_length=10, choices=MatchKind.choices, blank=True)
    payment = models.ForeignKey("sales.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="bank_transactions", verbose_name=_("payment"))
    entry = models.ForeignKey("accounting.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="bank_transactions", verbose_name=_("journal entry"))
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = user_fk(null=True, blank=True)

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["bank_account", "status", "date"], name="banktx_account_status_date")]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "import_key"], name="banktx_unique_import_key"),
            # One bank line per payment: a payment cannot be reconciled twice.
            models.UniqueConstraint(fields=["payment"], name="banktx_one_per_payment",
                                    condition=models.Q(payment__isnull=False)),
            models.CheckConstraint(condition=~models.Q(amount=0), name="banktx_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(status=TransactionStatus.UNMATCHED, entry__isnull=True, payment__isnull=True)
                | models.Q(status=TransactionStatus.MATCHED, entry__isnull=False), name="banktx_matched_has_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"
