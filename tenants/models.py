"""Public-schema models: tenants, their domains, global identities and memberships."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.enums import Language, MembershipKind, TenantAuditAction, TenantStatus


class Tenant(TenantMixin):
    """A company that signed up: one PostgreSQL schema named after its slug."""

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(max_length=16, choices=TenantStatus.choices, default=TenantStatus.ACTIVE)
    plan = models.CharField(max_length=32, default="trial")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.FRENCH)
    created_at = models.DateTimeField(default=timezone.now)

    # Schemas are created by tenants.services (template replay), never implicitly on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["schema_name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.schema_name})"

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_active(self) -> bool:
        return self.status == TenantStatus.ACTIVE


class Domain(DomainMixin):
    pass


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A global identity (one person), who may enter the tenants of its memberships."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.FRENCH)
    # An IANA name (zoneinfo): pages show dates and times in it.
    time_zone = models.CharField(max_length=64, default="Europe/Paris")
    is_active = models.BooleanField(default=True)
    # Platform operators (Django admin on the public host), not tenant administrators.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


class Membership(models.Model):
    """Who may enter which tenant, and as what."""

    # PROTECT: tenant rows name their members' identities without a database constraint (see
    # saas.records.models.user_fk), so an identity holding a membership, even deactivated, cannot be deleted
    # (deactivate it); its memberships go with their tenants, and then it can.
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=16, choices=MembershipKind.choices, default=MembershipKind.STAFF)
    is_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant", "kind"], name="membership_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.tenant.schema_name} ({self.kind})"


class TemplateSchema(models.Model):
    """The DDL of the migrated template schema, cached after each migrate, replayed at signup."""

    ddl = models.TextField()
    migrations_applied = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"template DDL of {self.created_at:%Y-%m-%d %H:%M} ({self.migrations_applied} migrations)"


class SpareSchema(models.Model):
    """A schema copied from the template ahead of time, renamed to a new tenant's slug at signup (tenants.pool)."""

    schema_name = models.CharField(max_length=63, unique=True)
    # The digest of its applied migrations: only a spare at the template's state is taken.
    state = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.schema_name


class LoginToken(models.Model):
    """A one-time, short-lived handover of a session from one tenant host to another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login token of {self.user_id} for {self.tenant_id}"


class TenantAuditEvent(models.Model):
    """Who did what to a tenant as an operator, and when; kept after the tenant is gone (no foreign key)."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=16, choices=TenantAuditAction.choices)
    tenant_slug = models.CharField(max_length=63, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.tenant_slug}"


class Session(AbstractBaseSession):
    """A browser session (tenants.sessions), bound to the host it was opened on and naming who logged into it, so
    that a member's sessions can be ended (deactivation on one tenant, password reset on all of them)."""

    # The schema of the host (the public one for the public host): a key presented on another host is unknown there.
    schema_name = models.CharField(max_length=63)
    # A plain column, not a foreign key: written from the session's data on every save, it must not fail the
    # save of a session whose identity went meanwhile (the next request finds no such user and is anonymous).
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["schema_name", "user_id"], name="session_schema_user")]

    @classmethod
    def get_session_store_class(cls):
        from tenants.sessions import SessionStore

        return SessionStore
