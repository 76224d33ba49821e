"""The FEC (fichier des écritures comptables, LPF L47 A and A47 A-1; DOMAIN.md section 5): every posted line of a
fiscal year in the 18 columns, one file named `<SIREN>FEC<closing date>.txt`, checked before it is produced.

The lines are formatted by PostgreSQL and read through a server-side cursor, so memory stays flat whatever the
size of the year. Entries are numbered from one gapless counter per fiscal year (the "séquence continue" of
A47 A-1, DOMAIN.md 10.5); the opening entries (journal AN) come first. The books hold no entries closing the
income and expense accounts (the result is computed, never posted), so none has to be left out."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from stdnum.fr import siren as siren_number

from saas.accounting.models import (
    AuxiliaryAccount,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalEntry,
    JournalLine,
    LedgerAccount,
)
from saas.accounting.reports import numbering_gaps
from saas.records.services.documents import document_upload

if TYPE_CHECKING:
    from saas.records.models import Document

COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise")
SEPARATORS = {"pipe": "|", "tab": "\t"}
LINE_END = "\r\n"  # and none after the last line (A47 A-1 VI; the DGFiP's checker rejects a trailing one)
ENCODING = "utf-8"  # A47 A-1 XII 1°: ASCII, ISO 8859-15 or UTF-8

# Refusals of the pre-export checks (DOMAIN.md 5.4).
FEC_SIREN_MISSING = "fec_siren_missing"
FEC_SIREN_INVALID = "fec_siren_invalid"
FEC_DRAFTS_LEFT = "fec_drafts_left"
FEC_UNBALANCED = "fec_unbalanced"
FEC_NUMBERING_GAP = "fec_numbering_gap"
FEC_DATE_OUTSIDE_YEAR = "fec_date_outside_year"
FEC_ACCOUNT_INVALID = "fec_account_invalid"
FEC_SEPARATOR = "fec_separator"


def fec_file_name(fiscal_year: FiscalYear) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the date being the fiscal year's closing date (A47 A-1 IX)."""
    return f"{fiscal_year.company.siren}FEC{fiscal_year.end:%Y%m%d}.txt"


def fec_check(*, fiscal_year: FiscalYear) -> list[ValidationError]:
    """What keeps the year's FEC from being produced: no valid SIREN, drafts left, an unbalanced entry, a gap in
    the numbers, an entry dated outside the year, an account number that is not PCG-like."""
    errors = []
    siren = fiscal_year.company.siren or ""
    if not siren:
        errors.append(ValidationError(_("The company's SIREN is missing: the FEC file is named after it."),
                                      code=FEC_SIREN_MISSING))
    elif not siren_number.is_valid(siren):
        errors.append(ValidationError(_("The company's SIREN %(siren)s is not valid.") % {"siren": siren},
                                      code=FEC_SIREN_INVALID))
    entries = JournalEntry.objects.filter(fiscal_year=fiscal_year)
    drafts = entries.filter(status=EntryStatus.DRAFT, deleted_at__isnull=True).count()
    if drafts:
        errors.append(ValidationError(_("%(count)s draft entries are left in %(year)s: post or delete them.")
                                      % {"count": drafts, "year": fiscal_year.name}, code=FEC_DRAFTS_LEFT))
    posted = entries.filter(status=EntryStatus.POSTED)
    # Grouped by the entry's number only: grouping by the whole entry row costs twice as much.
    unbalanced = list(JournalLine.objects.filter(entry__fiscal_year=fiscal_year, entry__status=EntryStatus.POSTED)
                      .values("entry__number").annotate(debit=Sum("debit"), credit=Sum("credit"))
                      .exclude(debit=F("credit")).values_list("entry__number", flat=True)[:10])
    if unbalanced:
        errors.append(ValidationError(_("Unbalanced entries: %(numbers)s.") % {"numbers": ", ".join(unbalanced)},
                                      code=FEC_UNBALANCED))
    gaps = numbering_gaps(posted.values_list("number", flat=True).iterator(), fiscal_year.last_number)
    if gaps:
        errors.append(ValidationError(_("Entry numbers are missing: %(ranges)s.") % {"ranges": ", ".join(
            f"{first}-{last}" if last > first else str(first) for first, last in gaps[:10])},
            code=FEC_NUMBERING_GAP))
    outside = list(posted.exclude(date__range=(fiscal_year.start, fiscal_year.end))
                   .values_list("number", flat=True)[:10])
    if outside:
        errors.append(ValidationError(_("Entries dated outside the fiscal year: %(numbers)s.")
                                      % {"numbers": ", ".join(outside)}, code=FEC_DATE_OUTSIDE_YEAR))
    invalid = list(LedgerAccount.objects.filter(~Q(number__regex=r"^[1-8][0-9]{2}") | Q(label="")).filter(
        Exists(JournalLine.objects.filter(ledger_account=OuterRef("pk"), entry__in=posted)))
                   .values_list("number", flat=True)[:10])
    if invalid:
        errors.append(ValidationError(_("Accounts without a PCG number or a label: %(numbers)s.")
                                      % {"numbers": ", ".join(invalid)}, code=FEC_ACCOUNT_INVALID))
    return errors


def _clean(column: str) -> str:
    # No separator, tab or line break inside a field (A47 A-1 VI 1° c).
    return f"translate({column}, E'|\\t\\r\\n', '    ')"


def _date(column: str) -> str:
    return f"coalesce(to_char({column}, 'YYYYMMDD'), '')"


def _fields() -> list[str]:
    return [
        "j.code", _clean("j.label"), "e.number", _date("e.date"), "a.number", _clean("a.label"),
        "coalesce(x.code, '')", _clean("coalesce(nullif(x.label, ''), x.code, '')"),
        _clean("coalesce(nullif(e.piece_ref, ''), e.number)"), _date("e.date"),
        _clean("coalesce(nullif(l.label, ''), nullif(e.label, ''), '/')"),
        "replace(l.debit::text, '.', ',')", "replace(l.credit::text, '.', ',')",
        "l.lettering", f"CASE WHEN l.lettering <> '' THEN {_date('l.lettered_on')} ELSE '' END",
        _date("e.posted_at AT TIME ZONE %(zone)s"), "''", "''",
    ]


def _query() -> str:
    tables = {name: model._meta.db_table for name, model in (
        ("line", JournalLine), ("entry", JournalEntry), ("journal", Journal), ("account", LedgerAccount),
        ("auxiliary", AuxiliaryAccount))}
    return f"""
        SELECT concat_ws(%(separator)s, {", ".join(_fields())})
        FROM {tables["line"]} l
        JOIN {tables["entry"]} e ON e.id = l.entry_id
        JOIN {tables["journal"]} j ON j.id = e.journal_id
        JOIN {tables["account"]} a ON a.id = l.ledger_account_id
        LEFT JOIN {tables["auxiliary"]} x ON x.id = l.auxiliary_id
        WHERE e.fiscal_year_id = %(year)s AND e.status = %(posted)s
        ORDER BY j.kind <> 'opening', e.date, e.number, l.id"""


def fec_lines(*, fiscal_year: FiscalYear, separator: str = "|", chunk_size: int = 5000) -> Iterator[str]:
    """The header, then one line per posted journal line of the year, in entry order (no line terminator).
    Streamed through a server-side cursor: run it inside a transaction."""
    if separator not in SEPARATORS.values():
        raise ValidationError(_("The FEC separator is a pipe or a tab."), code=FEC_SEPARATOR)
    yield separator.join(COLUMNS)
    with connection.chunked_cursor() as cursor:
        cursor.execute(_query(), {"separator": separator, "zone": settings.TIME_ZONE, "year": fiscal_year.pk,
                                  "posted": EntryStatus.POSTED})
        while rows := cursor.fetchmany(chunk_size):
            for (line,) in rows:
                yield line


def fec_write(*, fiscal_year: FiscalYear, out: IO[bytes], separator: str = "|") -> int:
    """Write the year's FEC into a binary stream: lines separated by CRLF, none after the last. Returns the
    number of lines, the header included."""
    count = 0
    with transaction.atomic():
        for line in fec_lines(fiscal_year=fiscal_year, separator=separator):
            out.write(((LINE_END if count else "") + line).encode(ENCODING))
            count += 1
    return count


def fec_export(*, actor, fiscal_year: FiscalYear, separator: str = "|") -> Document:
    """The year's FEC, checked (DOMAIN.md 5.4), written to a temporary file and stored as a document."""
    errors = fec_check(fiscal_year=fiscal_year)
    if errors:
        raise ValidationError(errors)
    with tempfile.TemporaryFile() as out:
        fec_write(fiscal_year=fiscal_year, out=out, separator=separator)
        out.seek(0)
        name = fec_file_name(fiscal_year)
        # Generated by the product: a large year's FEC passes the upload size limit (20 MB ≈ 120,000 lines).
        return document_upload(actor=actor, upload=File(out, name=name), title=name, folder_name="FEC",
                               generated=True, charset=ENCODING)

