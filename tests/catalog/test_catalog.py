import pytest
from django_tenants.utils import schema_context
from strawberry.relay import to_base64

from saas.catalog.models import Product, Unit, VatRate
from tests.conftest import messages

PRODUCT = """mutation($input: ItemInput!, $quick: Boolean) { productCreate(input: $input, quickCreate: $quick) {
  __typename ... on Product { id number sku name salePrice source unit { code } vatRate { rate isDefault }
    family { name } }
  ... on OperationInfo { messages { field code message } } } }"""
SERVICE = PRODUCT.replace("productCreate", "serviceCreate").replace("... on Product", "... on Service")


def create(api, query=PRODUCT, quick=False, **fields):
    return api.execute(query, {"input": {"sku": "REF-1", "name": "Widget", **fields}, "quick": quick})


@pytest.mark.smoke
def test_every_tenant_starts_with_the_french_vat_rates_and_units(acme):
    with schema_context("acme"):
        assert sorted(str(rate) for rate in VatRate.objects.values_list("rate", flat=True)) == [
            "0.00", "10.00", "2.10", "20.00", "5.50"]
        assert VatRate.objects.get(is_default=True).rate == 20
        assert {"u", "h", "d", "kg", "pkg"} <= set(Unit.objects.values_list("code", flat=True))


def test_product_gets_number_defaults_and_is_a_record(acme_admin_api):
    product = create(acme_admin_api, salePrice="12.50")["data"]["productCreate"]
    assert product["number"].startswith("PRD-")
    assert (product["sku"], product["salePrice"], product["source"]) == ("REF-1", "12.50", "MANUAL")
    assert product["unit"] == {"code": "u"}
    assert product["vatRate"] == {"rate": "20.00", "isDefault": True}
    comment = acme_admin_api.execute('mutation($id: ID!) { commentAdd(recordId: $id, body: "in stock?") '
                                     '{ __typename } }', {"id": product["id"]})
    assert comment["data"]["commentAdd"]["__typename"] == "Comment"


def test_quick_create_from_a_line_item_says_so(acme_admin_api):
    product = create(acme_admin_api, quick=True)["data"]["productCreate"]
    assert product["source"] == "QUICK_CREATE"


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"salePrice": "-1"}, "salePrice", "negative_price"),
    ({"purchasePrice": "-0.01"}, "purchasePrice", "negative_price"),
    ({"sku": " "}, "sku", "sku_required"),
    ({"vatRateId": to_base64("VatRate", "acme.999")}, "vatRateId", "vat_rate_unknown"),
    ({"unit": "parsec"}, "unit", "unit_unknown"),
])
def test_bad_items_are_refused_and_nothing_is_written(acme_admin_api, fields, field, code):
    result = create(acme_admin_api, **fields)
    assert messages(result["data"]["productCreate"])[field] == code
    with schema_context("acme"):
        assert Product.objects.count() == 0


def test_a_reference_names_one_item_across_products_and_services(acme_admin_api):
    create(acme_admin_api)
    as_service = create(acme_admin_api, query=SERVICE, sku="ref-1")
    assert messages(as_service["data"]["serviceCreate"]) == {"sku": "sku_taken"}
    again = create(acme_admin_api)
    assert messages(again["data"]["productCreate"]) == {"sku": "sku_taken"}


def test_families_form_a_tree_with_related_tabs_and_filters(acme_admin_api):
    family = "mutation($name: String!, $parent: ID) { productFamilyCreate(input: {name: $name, parentId: $parent}) " \
             "{ ... on ProductFamily { id version } } }"
    tools = acme_admin_api.execute(family, {"name": "Tools"})["data"]["productFamilyCreate"]
    saws = acme_admin_api.execute(family, {"name": "Saws", "parent": tools["id"]})["data"]["productFamilyCreate"]
    create(acme_admin_api, sku="SAW-1", name="Hand saw", familyId=saws["id"])
    create(acme_admin_api, query=SERVICE, sku="SHARPEN", name="Sharpening", familyId=saws["id"])
    tabs = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on ProductFamily { relatedTabs { key count } '
                                  'products { edges { node { sku } } } } } }', {"id": saws["id"]})["data"]["node"]
    assert tabs["relatedTabs"] == [{"key": "products", "count": 1}, {"key": "services", "count": 1},
                                   {"key": "children", "count": 0}]
    assert tabs["products"]["edges"] == [{"node": {"sku": "SAW-1"}}]
    listed = acme_admin_api.execute('{ products(filters: {family: {name: {exact: "Saws"}}}) { totalCount } }')
    assert listed["data"]["products"]["totalCount"] == 1
    cycle = acme_admin_api.execute(
        "mutation($id: ID!, $parent: ID) { productFamilyUpdate(id: $id, version: 1, input: {parentId: $parent}) "
        "{ ... on OperationInfo { messages { field code } } } }", {"id": tools["id"], "parent": saws["id"]})
    assert messages(cycle["data"]["productFamilyUpdate"]) == {"parent": "family_cycle"}


def test_vat_rates_and_units_are_listed(acme_admin_api):
    result = acme_admin_api.execute("{ vatRates { rate label isDefault } units { code label } }")
    assert result["data"]["vatRates"][0] == {"rate": "20.00", "label": "TVA 20 %", "isDefault": True}
    assert {"code": "h", "label": "Heure"} in result["data"]["units"]


def test_tenant_admins_edit_vat_rates(acme_admin_api):
    create = 'mutation($rate: Decimal!, $default: Boolean!) { vatRateCreate(rate: $rate, isDefault: $default) { ' \
             '__typename ... on VatRate { id rate label isDefault } ' \
             '... on OperationInfo { messages { field code } } } }'
    created = acme_admin_api.execute(create, {"rate": "8.5", "default": True})["data"]["vatRateCreate"]
    assert (created["label"], created["isDefault"]) == ("TVA 8.5 %", True)
    odd = acme_admin_api.execute(create, {"rate": "12", "default": False})
    assert messages(odd["data"]["vatRateCreate"]) == {"rate": "vat_rate_unknown"}
    duplicate = acme_admin_api.execute(create, {"rate": "20", "default": False})
    assert messages(duplicate["data"]["vatRateCreate"]) == {"rate": "vat_rate_exists"}
    rates = acme_admin_api.execute("{ vatRates { rate isDefault } }")["data"]["vatRates"]
    assert [r["rate"] for r in rates if r["isDefault"]] == ["8.50"]
    retired = acme_admin_api.execute('mutation($id: ID!) { vatRateUpdate(id: $id, active: false) { __typename '
                                     '... on OperationInfo { messages { field code } } } }', {"id": created["id"]})
    assert messages(retired["data"]["vatRateUpdate"]) == {"active": "vat_rate_unknown"}
