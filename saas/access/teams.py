"""Writes on teams: groups of the company's staff that can own records (a member sees what the team owns).
Only the tenant's admins reach these (the API says so)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from saas.access import error_codes
from saas.access.models import SharingRule, Team, TeamMember
from saas.access.rights import forget
from saas.access.roles import name_clean
from saas.audit.services import settings_change_record


def team_create(*, actor, name: str, members: list = ()) -> Team:
    team = Team.objects.create(name=name_clean(Team, name))
    _members_set(team, members)
    settings_change_record(actor=actor, target=team, summary=_("Team “%(name)s” created") % {"name": team.name},
                           details={"members": sorted(user.email for user in members)})
    return team


def team_update(*, actor, team: Team, name: str | None = None, members: list | None = None) -> Team:
    """Rename a team, or make its members exactly `members` (who then see the records it owns)."""
    if name is not None:
        team.name = name_clean(Team, name, team)
        team.save(update_fields=["name"])
    if members is not None:
        _members_set(team, members)
    settings_change_record(actor=actor, target=team, summary=_("Team “%(name)s” changed") % {"name": team.name},
                           details={"name": name, "members": None if members is None
                                    else sorted(user.email for user in members)})
    forget(actor)
    return team


def team_delete(*, actor, team: Team) -> None:
    """Delete a team that owns no record and appears in no sharing rule (give its records to someone first)."""
    rules = SharingRule.objects.filter(Q(from_team=team) | Q(to_team=team)).count()
    owned = 0
    if not rules:
        try:
            with transaction.atomic():
                name = team.name
                team.delete()
        except ProtectedError as protected:  # records point at their owning team with PROTECT
            owned = len(protected.protected_objects)
    if owned or rules:
        raise ValidationError(_("The team owns %(records)s records and appears in %(rules)s sharing rules: give the "
                                "records to someone else and delete the rules first.")
                              % {"records": owned, "rules": rules}, code=error_codes.TEAM_IN_USE)
    settings_change_record(actor=actor, summary=_("Team “%(name)s” deleted") % {"name": name})
    forget(actor)


def _members_set(team: Team, members: list) -> None:
    TeamMember.objects.filter(team=team).exclude(user_id__in=[user.pk for user in members]).delete()
    present = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.bulk_create(TeamMember(team=team, user_id=user.pk) for user in members
                                   if user.pk not in present)
