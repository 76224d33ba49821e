"""Reads of API tokens."""

from django.db.models import QuerySet

from saas.access.models import ApiToken


def api_token_list(*, actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    if actor is None or not actor.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor)


def api_token_get_for_actor(*, actor, token_id) -> ApiToken | None:
    """One of the actor's tokens, or None (missing and foreign answer the same)."""
    return api_token_list(actor=actor).filter(pk=token_id).first()


def team_get_for_actor(*, actor, team_id):
    """A team of this tenant, or None."""
    from saas.access.models import Team

    return Team.objects.filter(pk=team_id).first() if team_id is not None else None
