"""The tenant's legal entities: sales, purchasing and accounting documents belong to one of them."""

import datetime as dt

import pghistory
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@pghistory.track()
class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    share_capital = models.DecimalField(_("share capital"), max_digits=14, decimal_places=2, null=True, blank=True)
    rcs = models.CharField(_("trade register (RCS)"), max_length=80, blank=True,
                           help_text=_("e.g. RCS Lyon 732 829 320"))
    siren = models.CharField("SIREN", max_length=9, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(_("logo"), max_length=300, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    # From this date the buyer's SIREN is a mandatory mention on B2B invoices (DOMAIN.md 1.2 and 7.1):
    # 1 September 2027 for SMEs and micro-companies, 1 September 2026 for large and mid-size ones.
    einvoicing_from = models.DateField(_("e-invoicing obligation from"), default=dt.date(2027, 9, 1))
    # VAT on services is due when paid unless the company opted for the debits (DOMAIN.md 2.3, 4.3).
    vat_on_debits = models.BooleanField(_("VAT on debits (option pour les débits)"), default=False)
    # Mandatory on B2B invoices (Code de commerce L441-10; DOMAIN.md section 1.2).
    late_penalty_text = models.TextField(_("late payment penalties"), default=(
        # The 40 € indemnity is printed by the documents themselves, for business customers only.
        "En cas de retard de paiement, pénalités au taux d'intérêt de la BCE majoré de 10 points, "
        "exigibles dès le lendemain de l'échéance."))
    terms = models.TextField(_("terms and conditions"), blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="company_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name
