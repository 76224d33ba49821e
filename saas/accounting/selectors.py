"""Reads of the books, for an actor."""

from django.db.models import QuerySet

from saas.accounting.models import JournalEntry


def entry_list(*, actor, include_deleted: bool = False) -> QuerySet[JournalEntry]:
    entries = JournalEntry.objects.all()
    return entries if include_deleted else entries.filter(deleted_at__isnull=True)
