"""Reads of the books, for an actor."""

from django.db.models import QuerySet

from saas.access.visibility import visible
from saas.accounting.models import (
    EntryStatus,
    FiscalYear,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
    LedgerAccount,
)


def entry_list(*, actor, include_deleted: bool = False) -> QuerySet[JournalEntry]:
    entries = visible(JournalEntry.objects.all(), actor=actor, module="journal_entries")
    return entries if include_deleted else entries.filter(deleted_at__isnull=True)


def fiscal_year_get(*, actor, fiscal_year_id) -> FiscalYear | None:
    """A fiscal year of this tenant, or None."""
    if fiscal_year_id is None:
        return None
    return FiscalYear.objects.select_related("company").filter(pk=fiscal_year_id).first()


# What banking reads of the books when it matches a bank line, so that it never imports accounting's models.

def entry_is_reversed(entry: JournalEntry) -> bool:
    return JournalEntry.objects.filter(reversal_of=entry).exists()


def payment_bank_entry(*, payment, ledger_account_id) -> JournalEntry | None:
    """The payment's posted entry, when it debits or credits that (bank) ledger account."""
    return JournalEntry.objects.filter(
        payment=payment, status=EntryStatus.POSTED, reversal_of__isnull=True, reversed_by__isnull=True,
        lines__ledger_account_id=ledger_account_id).order_by("id").first()


def unlettered_party_lines(*, entries) -> list[JournalLine]:
    """The customer (or supplier) lines of these entries that no lettering settles yet."""
    return list(JournalLine.objects.filter(entry__in=entries, auxiliary__isnull=False, lettering=""))


def ledger_account_by_number(number: str) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(number=number).first()


def journal_by_code(code: str) -> Journal | None:
    return Journal.objects.filter(code=code).first()


def is_bank_journal(journal: Journal) -> bool:
    return journal.kind == JournalKind.BANK
