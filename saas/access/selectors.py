"""Reads of API tokens, teams and the token event log."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.access.models import ApiToken
from tenants.selectors import tenant_list_for_user, users_by_id


def api_token_list(*, actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    if actor is None or not actor.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor)


def api_token_get_for_actor(*, actor, token_id) -> ApiToken | None:
    """One of the actor's tokens, or None (missing and foreign answer the same)."""
    return api_token_list(actor=actor).filter(pk=token_id).first()


@dataclass(frozen=True)
class TenantToken:
    tenant: object  # tenants.models.Tenant
    token: ApiToken


def api_token_usable_list_everywhere(*, actor) -> list[TenantToken]:
    """The actor's usable tokens (neither revoked nor expired) in every company where they hold a membership, by
    company then newest; nothing for a request made with a token (a person lists them in a session)."""
    if actor is None or not actor.is_authenticated or getattr(actor, "acting_token", None) is not None:
        return []
    found = []
    for tenant in tenant_list_for_user(user=actor):
        with schema_context(tenant.schema_name):
            found += [TenantToken(tenant=tenant, token=token) for token in _usable(ApiToken.objects.filter(user=actor))]
    return found


def _usable(tokens: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    return tokens.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), revoked_at__isnull=True)


def team_get_for_actor(*, actor, team_id):
    """A team of this tenant, or None."""
    from saas.access.models import Team

    return Team.objects.filter(pk=team_id).first() if team_id is not None else None


def team_list(*, actor):
    """The teams of this tenant, by name."""
    from saas.access.models import Team

    return Team.objects.order_by("name", "id")


def team_members(*, actor, teams) -> dict[int, list]:
    """The members of each of `teams` (by team id), by email."""
    from saas.access.models import TeamMember

    memberships = list(TeamMember.objects.filter(team__in=teams).values_list("team_id", "user_id"))
    users = users_by_id(user_id for _team_id, user_id in memberships)
    found: dict[int, list] = {team.pk: [] for team in teams}
    for team_id, user_id in memberships:
        if user_id in users:
            found[team_id].append(users[user_id])
    return {team_id: sorted(members, key=lambda user: user.email) for team_id, members in found.items()}


def api_token_event_list(*, actor, token_id=None):
    """Uses of this company's API tokens, newest first (the admins' event log)."""
    from saas.access.models import ApiTokenEvent

    events = ApiTokenEvent.objects.select_related("token")
    return events.filter(token_id=token_id) if token_id is not None else events


def role_list(*, actor):
    """The role tree, parents before children."""
    from saas.access.models import Role

    return Role.objects.prefetch_related("profiles").order_by("path")


def role_get(*, actor, role_id):
    from saas.access.models import Role

    return Role.objects.filter(pk=role_id).first() if role_id is not None else None


def profile_list(*, actor):
    from saas.access.models import Profile

    return Profile.objects.prefetch_related("modules", "fields").order_by("name")


def profile_get(*, actor, profile_id):
    from saas.access.models import Profile

    return Profile.objects.filter(pk=profile_id).first() if profile_id is not None else None


def sharing_rule_list(*, actor):
    from saas.access.models import SharingRule

    return SharingRule.objects.select_related("from_role", "from_team", "to_role", "to_team")


def sharing_rule_get(*, actor, rule_id):
    return sharing_rule_list(actor=actor).filter(pk=rule_id).first() if rule_id is not None else None


def module_default_list(*, actor) -> dict[str, str]:
    """`{module: access}` for every module (those without a row are public read and write)."""
    from saas.access import modules
    from saas.access.enums import DefaultAccess
    from saas.access.models import ModuleDefault

    stored = dict(ModuleDefault.objects.values_list("module", "access"))
    return {module.key: stored.get(module.key, DefaultAccess.PUBLIC_READ_WRITE) for module in modules.all_modules()
            if module.owned}


def user_role_list(*, actor) -> dict[int, int]:
    """`{user_id: role_id}` of the members given a role."""
    from saas.access.models import UserRole

    return dict(UserRole.objects.values_list("user_id", "role_id"))


def team_ids_of(*, user) -> QuerySet:
    """The ids of the user's teams, as a subquery."""
    from saas.access.models import TeamMember

    return TeamMember.objects.filter(user=user).values("team_id")
