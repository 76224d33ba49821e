"""Numbering formats: `FA-{YYYY}-{SEQ:5}`-style patterns, gapless counters or sequences."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.audit.services import settings_change_record
from saas.records import error_codes, registry
from saas.records.models import NumberCounter, NumberingFormat

TOKEN = re.compile(r"\{(YYYY|YY|MM|SEQ(?::(\d{1,2}))?)\}")


def numbering_get(*, module: str) -> NumberingFormat:
    """The tenant's format for a module, created from the registry's default on first use."""
    record_type = registry.get(module)
    if record_type is None:
        raise ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)
    numbering, _created = NumberingFormat.objects.get_or_create(
        module=module,
        defaults={"pattern": record_type.default_pattern, "yearly_reset": True,
                  "gapless": record_type.gapless, "company_scoped": record_type.company_scoped},
    )
    return numbering


def numbering_update(*, actor, module: str, pattern: str, yearly_reset: bool) -> NumberingFormat:
    """Change a module's pattern; it must contain exactly one {SEQ} token."""
    validate_pattern(pattern)
    numbering = numbering_get(module=module)
    before = {"pattern": numbering.pattern, "yearly_reset": numbering.yearly_reset}
    numbering.pattern = pattern
    numbering.yearly_reset = yearly_reset
    numbering.save(update_fields=["pattern", "yearly_reset"])
    after = {"pattern": numbering.pattern, "yearly_reset": numbering.yearly_reset}
    if after != before:
        settings_change_record(
            actor=actor, target=numbering, object_label=module,
            details={name: [before[name], value] for name, value in after.items() if before[name] != value},
            summary=_("Numbering format of %(module)s changed to %(pattern)s") % {"module": module,
                                                                                  "pattern": pattern})
    return numbering


def validate_pattern(pattern: str) -> None:
    tokens = [match.group(1) for match in TOKEN.finditer(pattern or "")]
    leftover = TOKEN.sub("", pattern or "")
    if sum(token.startswith("SEQ") for token in tokens) != 1 or "{" in leftover or "}" in leftover \
            or len(pattern) > 60:
        raise ValidationError({"pattern": ValidationError(
            _("Use exactly one {SEQ} or {SEQ:n} token, and optionally {YYYY}, {YY}, {MM}."),
            code=error_codes.NUMBERING_PATTERN)})


def number_next(*, module: str, company_id: int | None = None) -> str:
    """The next number of a module, in the caller's transaction.

    Gapless series lock their counter row until the caller commits: concurrent issuers wait, and a
    rollback gives the number back. Other series take a PostgreSQL sequence: no wait, gaps allowed.
    """
    return numbers_next(module=module, count=1, company_id=company_id)[0]


def numbers_next(*, module: str, count: int, company_id: int | None = None) -> list[str]:
    """The next `count` numbers of a module, in order, taken in one step (an import's batch).

    A gapless series moves its counter by `count` in one locked statement: the numbers are consecutive, and
    a rollback gives them all back. A sequence series takes `count` values of its sequence at once.
    """
    numbering = numbering_get(module=module)
    now = timezone.localtime()
    year = now.year if numbering.yearly_reset else 0
    company = (company_id or 0) if numbering.company_scoped else 0
    if numbering.gapless:
        values = _counter_next(numbering, company, year, count)
    else:
        values = _sequence_next(numbering, company, year, count)
    return [format_number(numbering.pattern, value, now) for value in values]


def format_number(pattern: str, value: int, when) -> str:
    def replace(match: re.Match) -> str:
        token = match.group(1)
        if token == "YYYY":
            return f"{when.year:04d}"
        if token == "YY":
            return f"{when.year % 100:02d}"
        if token == "MM":
            return f"{when.month:02d}"
        width = int(match.group(2) or 1)
        return f"{value:0{width}d}"

    return TOKEN.sub(replace, pattern)


def _counter_next(numbering: NumberingFormat, company_id: int, year: int, count: int) -> range:
    table = NumberCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement: creates the row on first use, otherwise moves it on by `count` under a row lock
        # held until the caller's transaction ends.
        cursor.execute(
            f"""INSERT INTO {table} (numbering_id, company_id, year, value) VALUES (%s, %s, %s, %s)
                ON CONFLICT (numbering_id, company_id, year) DO UPDATE SET value = {table}.value + EXCLUDED.value
                RETURNING value""",
            [numbering.pk, company_id, year, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def _sequence_next(numbering: NumberingFormat, company_id: int, year: int, count: int) -> list[int]:
    name = f"records_number_{numbering.pk}_{company_id}_{year}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [f'"{name}"', count])
        return sorted(value for (value,) in cursor.fetchall())
