"""Values of sales fields that other modules name (SEPA collects by direct debit): not models, so importable
from above sales without reaching its models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CHECK = "check", _("Check")
    CASH = "cash", _("Cash")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
