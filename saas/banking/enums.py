from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "CAMT.053"
    OFX = "ofx", "OFX"
    MT940 = "mt940", "MT940"


class TransactionStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Unmatched")
    MATCHED = "matched", _("Matched")


class MatchKind(models.TextChoices):
    """What reconciled a bank line: a payment recorded for invoices by the match, an existing payment, or an
    entry posted against a ledger account (bank fees…)."""

    INVOICES = "invoices", _("Invoices")
    PAYMENT = "payment", _("Existing payment")
    ACCOUNT = "account", _("Ledger account")
