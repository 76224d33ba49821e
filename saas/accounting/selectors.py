"""Reads of the books, for an actor."""

from django.db.models import QuerySet

from saas.access.visibility import visible
from saas.accounting.models import FiscalYear, JournalEntry


def entry_list(*, actor, include_deleted: bool = False) -> QuerySet[JournalEntry]:
    entries = visible(JournalEntry.objects.all(), actor=actor, module="journal_entries")
    return entries if include_deleted else entries.filter(deleted_at__isnull=True)


def fiscal_year_get(*, actor, fiscal_year_id) -> FiscalYear | None:
    """A fiscal year of this tenant, or None."""
    if fiscal_year_id is None:
        return None
    return FiscalYear.objects.select_related("company").filter(pk=fiscal_year_id).first()
