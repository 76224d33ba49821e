"""GraphQL types of identities and tenants."""

import strawberry
import strawberry_django
from django.db import connection
from django.db.models import QuerySet
from strawberry.types import Info

from saas.core.graph import TenantNode
from tenants import models, selectors


@strawberry_django.type(models.User, name="User")
class UserType(TenantNode):
    email: str
    full_name: str
    language: str
    time_zone: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        # An identity is visible in a tenant only while it is a member of it.
        return queryset.filter(memberships__tenant__schema_name=connection.schema_name,
                               memberships__is_active=True).distinct()


@strawberry_django.type(models.Tenant, name="Tenant")
class TenantType:
    name: str
    plan: str
    language: str
    created_at: strawberry.auto

    @strawberry.field
    def slug(self, root: models.Tenant) -> str:
        return root.schema_name

    @strawberry.field
    def status(self, root: models.Tenant) -> str:
        return root.status.upper()

    @strawberry.field(description="The tenant's web address.")
    def url(self, root: models.Tenant) -> str:
        return selectors.tenant_url(root)


@strawberry_django.type(models.Membership, name="Membership")
class MembershipType:
    tenant: TenantType
    is_admin: bool
    is_active: bool
    created_at: strawberry.auto

    @strawberry.field
    def kind(self, root: models.Membership) -> str:
        return root.kind.upper()


@strawberry.type(name="Me")
class MeType:
    user: UserType
    tenant: TenantType
    membership: MembershipType
    memberships: list[MembershipType]


@strawberry.type
class SlugAvailability:
    slug: str
    available: bool
    code: str | None = None
    message: str | None = None


@strawberry.input
class SignupInput:
    company_name: str
    slug: str
    email: str
    password: str
    language: str = "fr"


@strawberry.type
class SignupSuccess:
    tenant: TenantType
    url: str = strawberry.field(description="Where the new company logs in.")
    created_user: bool


@strawberry.type
class LoginSuccess:
    me: MeType


@strawberry.type
class LogoutSuccess:
    ok: bool


@strawberry.type
class PasswordResetRequested:
    ok: bool = strawberry.field(description="Always true: the answer does not tell whether the email has an account.")


@strawberry.type
class PasswordResetDone:
    email: str = strawberry.field(description="The identity whose password changed, now logged in on this host.")


@strawberry.type
class TenantSwitch:
    url: str = strawberry.field(description="Open it within a minute to be logged in on the other tenant.")
    tenant: TenantType
