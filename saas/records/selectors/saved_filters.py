"""Reads of saved filters: each user sees only their own."""

from django.db.models import QuerySet

from saas.records.models import SavedFilter


def saved_filter_list(*, actor, module: str | None = None) -> QuerySet[SavedFilter]:
    """The actor's saved filters (of a module), by name."""
    mine = SavedFilter.objects.filter(user=actor)
    return (mine if module is None else mine.filter(module=module)).order_by("name", "id")


def saved_filter_get_for_actor(*, actor, saved_filter_id) -> SavedFilter | None:
    """One of the actor's saved filters, or None (another user's answers the same as a missing one)."""
    if saved_filter_id is None:
        return None
    return SavedFilter.objects.filter(pk=saved_filter_id, user=actor).first()
