import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from saas.catalog import pricing, services
from saas.catalog.models import Product, ProductFamily, Unit
from saas.crm import services as crm
from tests.conftest import messages
from tests.helpers import gid


@pytest.fixture
def shop(acme, acme_admin):
    connection.set_schema("acme")
    tools = services.family_create(actor=acme_admin, fields={"name": "Tools"})
    saws = services.family_create(actor=acme_admin, fields={"name": "Saws", "parent": tools})
    unit = Unit.objects.get(code="u")
    saw = services.item_create(actor=acme_admin, model=Product, fields={
        "sku": "SAW", "name": "Saw", "family": saws, "unit": unit, "sale_price": Decimal("100"),
        "purchase_price": Decimal("40")})
    hammer = services.item_create(actor=acme_admin, model=Product, fields={
        "sku": "HAM", "name": "Hammer", "family": tools, "unit": unit, "sale_price": Decimal("20")})
    vip = crm.account_create(actor=acme_admin, fields={"name": "VIP"})
    other = crm.account_create(actor=acme_admin, fields={"name": "Walk-in"})
    yield {"actor": acme_admin, "tools": tools, "saws": saws, "saw": saw, "hammer": hammer, "vip": vip,
           "other": other}
    connection.set_schema_to_public()


def test_most_specific_rule_wins_with_quantity_breaks_dates_and_account_lists(shop):
    actor = shop["actor"]
    default = pricing.price_list_create(actor=actor, name="Public", is_default=True)
    pricing.price_rule_add(actor=actor, price_list=default, kind="discount", value=Decimal("10"),
                           family=shop["tools"])
    pricing.price_rule_add(actor=actor, price_list=default, kind="discount", value=Decimal("20"),
                           family=shop["tools"], min_quantity=Decimal("10"))
    vip = pricing.price_list_create(actor=actor, name="VIP")
    pricing.price_list_assign(actor=actor, price_list=vip, accounts=[shop["vip"]])
    pricing.price_rule_add(actor=actor, price_list=vip, kind="fixed_price", value=Decimal("75"), item=shop["saw"],
                           valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31))
    pricing.price_rule_add(actor=actor, price_list=vip, kind="markup_on_cost", value=Decimal("50"))

    def price(item, account=None, quantity="1", date=dt.date(2026, 6, 1)):
        return pricing.price_for(actor=actor, item=shop[item], account=shop.get(account), quantity=Decimal(quantity),
                                 date=date)

    assert price("saw").unit_price == Decimal("90.0000")  # ancestor family discount, default list
    assert price("saw", quantity="12").unit_price == Decimal("80.0000")  # quantity break
    assert price("saw", "vip").unit_price == Decimal("75.0000")  # the item's own rule beats families
    assert "VIP" in price("saw", "vip").explanation
    assert price("saw", "vip", date=dt.date(2027, 1, 2)).unit_price == Decimal("90.0000")  # fixed price expired
    # the hammer has no purchase price: the VIP markup cannot apply, the family discount does
    assert price("hammer", "vip").unit_price == Decimal("18.0000")
    assert price("hammer", "other").rule.price_list.name == "Public"


def test_without_price_lists_the_catalog_price_applies(shop):
    result = pricing.price_for(actor=shop["actor"], item=shop["saw"])
    assert (result.unit_price, result.rule) == (Decimal("100"), None)


def test_conflicting_rules_at_the_same_priority_are_refused(shop):
    actor = shop["actor"]
    public = pricing.price_list_create(actor=actor, name="Public", is_default=True)
    pricing.price_rule_add(actor=actor, price_list=public, kind="discount", value=Decimal("5"), item=shop["saw"],
                           valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30))
    with pytest.raises(ValidationError) as refusal:
        pricing.price_rule_add(actor=actor, price_list=public, kind="fixed_price", value=Decimal("80"),
                               item=shop["saw"], valid_from=dt.date(2026, 6, 1))
    assert refusal.value.error_dict["priority"][0].code == "rule_conflict"
    pricing.price_rule_add(actor=actor, price_list=public, kind="fixed_price", value=Decimal("80"),
                           item=shop["saw"], valid_from=dt.date(2026, 7, 1))  # no overlap: accepted
    pricing.price_rule_add(actor=actor, price_list=public, kind="fixed_price", value=Decimal("70"),
                           item=shop["saw"], priority=5)  # another priority: accepted


def test_price_through_graphql_explains_the_rule(shop, acme_admin_api):

    connection.set_schema_to_public()
    created = acme_admin_api.execute('mutation { priceListCreate(name: "Public", isDefault: true) '
                                     '{ ... on PriceList { id } } }')["data"]["priceListCreate"]
    family = gid(shop['tools'], "ProductFamily")
    add = """mutation($list: ID!, $input: PriceRuleInput!) { priceRuleAdd(priceListId: $list, input: $input) {
      __typename ... on PriceList { rules { kind value } } ... on OperationInfo { messages { field code } } } }"""
    ok = acme_admin_api.execute(add, {"list": created["id"], "input": {"kind": "discount", "value": "25",
                                                                       "familyId": family}})
    assert ok["data"]["priceRuleAdd"]["rules"] == [{"kind": "discount", "value": "25.0000"}]
    bad = acme_admin_api.execute(add, {"list": created["id"], "input": {"kind": "discount", "value": "-3"}})
    assert messages(bad["data"]["priceRuleAdd"]) == {"value": "negative_value"}
    result = acme_admin_api.execute(
        'query($item: ID!) { price(itemId: $item, quantity: "2") { unitPrice basePrice explanation '
        'priceList { name } } }', {"item": gid(shop['saw'], "Product")})["data"]["price"]
    assert (result["unitPrice"], result["basePrice"], result["priceList"]) == ("75.0000", "100.0000",
                                                                               {"name": "Public"})
    assert "Public" in result["explanation"]


def test_family_tree_has_no_loop_in_pricing(shop):
    ProductFamily.objects.filter(pk=shop["tools"].pk).update(parent=shop["saws"])  # a loop made behind our back
    assert pricing.price_for(actor=shop["actor"], item=shop["saw"]).unit_price == Decimal("100")
