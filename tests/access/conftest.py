"""Access-rights fixtures: staff members of acme holding a role, each with its own logged-in API client."""

import pytest
from django.db import connection

from saas.access.models import Role
from saas.access.roles import user_role_set
from tenants.models import Membership, Tenant, User
from tests.conftest import LOGIN, PASSWORD, GraphQLClient


def staff(email: str, role: str | None) -> tuple[User, GraphQLClient]:
    """A plain (non-admin) staff member of acme holding `role` (None: the default role), logged in."""
    user = User.objects.create_user(email, PASSWORD)
    Membership.objects.create(user=user, tenant=Tenant.objects.get(schema_name="acme"))
    if role is not None:
        connection.set_schema("acme")
        user_role_set(actor=None, user=user, role=Role.objects.get(name=role))
        connection.set_schema_to_public()
    api = GraphQLClient("acme.localhost")
    assert api.execute(LOGIN, {"email": email, "password": PASSWORD})["data"]["login"]["__typename"] == "LoginSuccess"
    return user, api


@pytest.fixture
def sales(acme):
    """A salesperson (role Sales) and its API client."""
    return staff("sales@acme.example.com", "Sales")


@pytest.fixture
def colleague(acme):
    """Another salesperson (role Sales)."""
    return staff("colleague@acme.example.com", "Sales")


@pytest.fixture
def staff_member(acme):
    """Make more staff members: `staff_member(email, role)`."""
    return staff
