"""N+1 guards: the record page and a list with nested contacts run a constant number of SQL queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saas.crm import services
from saas.records.services import comments, tags
from tests.helpers import gid

RECORD_PAGE = """query($id: ID!) { node(id: $id) { ... on Account {
  id number displayName version name header { field value } keyFields { field value }
  tags { name } owner { ... on User { email } }
  comments(rollUp: true, first: 20) { totalCount edges { node { body author { email }
    record { __typename displayName } } } }
  history(first: 20) { totalCount edges { node { kind at actor { email } changes { field old new } } } }
  relatedTabs { key count }
} } }"""

LIST = """{ accounts(first: 100) { totalCount edges { node { name number tags { name }
  contacts(first: 10) { totalCount edges { node { displayName email } } } } } } }"""


def grow(actor, account, contacts: int, comments_each: int):
    connection.set_schema("acme")
    for i in range(contacts):
        contact = services.contact_create(actor=actor, fields={"last_name": f"P{i}", "account": account})
        for j in range(comments_each):
            comments.comment_add(actor=actor, record=contact, body=f"c{i}-{j}")
        services.contact_update(actor=actor, contact=contact, version=1, fields={"job_title": "Buyer"})
    for j in range(comments_each):
        comments.comment_add(actor=actor, record=account, body=f"a{j}")
    tags.tag_add(actor=actor, record=account, name=f"t{contacts}")
    connection.set_schema_to_public()


def count_queries(api, query, variables=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = api.execute(query, variables)
    assert "errors" not in result, result
    return len(captured)


def test_record_page_query_count_does_not_grow_with_data(world, acme_admin_api, acme_admin):
    account = gid(world.account)
    grow(acme_admin, world.account, contacts=1, comments_each=1)
    small = count_queries(acme_admin_api, RECORD_PAGE, {"id": account})
    grow(acme_admin, world.account, contacts=8, comments_each=4)
    large = count_queries(acme_admin_api, RECORD_PAGE, {"id": account})
    assert large == small
    # 20, plus one per related model the history page names (owner, author, tag): they show as names, not ids.
    assert small <= 24


def test_account_list_with_contacts_query_count_does_not_grow(world, acme_admin_api, acme_admin):
    connection.set_schema("acme")
    for i in range(3):
        account = services.account_create(actor=acme_admin, fields={"name": f"List {i}"})
        tags.tag_add(actor=acme_admin, record=account, name="vip0")  # (an empty prefetch would save a query)
        services.contact_create(actor=acme_admin, fields={"last_name": f"L{i}", "account": account})
    connection.set_schema_to_public()
    small = count_queries(acme_admin_api, LIST)
    connection.set_schema("acme")
    for i in range(30):
        account = services.account_create(actor=acme_admin, fields={"name": f"More {i}"})
        tags.tag_add(actor=acme_admin, record=account, name=f"vip{i % 3}")
        for j in range(3):
            services.contact_create(actor=acme_admin, fields={"last_name": f"M{i}-{j}", "account": account})
    connection.set_schema_to_public()
    large = count_queries(acme_admin_api, LIST)
    assert large == small


def test_deal_and_product_lists_query_count_does_not_grow(acme, acme_admin_api, acme_admin):
    from decimal import Decimal

    from saas.catalog import services as catalog
    from saas.catalog.models import Product, Unit
    from saas.crm import leads

    query = """{ deals(first: 100) { totalCount edges { node { name amount stage account { name }
                  contact { displayName } } } }
                products(first: 100) { edges { node { sku unit { code } vatRate { rate } family { name } } } } }"""

    def add(count: int, start: int):
        connection.set_schema("acme")
        family = catalog.family_create(actor=acme_admin, fields={"name": f"F{start}"})
        for i in range(start, start + count):
            account = services.account_create(actor=acme_admin, fields={"name": f"D{i}"})
            contact = services.contact_create(actor=acme_admin, fields={"last_name": f"C{i}", "account": account})
            leads.deal_create(actor=acme_admin, fields={"name": f"Deal {i}", "account": account, "contact": contact})
            catalog.item_create(actor=acme_admin, model=Product, fields={
                "sku": f"P{i}", "name": f"P{i}", "family": family, "unit": Unit.objects.get(code="u"),
                "sale_price": Decimal("1")})
        connection.set_schema_to_public()

    add(2, 0)
    small = count_queries(acme_admin_api, query)
    add(20, 100)
    assert count_queries(acme_admin_api, query) == small
