"""Writes on the catalog, through the record engine."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.catalog import error_codes
from saas.catalog.models import Item, Product, ProductFamily, Service, Unit, VatRate
from saas.records.enums import RecordSource
from saas.records.services.records import record_create, record_delete, record_update


def _item_fields_clean(model: type[Item], fields: dict, *, current: Item | None = None) -> dict:
    cleaned = dict(fields)
    errors: dict[str, ValidationError] = {}
    for name, code, message in (("sku", error_codes.SKU_REQUIRED, _("Give the item a reference.")),
                                ("name", error_codes.NAME_REQUIRED, _("Give the item a name."))):
        if name in cleaned or current is None:
            cleaned[name] = (cleaned.get(name) or "").strip()
            if not cleaned[name]:
                errors[name] = ValidationError(message, code=code)
    if cleaned.get("sku"):
        # One reference names one item, product or service: line items find it unambiguously.
        taken = any(other.objects.filter(sku__iexact=cleaned["sku"]).exclude(
            pk=current.pk if current is not None and isinstance(current, other) else None).exists()
            for other in (Product, Service))
        if taken:
            errors["sku"] = ValidationError(_("This reference is already used."), code=error_codes.SKU_TAKEN)
    for name in ("sale_price", "purchase_price"):
        value = cleaned.get(name)
        if value is not None and Decimal(value) < 0:
            errors[name] = ValidationError(_("A price cannot be negative."), code=error_codes.NEGATIVE_PRICE)
    if current is None and cleaned.get("sale_price") is None and "sale_price" not in errors:
        cleaned["sale_price"] = Decimal("0")
    if current is None and cleaned.get("unit") is None and "unit" not in cleaned:
        cleaned["unit"] = Unit.objects.filter(code="u").first()  # sold by the unit unless said otherwise
    if current is None and cleaned.get("vat_rate") is None and "vat_rate" not in errors:
        cleaned["vat_rate"] = VatRate.objects.filter(is_default=True, active=True).first()
    if "vat_rate" in cleaned and (cleaned["vat_rate"] is None or not cleaned["vat_rate"].active):
        errors["vat_rate"] = ValidationError(_("Unknown VAT rate."), code=error_codes.VAT_RATE_UNKNOWN)
    if errors:
        raise ValidationError(errors)
    return cleaned


def item_create(*, actor, model: type[Item], fields: dict, source: str = RecordSource.MANUAL,
                custom: dict | None = None) -> Item:
    """Create a product or a service; its reference is unique across both, prices are not negative."""
    return record_create(actor=actor, model=model, fields=_item_fields_clean(model, fields), source=source,
                         custom=custom)


def item_update(*, actor, item: Item, version: int, fields: dict, custom: dict | None = None) -> Item:
    return record_update(actor=actor, record=item, version=version,
                         fields=_item_fields_clean(type(item), fields, current=item), custom=custom)


def item_delete(*, actor, item: Item, version: int | None = None) -> Item:
    return record_delete(actor=actor, record=item, version=version)


def family_create(*, actor, fields: dict, source: str = RecordSource.MANUAL) -> ProductFamily:
    """Create a product family, under a parent family or at the top."""
    fields = dict(fields)
    fields["name"] = (fields.get("name") or "").strip()
    if not fields["name"]:
        raise ValidationError({"name": ValidationError(_("Give the family a name."), code=error_codes.NAME_REQUIRED)})
    return record_create(actor=actor, model=ProductFamily, fields=fields, source=source)


def family_update(*, actor, family: ProductFamily, version: int, fields: dict) -> ProductFamily:
    parent = fields.get("parent")
    while parent is not None:
        if parent.pk == family.pk:
            raise ValidationError({"parent": ValidationError(_("A family cannot be inside itself."),
                                                             code=error_codes.FAMILY_CYCLE)})
        parent = parent.parent
    return record_update(actor=actor, record=family, version=version, fields=fields)


__all__ = ["item_create", "item_update", "item_delete", "family_create", "family_update", "Product", "Service"]


# The rates the French e-invoicing rules accept (BR-FR-16; DOMAIN.md section 1.5): mainland, DOM, Corsica, legacy.
ACCEPTED_VAT_RATES = frozenset(Decimal(rate) for rate in (
    "0", "0.9", "1.05", "1.75", "2.1", "5.5", "7", "8.5", "9.2", "9.6", "10", "13", "19.6", "20", "20.6"))


def vat_rate_save(*, actor, vat_rate: VatRate | None = None, **fields) -> VatRate:
    """Create or change a VAT rate; one rate is the default; a rate used by items is deactivated, not deleted."""
    rate = vat_rate or VatRate()
    for name, value in fields.items():
        setattr(rate, name, value)
    if rate.rate is None or Decimal(rate.rate) not in ACCEPTED_VAT_RATES:
        raise ValidationError({"rate": ValidationError(
            _("Not a VAT rate French invoices accept (20, 10, 5.5, 2.1, 0 %; DOM and Corsica rates)."),
            code=error_codes.VAT_RATE_UNKNOWN)})
    if VatRate.objects.filter(rate=rate.rate).exclude(pk=rate.pk).exists():
        raise ValidationError({"rate": ValidationError(_("This rate already exists."),
                                                       code=error_codes.VAT_RATE_EXISTS)})
    if not (rate.label or "").strip():
        rate.label = f"TVA {rate.rate.normalize()} %"
    if rate.is_default and not rate.active:
        raise ValidationError({"active": ValidationError(_("The default rate must stay active."),
                                                         code=error_codes.VAT_RATE_UNKNOWN)})
    if rate.is_default:
        VatRate.objects.exclude(pk=rate.pk).filter(is_default=True).update(is_default=False)
    rate.full_clean()
    rate.save()
    return rate
