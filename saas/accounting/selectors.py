"""Reads of the books, for an actor."""

from django.db.models import QuerySet

from saas.access.visibility import visible
from saas.accounting.models import JournalEntry


def entry_list(*, actor, include_deleted: bool = False) -> QuerySet[JournalEntry]:
    entries = visible(JournalEntry.objects.all(), actor=actor, module="journal_entries")
    return entries if include_deleted else entries.filter(deleted_at__isnull=True)
