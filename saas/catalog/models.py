"""The catalog: what a company sells — products and services, their families, units and VAT rates."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.records.history import tracked
from saas.records.models import Record

PRICE = {"max_digits": 14, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class VatRate(models.Model):
    """A VAT rate the tenant sells at; the French rates are seeded and remain editable (DOMAIN.md)."""

    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, unique=True,
                               validators=[MinValueValidator(Decimal("0"))])
    label = models.CharField(_("label"), max_length=60)
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-rate"]

    def __str__(self) -> str:
        return self.label


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    label = models.CharField(_("label"), max_length=60)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


@tracked("productfamily")
class ProductFamily(Record):
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent family"))

    class Meta(Record.Meta):
        verbose_name = _("product family")
        verbose_name_plural = _("product families")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Item(Record):
    """What products and services share."""

    sku = models.CharField(_("reference"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    family = models.ForeignKey(ProductFamily, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="%(class)ss", verbose_name=_("family"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    sale_price = models.DecimalField(_("sale price excl. VAT"), **PRICE)
    purchase_price = models.DecimalField(_("purchase price"), null=True, blank=True, **PRICE)
    vat_rate = models.ForeignKey(VatRate, on_delete=models.PROTECT, related_name="+", verbose_name=_("VAT rate"))
    active = models.BooleanField(_("active"), default=True)

    class Meta(Record.Meta):
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


@tracked("product")
class Product(Item):
    stock_managed = models.BooleanField(_("stock managed"), default=False)

    class Meta(Item.Meta):
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [*Item.Meta.constraints,
                       models.UniqueConstraint(fields=["sku"], name="product_unique_sku")]


@tracked("service")
class Service(Item):
    class Meta(Item.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [*Item.Meta.constraints,
                       models.UniqueConstraint(fields=["sku"], name="service_unique_sku")]


class PriceRuleKind(models.TextChoices):
    FIXED_PRICE = "fixed_price", _("Fixed price")
    DISCOUNT = "discount", _("Discount on the sale price (%)")
    MARKUP_ON_COST = "markup_on_cost", _("Markup on the purchase price (%)")


class PriceList(models.Model):
    """Prices for some customers (or everybody, for the default list), as rules by item, family or all."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)
    accounts = models.ManyToManyField("crm.Account", blank=True, related_name="+", verbose_name=_("accounts"))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                               name="pricelist_one_default")]

    def __str__(self) -> str:
        return self.name


class PriceRule(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="rules")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(ProductFamily, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=PriceRuleKind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))])
    min_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["price_list", "-priority", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(product__isnull=True, service__isnull=True)
            | models.Q(product__isnull=True, family__isnull=True)
            | models.Q(service__isnull=True, family__isnull=True), name="pricerule_one_target")]

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.kind} {self.value}"

    @property
    def scope(self) -> str:
        if self.product_id or self.service_id:
            return "item"
        return "family" if self.family_id else "all"
