from decimal import Decimal

import pytest
from django.db import connection

from saas.catalog import services as catalog
from saas.catalog.models import Product, Unit, VatRate
from saas.crm import services as crm


@pytest.fixture
def customer(acme, acme_admin):
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={
        "name": "Customer", "billing_street": "1 rue de la Paix", "billing_postal_code": "69001",
        "billing_city": "Lyon", "payment_terms_days": 45})
    saw = catalog.item_create(actor=acme_admin, model=Product, fields={
        "sku": "SAW", "name": "Saw", "unit": Unit.objects.get(code="u"), "sale_price": Decimal("450")})
    food = catalog.item_create(actor=acme_admin, model=Product, fields={
        "sku": "FOOD", "name": "Food", "unit": Unit.objects.get(code="kg"), "sale_price": Decimal("35.50"),
        "vat_rate": VatRate.objects.get(rate=Decimal("5.5"))})
    connection.set_schema_to_public()
    return {"account": account, "saw": saw, "food": food}
