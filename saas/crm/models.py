"""Customer accounts and their contacts: the first record types of the engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.records.history import tracked
from saas.records.models import Record
from tenants.enums import Language


@tracked("account")
class Account(Record):
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    billing_street = models.CharField(_("billing street"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("billing postal code"), max_length=20, blank=True)
    billing_city = models.CharField(_("billing city"), max_length=100, blank=True)
    billing_country = models.CharField(_("billing country"), max_length=2, default="FR")
    shipping_street = models.CharField(_("shipping street"), max_length=200, blank=True)
    shipping_postal_code = models.CharField(_("shipping postal code"), max_length=20, blank=True)
    shipping_city = models.CharField(_("shipping city"), max_length=100, blank=True)
    shipping_country = models.CharField(_("shipping country"), max_length=2, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    language = models.CharField(_("document language"), max_length=5, blank=True, default="", db_default="",
                                choices=Language.choices,
                                help_text=_("The language of its documents and their emails; null: the company's."))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="subsidiaries", verbose_name=_("parent account"))

    class Meta(Record.Meta):
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="account_name")]

    def __str__(self) -> str:
        return self.name


@tracked("contact")
class Contact(Record):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    secondary_email = models.EmailField(_("secondary email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts",
                                verbose_name=_("account"))
    portal_access = models.BooleanField(_("portal access"), default=False)

    class Meta(Record.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["account", "last_name"], name="contact_account")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    LOST = "lost", _("Lost")


class LeadSource(models.TextChoices):
    WEBSITE = "website", _("Website")
    REFERRAL = "referral", _("Referral")
    TRADE_SHOW = "trade_show", _("Trade show")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    CAMPAIGN = "campaign", _("Campaign")
    OTHER = "other", _("Other")


class DealStage(models.TextChoices):
    PROSPECTING = "prospecting", _("Prospecting")
    QUALIFICATION = "qualification", _("Qualification")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


@tracked("lead")
class Lead(Record):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_source = models.CharField(_("source"), max_length=16, choices=LeadSource.choices, default=LeadSource.OTHER)
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    converted_account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="converted_leads", verbose_name=_("converted into account"))
    converted_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="converted_leads", verbose_name=_("converted into contact"))
    converted_deal = models.ForeignKey("Deal", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="converted_leads", verbose_name=_("converted into deal"))

    class Meta(Record.Meta):
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        person = f"{self.first_name} {self.last_name}".strip()
        return f"{person} ({self.company})" if self.company else person


@tracked("deal")
class Deal(Record):
    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="deals", verbose_name=_("account"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="deals",
                                verbose_name=_("contact"))
    amount = models.DecimalField(_("amount excl. VAT"), max_digits=14, decimal_places=2, default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=10)
    stage = models.CharField(_("stage"), max_length=16, choices=DealStage.choices, default=DealStage.PROSPECTING)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["expected_close_date", "id"]
        constraints = [*Record.Meta.constraints,
                       models.CheckConstraint(condition=models.Q(probability__lte=100), name="deal_probability_max")]

    def __str__(self) -> str:
        return self.name


class LeadConversionRule(models.Model):
    """Which lead field goes to which field of the account, contact or deal made from it (tenant-editable)."""

    lead_field = models.CharField(max_length=60)
    target = models.CharField(max_length=10, choices=[("account", _("Account")), ("contact", _("Contact")),
                                                      ("deal", _("Deal"))])
    target_field = models.CharField(max_length=60)

    class Meta:
        ordering = ["target", "id"]
        constraints = [models.UniqueConstraint(fields=["target", "target_field"], name="conversion_rule_target")]

    def __str__(self) -> str:
        return f"{self.lead_field} → {self.target}.{self.target_field}"
