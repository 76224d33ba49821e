"""The one enforcement point of record visibility: queryset filters every list selector applies.

Lists, `node`, counts, search, roll-ups, timelines and exports all read through the record types' list
selectors (and the record engine's references narrowed the same way), so one rule written here holds on
every path. The filter is a condition on the owner columns with subqueries: no query of its own, whatever
the depth of the role tree or the number of sharing rules.
"""

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


def owned_by_reachable(grant: Grant, module: str, *, write: bool = False, prefix: str = "") -> Q:
    """Records owned by the actor, its teams, the users of the roles below its own, and what sharing rules of the
    module give it (read rules only when reading)."""
    user, team = f"{prefix}owner_user_id", f"{prefix}owner_team_id"
    condition = Q(**{user: grant.user_id}) if grant.user_id else Q(pk__in=[])
    team_ids = set(grant.team_ids)
    role_ids: set[int] = set()
    roleless = False
    if grant.role_id is not None:
        below = UserRole.objects.filter(role__path__startswith=grant.role_path).exclude(role_id=grant.role_id)
        condition |= Q(**{f"{user}__in": below.values("user_id")})
        roleless = (grant.default_role_id not in (None, grant.role_id)
                    and (grant.default_role_path or "").startswith(grant.role_path))
    for rule in grant.rules:
        if rule.module != module or (write and not rule.write):
            continue
        if rule.from_team_id is not None:
            team_ids.add(rule.from_team_id)
        else:
            role_ids.add(rule.from_role_id)
            roleless |= rule.from_role_id == grant.default_role_id
    if team_ids:
        condition |= Q(**{f"{team}__in": sorted(team_ids)})
    if role_ids:
        condition |= Q(**{f"{user}__in": UserRole.objects.filter(role_id__in=sorted(role_ids)).values("user_id")})
    if roleless:
        # Members given no role act in the default role: their records go with it.
        condition |= Q(**{f"{user}__isnull": False}) & ~Q(**{f"{user}__in": UserRole.objects.values("user_id")})
    return condition


def may_write(actor, record, module: str) -> bool:
    """May the actor change this record (row-level: owner, hierarchy, write sharing rules, defaults)?"""
    if every_row(actor, module, write=True):
        return True
    return visible(type(record)._default_manager.filter(pk=record.pk), actor=actor, module=module,
                   write=True).exists()
