from django.utils.translation import gettext_lazy as _

from saas.catalog import selectors
from saas.catalog.models import Product, ProductFamily, Service
from saas.records.registry import Block, Column, RecordType, Relation, register

ITEM_LIST = dict(
    defaulted_fields=("sku", "unit", "sale_price", "vat_rate"),
    list_sort="name", list_search=("name", "sku"),
    list_columns=("name", "sku", "sale_price", Column("vat_rate.rate", kind="PERCENT"), "unit.code", "active",
                  Column("purchase_price", more=True)),
)
ITEM_BLOCKS = (
    Block("item", _("Item"), ("sku", "name", "family", "unit", "active")),
    Block("prices", _("Prices"), ("sale_price", "purchase_price", "vat_rate")),
    Block("description", _("Description"), ("description",)),
)


def register_record_types() -> None:
    register(RecordType(
        key="product_families", list_selector=selectors.family_list,
        model=ProductFamily, label=_("Product family"),
        label_plural=_("Product families"), graphql_type="ProductFamily", number_prefix="FAM", icon="folder",
        header_fields=("name", "parent"), key_fields=("parent",), quick_create_fields=("name", "parent"),
        blocks=(Block("family", _("Family"), ("name", "parent")),),
        relations=(
            Relation("products", _("Products"), "catalog.Product", "family"),
            Relation("services", _("Services"), "catalog.Service", "family"),
            Relation("children", _("Sub-families"), "catalog.ProductFamily", "parent"),
        ),
        search_fields=("name",),
        filter_fields=("name", "parent"), ordering_fields=("name",),
    ))
    register(RecordType(
        key="products", list_selector=selectors.product_list,
        model=Product, label=_("Product"), label_plural=_("Products"), graphql_type="Product",
        number_prefix="PRD", icon="box",
        header_fields=("sku", "sale_price", "vat_rate", "active"),
        key_fields=("family", "unit", "sale_price", "purchase_price", "vat_rate", "stock_managed"),
        quick_create_fields=("sku", "name", "sale_price", "vat_rate", "unit"),
        blocks=(*ITEM_BLOCKS, Block("stock", _("Stock"), ("stock_managed",))),
        search_fields=("sku", "name", "description"),
        filter_fields=("sku", "name", "active", "stock_managed", "sale_price", "family"),
        ordering_fields=("sku", "name", "sale_price", "created_at"),
        nav_order=1, add_label=_("Add product"), **ITEM_LIST,
    ))
    register(RecordType(
        key="services", list_selector=selectors.service_list,
        model=Service, label=_("Service"), label_plural=_("Services"), graphql_type="Service",
        number_prefix="SRV", icon="briefcase",
        header_fields=("sku", "sale_price", "vat_rate", "active"),
        key_fields=("family", "unit", "sale_price", "purchase_price", "vat_rate"),
        quick_create_fields=("sku", "name", "sale_price", "vat_rate", "unit"),
        blocks=ITEM_BLOCKS,
        search_fields=("sku", "name", "description"),
        filter_fields=("sku", "name", "active", "sale_price", "family"),
        ordering_fields=("sku", "name", "sale_price", "created_at"),
        nav_order=2, add_label=_("Add service"), **ITEM_LIST,
    ))
