"""The catalog in the graph: lists, and one mutation per business verb."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.catalog import error_codes, pricing, selectors, services
from saas.catalog.api.types import (
    PriceExplanation,
    PriceListType,
    ProductFamilyType,
    ProductType,
    ServiceType,
    UnitType,
    VatRateType,
)
from saas.catalog.models import Product, ProductFamily, Service
from saas.core.graph import IsMember, IsTenantAdmin, global_pk, mutation, needs
from saas.records.api.schema import record_of
from saas.records.api.types import request_source
from saas.records.enums import RecordSource
from saas.records.selectors.lookup import record_get_for_actor


@strawberry.input
class ItemInput:
    sku: str | None = UNSET
    name: str | None = UNSET
    description: str | None = UNSET
    sale_price: Decimal | None = UNSET
    purchase_price: Decimal | None = UNSET
    vat_rate_id: relay.GlobalID | None = UNSET
    unit: str | None = strawberry.field(default=UNSET, description="Unit code: u, h, d, kg, m, m2, l, pkg, month.")
    family_id: relay.GlobalID | None = UNSET
    active: bool | None = UNSET
    stock_managed: bool | None = strawberry.field(default=UNSET, description="Products only.")
    custom: JSON | None = UNSET


@strawberry.input
class ProductFamilyInput:
    name: str | None = UNSET
    parent_id: relay.GlobalID | None = UNSET


def _item_fields(info: Info, data: ItemInput, model) -> dict:
    actor = info.context.user
    fields, errors = {}, {}
    for name, value in vars(data).items():
        if value is UNSET or name == "custom" or (name == "stock_managed" and model is not Product):
            continue
        if name == "vat_rate_id":
            fields["vat_rate"] = selectors.vat_rate_get(actor=actor, vat_rate_id=global_pk(value, "VatRate"))
            if fields["vat_rate"] is None:
                errors["vatRateId"] = ValidationError(_("Unknown VAT rate."), code=error_codes.VAT_RATE_UNKNOWN)
        elif name == "unit":
            fields["unit"] = selectors.unit_get(actor=actor, code=value or "")
            if fields["unit"] is None:
                errors["unit"] = ValidationError(_("Unknown unit."), code=error_codes.UNIT_UNKNOWN)
        elif name == "family_id":
            fields["family"] = _family(actor, value, field="familyId") if value else None
        elif name == "description":
            fields[name] = value or ""
        else:
            fields[name] = value
    if errors:
        raise ValidationError(errors)
    return fields


def _family(actor, global_id, *, field="id") -> ProductFamily:
    family = selectors.item_get_for_actor(actor=actor, model=ProductFamily,
                                          item_id=global_pk(global_id, "ProductFamily"))
    if family is None:
        raise ValidationError({field: ValidationError(_("No such family."), code=error_codes.NOT_FOUND)})
    return family


def _item(actor, model, global_id):
    item = selectors.item_get_for_actor(actor=actor, model=model, item_id=global_pk(global_id, model.__name__))
    if item is None:
        raise ValidationError({"id": ValidationError(_("No such item."), code=error_codes.NOT_FOUND)})
    return item


def _source(info: Info, quick_create: bool) -> str:
    return RecordSource.QUICK_CREATE if quick_create else request_source(info)


def _custom(data):
    return None if data.custom in (UNSET, None) else data.custom


@strawberry.type
class CatalogQuery:
    products: DjangoListConnection[ProductType] = strawberry_django.connection(
        permission_classes=[needs("products", Action.VIEW)])
    services: DjangoListConnection[ServiceType] = strawberry_django.connection(
        permission_classes=[needs("services", Action.VIEW)])
    product_families: DjangoListConnection[ProductFamilyType] = strawberry_django.connection(
        permission_classes=[needs("product_families", Action.VIEW)])

    @strawberry.field(permission_classes=[IsMember])
    def vat_rates(self, info: Info) -> list[VatRateType]:
        return list(selectors.vat_rate_list(actor=info.context.user))

    @strawberry.field(permission_classes=[IsMember])
    def units(self, info: Info) -> list[UnitType]:
        return list(selectors.unit_list(actor=info.context.user))


@strawberry.type
class CatalogMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("products", Action.CREATE)],
                                description="Create a product; quickCreate from a line item's form.")
    @mutation
    def product_create(self, info: Info, input: ItemInput, quick_create: bool = False) -> ProductType:
        return services.item_create(actor=info.context.user, model=Product, fields=_item_fields(info, input, Product),
                                    source=_source(info, quick_create), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("products", Action.EDIT)])
    @mutation
    def product_update(self, info: Info, id: relay.GlobalID, version: int, input: ItemInput) -> ProductType:
        return services.item_update(actor=info.context.user, item=_item(info.context.user, Product, id),
                                    version=version, fields=_item_fields(info, input, Product), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("services", Action.CREATE)])
    @mutation
    def service_create(self, info: Info, input: ItemInput, quick_create: bool = False) -> ServiceType:
        return services.item_create(actor=info.context.user, model=Service, fields=_item_fields(info, input, Service),
                                    source=_source(info, quick_create), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("services", Action.EDIT)])
    @mutation
    def service_update(self, info: Info, id: relay.GlobalID, version: int, input: ItemInput) -> ServiceType:
        return services.item_update(actor=info.context.user, item=_item(info.context.user, Service, id),
                                    version=version, fields=_item_fields(info, input, Service), custom=_custom(input))

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs("product_families", Action.CREATE)])
    @mutation
    def product_family_create(self, info: Info, input: ProductFamilyInput) -> ProductFamilyType:
        actor = info.context.user
        fields = {"name": input.name if input.name is not UNSET else ""}
        if input.parent_id not in (UNSET, None):
            fields["parent"] = _family(actor, input.parent_id, field="parentId")
        return services.family_create(actor=actor, fields=fields, source=_source(info, False))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("product_families", Action.EDIT)])
    @mutation
    def product_family_update(self, info: Info, id: relay.GlobalID, version: int,
                              input: ProductFamilyInput) -> ProductFamilyType:
        actor = info.context.user
        fields = {}
        if input.name is not UNSET:
            fields["name"] = input.name
        if input.parent_id is not UNSET:
            fields["parent"] = _family(actor, input.parent_id, field="parentId") if input.parent_id else None
        return services.family_update(actor=actor, family=_family(actor, id), version=version, fields=fields)


ITEM_TYPES = ("Product", "Service")


@strawberry.input
class PriceRuleInput:
    kind: str = strawberry.field(description="fixed_price, discount or markup_on_cost")
    value: Decimal
    item_id: relay.GlobalID | None = strawberry.field(default=None, description="A product or a service.")
    family_id: relay.GlobalID | None = None
    min_quantity: Decimal = Decimal("1")
    valid_from: date | None = None
    valid_to: date | None = None
    priority: int = 0


def _price_list(actor, global_id):
    price_list = selectors.price_list_get(actor=actor, price_list_id=global_pk(global_id, "PriceList"))
    if price_list is None:
        raise ValidationError({"priceListId": ValidationError(_("No such price list."), code=error_codes.NOT_FOUND)})
    return price_list


def _account_record(info: Info, global_id, field="accountId"):
    return record_of(info, global_id, field=field, types=("Account",))


@strawberry.type
class PricingQuery:
    @strawberry.field(permission_classes=[needs("price_lists", Action.VIEW)])
    def price_lists(self, info: Info) -> list[PriceListType]:
        return list(selectors.price_list_list(actor=info.context.user))

    @strawberry.field(permission_classes=[needs("price_lists", Action.VIEW)],
                      description="The unit price excl. VAT an account pays, and which rule gave it.")
    def price(self, info: Info, item_id: relay.GlobalID, account_id: relay.GlobalID | None = None,
              quantity: Decimal = Decimal("1"), date: date | None = None) -> PriceExplanation | None:
        actor = info.context.user
        model = {"Product": Product, "Service": Service}.get(item_id.type_name)
        item = selectors.item_get_for_actor(actor=actor, model=model, item_id=global_pk(item_id, item_id.type_name)) \
            if model else None
        if item is None:
            return None
        account = record_get_for_actor(actor=actor, type_name="Account", pk=global_pk(account_id, "Account")) \
            if account_id else None
        result = pricing.price_for(actor=actor, item=item, account=account, quantity=quantity, date=date)
        return PriceExplanation(unit_price=result.unit_price, base_price=result.base_price,
                                explanation=result.explanation, rule=result.rule, price_list=result.price_list)


@strawberry.type
class PricingMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("price_lists", Action.CREATE)])
    @mutation
    def price_list_create(self, info: Info, name: str, is_default: bool = False) -> PriceListType:
        return pricing.price_list_create(actor=info.context.user, name=name, is_default=is_default)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("price_lists", Action.EDIT)])
    @mutation
    def price_list_assign(self, info: Info, price_list_id: relay.GlobalID,
                          account_ids: list[relay.GlobalID]) -> PriceListType:
        actor = info.context.user
        accounts = [_account_record(info, gid, field="accountIds") for gid in account_ids]
        return pricing.price_list_assign(actor=actor, price_list=_price_list(actor, price_list_id), accounts=accounts)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("price_lists", Action.EDIT)])
    @mutation
    def price_rule_add(self, info: Info, price_list_id: relay.GlobalID, input: PriceRuleInput) -> PriceListType:
        actor = info.context.user
        price_list = _price_list(actor, price_list_id)
        pricing.price_rule_add(
            actor=actor, price_list=price_list, kind=input.kind, value=input.value,
            item=record_of(info, input.item_id, field="itemId", types=ITEM_TYPES) if input.item_id else None,
            family=_family(actor, input.family_id, field="familyId") if input.family_id else None,
            min_quantity=input.min_quantity, valid_from=input.valid_from, valid_to=input.valid_to,
            priority=input.priority)
        return price_list


@strawberry.type
class VatRateMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin],
                                description="Add a VAT rate (the French rates are seeded).")
    @mutation
    def vat_rate_create(self, info: Info, rate: Decimal, label: str = "", is_default: bool = False) -> VatRateType:
        return services.vat_rate_save(actor=info.context.user, rate=rate, label=label, is_default=is_default)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def vat_rate_update(self, info: Info, id: relay.GlobalID, label: str | None = None, active: bool | None = None,
                        is_default: bool | None = None) -> VatRateType:
        vat_rate = selectors.vat_rate_get_any(actor=info.context.user, vat_rate_id=global_pk(id, "VatRate"))
        if vat_rate is None:
            raise ValidationError({"id": ValidationError(_("Unknown VAT rate."), code=error_codes.VAT_RATE_UNKNOWN)})
        changes = {k: v for k, v in {"label": label, "active": active, "is_default": is_default}.items()
                   if v is not None}
        return services.vat_rate_save(actor=info.context.user, vat_rate=vat_rate, **changes)
