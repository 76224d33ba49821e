"""GraphQL types, filters and orderings of the catalog."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import auto
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.catalog import models, selectors
from saas.core.graph import IsMember, TenantNode, needs
from saas.records.api.types import Record, RecordFilterFields, RecordOrderFields


@strawberry_django.type(models.VatRate, name="VatRate")
class VatRateType(TenantNode):
    node_needs = IsMember

    rate: Decimal
    label: str
    is_default: bool
    active: bool


@strawberry_django.type(models.Unit, name="Unit")
class UnitType:
    code: str
    label: str


@strawberry_django.filter_type(models.Product, lookups=True)
class ProductFilter(RecordFilterFields):
    sku: auto
    name: auto
    active: auto
    stock_managed: auto
    sale_price: auto
    family: "ProductFamilyFilter | None"


@strawberry_django.filter_type(models.Service, lookups=True)
class ServiceFilter(RecordFilterFields):
    sku: auto
    name: auto
    active: auto
    sale_price: auto
    family: "ProductFamilyFilter | None"


@strawberry_django.filter_type(models.ProductFamily, lookups=True)
class ProductFamilyFilter:
    name: auto
    parent: "ProductFamilyFilter | None"


@strawberry_django.order_type(models.Product)
class ProductOrdering(RecordOrderFields):
    sku: auto
    name: auto
    sale_price: auto
    created_at: auto


@strawberry_django.order_type(models.Service)
class ServiceOrdering(RecordOrderFields):
    sku: auto
    name: auto
    sale_price: auto
    created_at: auto


@strawberry_django.order_type(models.ProductFamily)
class ProductFamilyOrdering(RecordOrderFields):
    name: auto


@strawberry_django.type(models.Product, name="Product", filters=ProductFilter, ordering=ProductOrdering)
class ProductType(Record):
    sku: str
    name: str
    description: str
    sale_price: Decimal
    purchase_price: Decimal | None
    active: bool
    stock_managed: bool
    unit: UnitType
    vat_rate: VatRateType
    family: "ProductFamilyType | None"

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.product_list(actor=info.context.user)


@strawberry_django.type(models.Service, name="Service", filters=ServiceFilter, ordering=ServiceOrdering)
class ServiceType(Record):
    sku: str
    name: str
    description: str
    sale_price: Decimal
    purchase_price: Decimal | None
    active: bool
    unit: UnitType
    vat_rate: VatRateType
    family: "ProductFamilyType | None"

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.service_list(actor=info.context.user)


@strawberry_django.type(models.ProductFamily, name="ProductFamily", filters=ProductFamilyFilter,
                        ordering=ProductFamilyOrdering)
class ProductFamilyType(Record):
    name: str
    parent: "ProductFamilyType | None"
    products: DjangoListConnection[ProductType] = strawberry_django.connection()
    services: DjangoListConnection[ServiceType] = strawberry_django.connection()
    children: DjangoListConnection["ProductFamilyType"] = strawberry_django.connection()

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.family_list(actor=info.context.user)


__all__ = ["ProductType", "ServiceType", "ProductFamilyType", "VatRateType", "UnitType", "strawberry"]


@strawberry_django.type(models.PriceRule, name="PriceRule")
class PriceRuleType(TenantNode):
    node_needs = needs("price_lists", Action.VIEW)

    kind: str
    value: Decimal
    min_quantity: Decimal
    valid_from: date | None
    valid_to: date | None
    priority: int
    product: ProductType | None
    service: ServiceType | None
    family: ProductFamilyType | None


@strawberry_django.type(models.PriceList, name="PriceList")
class PriceListType(TenantNode):
    node_needs = needs("price_lists", Action.VIEW)

    name: str
    is_default: bool
    active: bool
    rules: list[PriceRuleType]


@strawberry.type
class PriceExplanation:
    unit_price: Decimal
    base_price: Decimal
    explanation: str
    rule: PriceRuleType | None
    price_list: PriceListType | None
