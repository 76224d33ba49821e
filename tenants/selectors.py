"""Reads of the public schema: tenants, identities, memberships."""

from django.conf import settings
from django.db.models import QuerySet

from tenants.enums import MembershipKind, TenantStatus
from tenants.models import Membership, Tenant, User


def tenant_schema_names() -> list[str]:
    """Every tenant schema (the public one and the template excluded)."""
    return list(
        Tenant.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME])
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def tenant_list(*, status: str | None = None) -> QuerySet[Tenant]:
    """Tenants as operators list them: the public row and the template hidden."""
    tenants = Tenant.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME])
    if status:
        tenants = tenants.filter(status=status)
    return tenants.prefetch_related("domains")


def tenant_get(*, slug: str) -> Tenant | None:
    """The tenant of that slug, or None (the public row and the template are not tenants)."""
    return tenant_list().filter(schema_name=slug).first()


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in active tenants, tenant and domains loaded."""
    return (
        Membership.objects.filter(user=user, is_active=True, tenant__status=TenantStatus.ACTIVE)
        .select_related("tenant")
        .prefetch_related("tenant__domains")
        .order_by("tenant__name")
    )


def tenant_list_for_user(*, user: User) -> QuerySet[Tenant]:
    """Every tenant where the identity holds a membership, deactivated or not, by name."""
    return Tenant.objects.filter(pk__in=Membership.objects.filter(user=user).values("tenant_id")).order_by("name")


def membership_get(*, user, tenant: Tenant) -> Membership | None:
    """The user's active membership in that tenant (staff first), or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    memberships = Membership.objects.filter(user=user, tenant=tenant, is_active=True)
    return min(memberships, key=lambda membership: membership.kind != MembershipKind.STAFF, default=None)


def tenant_url(tenant: Tenant, path: str = "/") -> str:
    """The absolute URL of a tenant's host."""
    return f"{settings.PUBLIC_URL_SCHEME}://{tenant_host(tenant)}{path}"


def tenant_host(tenant: Tenant) -> str:
    host = f"{tenant.schema_name}.{settings.BASE_DOMAIN}"
    if settings.PUBLIC_URL_PORT:
        host += f":{settings.PUBLIC_URL_PORT}"
    return host


def member_get(*, tenant: Tenant, user_id) -> User | None:
    """An identity with an active membership in the tenant, or None."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True, memberships__tenant=tenant,
                               memberships__is_active=True).distinct().first()


def member_list(*, tenant: Tenant) -> QuerySet[User]:
    """The staff of a tenant (active identities with an active staff membership), by name: who records go to."""
    return User.objects.filter(is_active=True, memberships__tenant=tenant, memberships__is_active=True,
                               memberships__kind=MembershipKind.STAFF).distinct().order_by("full_name", "email")


def staff_membership_list(*, tenant: Tenant) -> QuerySet[Membership]:
    """The tenant's staff memberships, active and deactivated, with their identities, by email."""
    return (Membership.objects.filter(tenant=tenant, kind=MembershipKind.STAFF)
            .select_related("user", "tenant").order_by("user__email"))


def staff_membership_get(*, tenant: Tenant, membership_id) -> Membership | None:
    """One staff membership of the tenant, or None (another tenant's answers the same)."""
    if membership_id is None:
        return None
    return staff_membership_list(tenant=tenant).filter(pk=membership_id).first()


# What the tenant apps (saas.*) read of identities, so that they never import this app's models.

def user_get(*, user_id) -> User:
    return User.objects.get(pk=user_id)


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email).first()


def users_by_id(ids) -> dict[int, User]:
    return User.objects.in_bulk(set(ids))


def staff_admin_flag(*, user_id, schema_name: str) -> bool | None:
    """Whether the user is an admin of the tenant of that schema, as an active staff member; None when not one."""
    membership = Membership.objects.filter(user_id=user_id, tenant__schema_name=schema_name, is_active=True,
                                           kind=MembershipKind.STAFF).values("is_admin").first()
    return None if membership is None else membership["is_admin"]
