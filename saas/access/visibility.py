"""The one enforcement point of record visibility: queryset filters every list selector applies.

Lists, `node`, counts, search, roll-ups, timelines and exports all read through the record types' list
selectors (and the record engine's references narrowed the same way), so one rule written here holds on
every path. The filter is a condition on the owner columns with subqueries: no query of its own, whatever
the depth of the role tree or the number of sharing rules. A record reached through a link from another one
(`contact { account }`) is checked in memory by `sees`, from the same rule.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from saas.access import modules
from saas.access.enums import Action
from saas.access.models import UserRole
from saas.access.rights import Grant, grant_for


def visible(queryset: QuerySet, *, actor, module: str, write: bool = False) -> QuerySet:
    """The rows of `queryset` (records of `module`) the actor may see, or change with `write`."""
    grant = grant_for(actor)
    if not grant.allows(module, Action.VIEW):
        return queryset.none()
    if every_row(actor, module, write=write):
        return queryset
    return queryset.filter(owned_by_reachable(grant, module, write=write))


def every_row(actor, module: str, *, write: bool = False) -> bool:
    """The actor reaches every row of the module whatever its owner (module rights aside): no filter needed."""
    definition = modules.get(module)
    return (definition is not None and not definition.owned) or grant_for(actor).sees_every_row(module, write=write)


def may_see_module(actor, module: str) -> bool:
    return grant_for(actor).allows(module, Action.VIEW)


@dataclass(frozen=True)
class Reach:
    """Whose records of a module the actor reaches beyond every-row rights. The SQL filter (`owned_by_reachable`)
    and the in-memory check of a loaded record (`sees`) both read it, so they cannot disagree."""

    user_id: int | None
    # The actor's role: the users of the roles strictly below it are reached (None without a role).
    role_id: int | None
    role_path: str
    team_ids: frozenset
    # Users holding one of these roles, through sharing rules.
    shared_role_ids: frozenset
    # Members given no role act in the default role: their records are reached when that role is.
    roleless: bool


def reach(grant: Grant, module: str, *, write: bool = False) -> Reach:
    team_ids = set(grant.team_ids)
    role_ids: set[int] = set()
    roleless = (grant.role_id is not None and grant.default_role_id not in (None, grant.role_id)
                and (grant.default_role_path or "").startswith(grant.role_path))
    for rule in grant.rules:
        if rule.module != module or (write and not rule.write):
            continue
        if rule.from_team_id is not None:
            team_ids.add(rule.from_team_id)
        else:
            role_ids.add(rule.from_role_id)
            roleless |= rule.from_role_id == grant.default_role_id
    return Reach(user_id=grant.user_id, role_id=grant.role_id, role_path=grant.role_path,
                 team_ids=frozenset(team_ids), shared_role_ids=frozenset(role_ids), roleless=roleless)


def owned_by_reachable(grant: Grant, module: str, *, write: bool = False, prefix: str = "") -> Q:
    """Records owned by the actor, its teams, the users of the roles below its own, and what sharing rules of the
    module give it (read rules only when reading)."""
    reached = reach(grant, module, write=write)
    user, team = f"{prefix}owner_user_id", f"{prefix}owner_team_id"
    condition = Q(**{user: reached.user_id}) if reached.user_id else Q(pk__in=[])
    if reached.role_id is not None:
        below = UserRole.objects.filter(role__path__startswith=reached.role_path).exclude(role_id=reached.role_id)
        condition |= Q(**{f"{user}__in": below.values("user_id")})
    if reached.team_ids:
        condition |= Q(**{f"{team}__in": sorted(reached.team_ids)})
    if reached.shared_role_ids:
        condition |= Q(**{f"{user}__in": UserRole.objects.filter(
            role_id__in=sorted(reached.shared_role_ids)).values("user_id")})
    if reached.roleless:
        condition |= Q(**{f"{user}__isnull": False}) & ~Q(**{f"{user}__in": UserRole.objects.values("user_id")})
    return condition


OWNER_COLUMNS = ("owner_user_id", "owner_team_id")


def sees(actor, record, *, module: str) -> bool:
    """May the actor see this record, already loaded? The rule of `visible`, evaluated in memory from the record's
    owner columns and the company's role assignments (one query per request), so a page of linked records costs
    no query per row. A record loaded without its owner columns is checked in the database."""
    grant = grant_for(actor)
    if not grant.allows(module, Action.VIEW):
        return False
    if every_row(actor, module):
        return True
    if any(column in record.get_deferred_fields() for column in OWNER_COLUMNS):
        return visible(type(record)._default_manager.filter(pk=record.pk), actor=actor, module=module).exists()
    reached = reach(grant, module)
    owner_user_id, owner_team_id = record.owner_user_id, record.owner_team_id
    if owner_team_id is not None:
        return owner_team_id in reached.team_ids
    if owner_user_id is None:
        return False
    if owner_user_id == reached.user_id:
        return True
    placed = _roles_of_members(grant).get(owner_user_id)
    if placed is None:
        return reached.roleless
    role_id, role_path = placed
    below = (reached.role_id is not None and role_id != reached.role_id
             and role_path.startswith(reached.role_path))
    return below or role_id in reached.shared_role_ids


def _roles_of_members(grant: Grant) -> dict[int, tuple[int, str]]:
    """`{user_id: (role_id, role_path)}` of the members given a role, read once per grant (one request)."""
    if grant.member_roles is None:
        grant.member_roles = {user_id: (role_id, path) for user_id, role_id, path in
                              UserRole.objects.values_list("user_id", "role_id", "role__path")}
    return grant.member_roles


def may_write(actor, record, module: str) -> bool:
    """May the actor change this record (row-level: owner, hierarchy, write sharing rules, defaults)?"""
    if every_row(actor, module, write=True):
        return True
    return visible(type(record)._default_manager.filter(pk=record.pk), actor=actor, module=module,
                   write=True).exists()
