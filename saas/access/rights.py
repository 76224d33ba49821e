"""What an actor may do in this company: its grant, computed once per request from its membership, its role,
the role's profiles, its teams, the organisation-wide defaults, the sharing rules aimed at it and, when it acts
through an API token, the token's scopes.

`can` / `require` answer module rights; `saas.access.visibility` turns the same grant into queryset filters.
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from saas.access import error_codes, modules
from saas.access.enums import Action, DefaultAccess, FieldAccess, RuleAccess
from saas.access.models import (
    FieldPermission,
    ModuleDefault,
    ModulePermission,
    Profile,
    Role,
    SharingRule,
    TeamMember,
    UserRole,
)

READ_ACTIONS = frozenset({Action.VIEW, Action.EXPORT})
# The scope target of the tenant's settings (roles, members, company, workflows...), beside modules and areas.
ADMIN_SCOPE = "admin"


@dataclass(frozen=True)
class Rule:
    """A sharing rule aimed at the actor: records of `module` owned by a role's users or by a team."""

    module: str
    write: bool
    from_role_id: int | None
    from_team_id: int | None


@dataclass
class Grant:
    # No restriction at all: the system (tasks, signals without a user) and the tenant's admins without a token.
    unrestricted: bool = False
    admin: bool = False
    user_id: int | None = None
    role_id: int | None = None
    role_path: str = ""
    default_role_id: int | None = None
    default_role_path: str | None = None
    view_all: bool = False
    edit_all: bool = False
    actions: dict[str, frozenset] = field(default_factory=dict)
    hidden: dict[str, frozenset] = field(default_factory=dict)
    read_only: dict[str, frozenset] = field(default_factory=dict)
    team_ids: tuple[int, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    # `{(module, area or "*"): "read" | "write"}` of the token the actor acts through; None without a token.
    scopes: dict[str, str] | None = None
    # `{user_id: (role_id, role_path)}` of the company's members, read by saas.access.visibility when it needs it.
    member_roles: dict[int, tuple[int, str]] | None = None

    def allows(self, module: str, action: str) -> bool:
        """The module right, within the token's scopes."""
        if self.unrestricted:
            return True
        if self.scopes is not None and not scope_allows(self.scopes, module, action):
            return False
        return self.admin or action in self.actions.get(module, ())

    def default(self, module: str) -> str:
        return self.defaults.get(module, DefaultAccess.PUBLIC_READ_WRITE)

    def sees_every_row(self, module: str, *, write: bool = False) -> bool:
        """Every record of the module, whatever its owner (module rights aside)."""
        if self.unrestricted or self.admin or (self.edit_all if write else self.view_all or self.edit_all):
            return True
        default = self.default(module)
        return default == DefaultAccess.PUBLIC_READ_WRITE or (not write and default == DefaultAccess.PUBLIC_READ)


SYSTEM = Grant(unrestricted=True)
NOBODY = Grant()

# Writes that follow from an operation already allowed (the entry an issued invoice posts) are the system's.
_consequence = contextvars.ContextVar("access_consequence", default=False)


@contextlib.contextmanager
def consequence():
    """Inside: writes are the consequence of an allowed operation, not the actor's own, and are not checked."""
    token = _consequence.set(True)
    try:
        yield
    finally:
        _consequence.reset(token)


def grant_for(actor) -> Grant:
    """The actor's grant in the current tenant, computed once per actor object (one request)."""
    if actor is None or _consequence.get():
        return SYSTEM
    if not getattr(actor, "is_authenticated", False):
        return NOBODY
    cache = actor.__dict__.setdefault("_access_grants", {})
    schema = connection.schema_name
    if schema not in cache:
        cache[schema] = _compute(actor, schema)
    return cache[schema]


def forget(actor) -> None:
    """Drop the actor's cached grant (after its role or its rights changed within the same request)."""
    if actor is not None:
        actor.__dict__.pop("_access_grants", None)


def can(actor, module: str, action: str) -> bool:
    """May the actor do `action` (view, create, edit, delete, export, import) on `module`?"""
    return grant_for(actor).allows(module, action)


def require(actor, module: str, action: str) -> None:
    """Refuse with code `forbidden` unless the actor may do `action` on `module`."""
    if not can(actor, module, action):
        raise ValidationError(_("You are not allowed to do this (%(action)s on %(module)s).")
                              % {"action": action, "module": module}, code=error_codes.FORBIDDEN)


def admin_allows(actor, *, write: bool) -> bool:
    """An admin's settings, within its token's `admin:` (or `*:`) scope: a token for CRM reads changes no role."""
    grant = grant_for(actor)
    if not (grant.unrestricted or grant.admin):
        return False
    return grant.scopes is None or scope_allows(grant.scopes, ADMIN_SCOPE, Action.EDIT if write else Action.VIEW)


def token_writes(actor) -> bool:
    """A member's own writes (preferences, saved views, tokens): refused to a token holding only read scopes."""
    scopes = grant_for(actor).scopes
    return scopes is None or "write" in scopes.values()


def field_access(actor, module: str) -> tuple[frozenset, frozenset]:
    """The fields of a module the actor may not see, and those it may not change (hidden ones included)."""
    grant = grant_for(actor)
    hidden = grant.hidden.get(module, frozenset())
    return hidden, hidden | grant.read_only.get(module, frozenset())


def require_fields_writable(actor, module: str, names) -> None:
    """Refuse, field by field with code `field_read_only`, changes to fields the actor may not edit."""
    _hidden, locked = field_access(actor, module)
    refused = sorted(set(names) & locked)
    if refused:
        raise ValidationError({name: ValidationError(_("You may not change this field."),
                                                     code=error_codes.FIELD_READ_ONLY) for name in refused})


def parse_scope(scope: str) -> tuple[str, str] | None:
    """`crm:read` → ("crm", "read"); None when malformed or naming nothing known."""
    target, _sep, access = str(scope).partition(":")
    known = (target in ("*", ADMIN_SCOPE) or modules.get(target) is not None
             or any(m.area == target for m in modules.all_modules()))
    return (target, access) if known and access in ("read", "write") else None


def scope_allows(scopes: dict[str, str], module: str, action: str) -> bool:
    definition = modules.get(module)
    targets = (module, definition.area if definition else None, "*")
    levels = {scopes.get(target) for target in targets}
    return "write" in levels or ("read" in levels and action in READ_ACTIONS)


def scope_within(requested: tuple[str, str], held: dict[str, str]) -> bool:
    """Is a parsed scope (`("invoices", "read")`) covered by the scopes a token holds?"""
    target, access = requested
    definition = modules.get(target)
    covering = {target, "*"} | ({definition.area} if definition else set())
    levels = {held.get(name) for name in covering}
    return "write" in levels or (access == "read" and "read" in levels)


def _compute(actor, schema: str) -> Grant:
    from tenants.selectors import staff_admin_flag

    scopes = _token_scopes(getattr(actor, "acting_token", None))
    is_admin = staff_admin_flag(user_id=actor.pk, schema_name=schema)
    if is_admin is None:
        return NOBODY
    if is_admin:
        return Grant(unrestricted=scopes is None, admin=True, user_id=actor.pk, view_all=True, edit_all=True,
                     scopes=scopes)
    mine = UserRole.objects.filter(user_id=actor.pk)
    roles = list(Role.objects.filter(Q(pk__in=Subquery(mine.values("role_id"))) | Q(is_default=True)).annotate(
        mine=Exists(mine.filter(role=OuterRef("pk")))).values("id", "path", "is_default", "mine"))
    default_role = next((row for row in roles if row["is_default"]), None)
    role = next((row for row in roles if row["mine"]), default_role)
    grant = Grant(user_id=actor.pk, scopes=scopes,
                  default_role_id=default_role["id"] if default_role else None,
                  default_role_path=default_role["path"] if default_role else None,
                  team_ids=tuple(TeamMember.objects.filter(user_id=actor.pk).values_list("team_id", flat=True)),
                  defaults=dict(ModuleDefault.objects.values_list("module", "access")))
    if role is None:
        return grant
    grant.role_id, grant.role_path = role["id"], role["path"]
    profiles = list(Profile.objects.filter(roles=role["id"]).values("view_all", "edit_all"))
    grant.view_all = any(profile["view_all"] for profile in profiles)
    grant.edit_all = any(profile["edit_all"] for profile in profiles)
    actions: dict[str, set] = {}
    for row in ModulePermission.objects.filter(profile__roles=role["id"]).values(
            "module", "view", "create", "edit", "delete", "export", "can_import"):
        allowed = actions.setdefault(row.pop("module"), set())
        allowed.update(name.removeprefix("can_") for name, value in row.items() if value)
    grant.actions = {module: frozenset(allowed) for module, allowed in actions.items()}
    grant.hidden, grant.read_only = _field_restrictions(role["id"], len(profiles))
    teams = Q(to_team_id__in=grant.team_ids) if grant.team_ids else Q(pk__in=[])
    # A rule shared with a role holds for the roles above it too: a manager sees what its subordinates see.
    grant.rules = tuple(
        Rule(module=module, write=access == RuleAccess.WRITE, from_role_id=from_role, from_team_id=from_team)
        for module, access, from_role, from_team in SharingRule.objects.filter(
            Q(to_role__path__startswith=role["path"]) | teams).values_list(
            "module", "access", "from_role_id", "from_team_id"))
    return grant


def _token_scopes(token) -> dict[str, str] | None:
    if token is None:
        return None
    scopes: dict[str, str] = {}
    for target, access in filter(None, map(parse_scope, token.scopes or [])):
        scopes[target] = "write" if "write" in (access, scopes.get(target)) else "read"
    return scopes


def _field_restrictions(role_id: int, profile_count: int) -> tuple[dict, dict]:
    """Hidden and read-only fields per module. Rights add up across a role's profiles: a field stays restricted
    only when every profile restricts it, hidden only when every one hides it."""
    restrictions: dict[tuple[str, str], list[str]] = {}
    for module, name, access in FieldPermission.objects.filter(profile__roles=role_id).values_list(
            "module", "field", "access"):
        restrictions.setdefault((module, name), []).append(access)
    hidden: dict[str, set] = {}
    read_only: dict[str, set] = {}
    for (module, name), accesses in restrictions.items():
        if len(accesses) < profile_count:
            continue
        target = hidden if all(access == FieldAccess.HIDDEN for access in accesses) else read_only
        target.setdefault(module, set()).add(name)
    return ({module: frozenset(names) for module, names in hidden.items()},
            {module: frozenset(names) for module, names in read_only.items()})
