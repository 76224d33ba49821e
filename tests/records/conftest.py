import pytest
from django.db import connection

from saas.crm import services


class World:
    """An account with contacts in acme, created through the services."""

    def __init__(self, actor, contacts: int = 2):
        connection.set_schema("acme")
        self.actor = actor
        self.parent = services.account_create(actor=actor, fields={"name": "Holding"})
        self.account = services.account_create(actor=actor, fields={"name": "Acme Corp", "parent": self.parent,
                                                                    "billing_city": "Lyon"})
        self.contacts = [
            services.contact_create(actor=actor, fields={"first_name": f"C{i}", "last_name": f"Person{i}",
                                                         "account": self.account})
            for i in range(contacts)
        ]
        connection.set_schema_to_public()


@pytest.fixture
def world(acme, acme_admin) -> World:
    return World(acme_admin)
