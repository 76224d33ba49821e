"""Tenant-side access: teams, roles (a tree), profiles (module and field rights), sharing, API tokens.

Identities and memberships live in the public schema; who holds which role in this company is a tenant
table (`UserRole`), so each company arranges its own tree.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.access.enums import DefaultAccess, FieldAccess, RuleAccess


class Team(models.Model):
    """A group of users that can own records and be assigned activities."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMember", related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="teammember_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class ApiToken(models.Model):
    """An integrator's bearer token. Only its SHA-256 is stored; the secret is shown once."""

    name = models.CharField(_("name"), max_length=100)
    # Identities live in the public schema: Django's delete collector, running there, cannot see this
    # table, so it must not cascade; no database constraint (see saas.records.models.user_fk): an identity
    # holding a membership cannot be deleted (tenants.Membership.user is PROTECT); it is deactivated.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # `<module or area or *>:<read|write>` (write implies read): what the token may touch, within its user's rights.
    scopes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Profile(models.Model):
    """A set of rights: per module (view, create, edit, delete, export, import) and per field."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True, default="")
    # vtiger's global privileges: see / change every record of the modules it may view, whatever its owner.
    view_all = models.BooleanField(default=False)
    edit_all = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ModulePermission(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="modules")
    module = models.CharField(max_length=64)
    view = models.BooleanField(default=False)
    create = models.BooleanField(default=False)
    edit = models.BooleanField(default=False)
    delete = models.BooleanField(default=False)
    export = models.BooleanField(default=False)
    can_import = models.BooleanField(default=False, db_column="import")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "module"], name="modulepermission_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id}/{self.module}"


class FieldPermission(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="fields")
    module = models.CharField(max_length=64)
    field = models.CharField(max_length=64)
    access = models.CharField(max_length=10, choices=FieldAccess.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "module", "field"], name="fieldpermission_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id}/{self.module}.{self.field}={self.access}"


class Role(models.Model):
    """A place in the company's hierarchy: a role sees the records owned by the users of the roles below it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # The ids from the root down to this role, `/1/4/9/`: the subordinates are one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    profiles = models.ManyToManyField(Profile, blank=True, related_name="roles")
    # The role of the members who were given none (invited staff, before an admin places them).
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                               name="role_one_default")]

    def __str__(self) -> str:
        return self.name


class UserRole(models.Model):
    """The role of a member in this company (the membership itself lives in the public schema)."""

    # No cascade from the public schema (see ApiToken.user).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                                db_constraint=False)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="users")

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role_id}"


class ModuleDefault(models.Model):
    """The organisation-wide default of a module; a module without a row is public read and write."""

    module = models.CharField(max_length=64, unique=True)
    access = models.CharField(max_length=20, choices=DefaultAccess.choices)

    def __str__(self) -> str:
        return f"{self.module}: {self.access}"


class SharingRule(models.Model):
    """Records of a module owned by a role's users (or a team) are shared with another role's users (or a team)."""

    module = models.CharField(max_length=64)
    from_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    from_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    to_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    to_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    access = models.CharField(max_length=8, choices=RuleAccess.choices, default=RuleAccess.READ)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["module", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(from_role__isnull=False, from_team__isnull=True)
                                   | models.Q(from_role__isnull=True, from_team__isnull=False),
                                   name="sharingrule_one_source"),
            models.CheckConstraint(condition=models.Q(to_role__isnull=False, to_team__isnull=True)
                                   | models.Q(to_role__isnull=True, to_team__isnull=False),
                                   name="sharingrule_one_target"),
        ]

    def __str__(self) -> str:
        return f"{self.module}: {self.from_role_id or self.from_team_id} → {self.to_role_id or self.to_team_id}"


class ApiTokenEvent(models.Model):
    """One use of an API token: when, which operation, from where (the admins' event log)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    operation = models.CharField(max_length=200, blank=True, default="")
    address = models.GenericIPAddressField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(default=200)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.token_id} {self.operation} at {self.at}"
