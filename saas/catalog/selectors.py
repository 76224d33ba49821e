"""Reads of the catalog, for an actor."""

from django.db.models import QuerySet

from saas.access.visibility import visible
from saas.catalog.models import Product, ProductFamily, Service, Unit, VatRate


def product_list(*, actor, include_deleted: bool = False) -> QuerySet[Product]:
    products = visible(Product.objects.all(), actor=actor, module="products")
    return products if include_deleted else products.filter(deleted_at__isnull=True)


def service_list(*, actor, include_deleted: bool = False) -> QuerySet[Service]:
    services = visible(Service.objects.all(), actor=actor, module="services")
    return services if include_deleted else services.filter(deleted_at__isnull=True)


def family_list(*, actor, include_deleted: bool = False) -> QuerySet[ProductFamily]:
    families = visible(ProductFamily.objects.all(), actor=actor, module="product_families")
    return families if include_deleted else families.filter(deleted_at__isnull=True)


def item_get_for_actor(*, actor, model, item_id):
    lists = {Product: product_list, Service: service_list, ProductFamily: family_list}
    return lists[model](actor=actor).filter(pk=item_id).first() if item_id is not None else None


def vat_rate_list(*, actor, active_only: bool = True) -> QuerySet[VatRate]:
    rates = VatRate.objects.all()
    return rates.filter(active=True) if active_only else rates


def vat_rate_get(*, actor, vat_rate_id) -> VatRate | None:
    return VatRate.objects.filter(pk=vat_rate_id, active=True).first() if vat_rate_id is not None else None


def unit_list(*, actor) -> QuerySet[Unit]:
    return Unit.objects.all()


def unit_get(*, actor, code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def price_list_list(*, actor):
    from saas.catalog.models import PriceList

    return PriceList.objects.prefetch_related("rules")


def price_list_get(*, actor, price_list_id):
    from saas.catalog.models import PriceList

    return PriceList.objects.filter(pk=price_list_id).first() if price_list_id is not None else None


def vat_rate_get_any(*, actor, vat_rate_id) -> VatRate | None:
    """A VAT rate, active or not (to edit it)."""
    return VatRate.objects.filter(pk=vat_rate_id).first() if vat_rate_id is not None else None


def is_product(item) -> bool:
    """Whether a catalog item (a product or a service) is a product."""
    return isinstance(item, Product)
