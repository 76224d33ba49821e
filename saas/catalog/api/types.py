"""GraphQL types of the catalog; the record types' fields, filters and orderings derived from their models and
record types (saas.records.api.derived)."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.catalog import models, selectors
from saas.core.graph import IsMember, TenantNode, needs
from saas.records.api.derived import record_type
from saas.records.api.types import Record


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


@record_type(models.Product)
class ProductType(Record):
    unit: UnitType
    vat_rate: VatRateType

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.product_list(actor=info.context.user)


@record_type(models.Service)
class ServiceType(Record):
    unit: UnitType
    vat_rate: VatRateType

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.service_list(actor=info.context.user)


@record_type(models.ProductFamily)
class ProductFamilyType(Record):
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
