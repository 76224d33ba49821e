"""CSV import of any record type: prepare (checks, mapping, dry run), run (the job), undo.

Rows are created and updated through the record engine's services, so rights, validation, numbering and
history apply as for a record typed by hand; the job runs inside a pghistory context with source `import`.
New records of the types the engine creates by batches (`RecordType.bulk_create`: accounts, contacts, leads)
are created 1,000 at a time by `records_create_many`, with a constant number of queries per batch; the
others, and updates of duplicates, go through `record_create` / `record_update` row by row.
"""

import itertools
import threading

import pghistory
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from saas.access import modules, rights
from saas.access.enums import Action
from saas.audit.enums import EventKind
from saas.audit.services import event_record
from saas.core.tasks import defer_on_commit
from saas.imports import error_codes
from saas.imports.enums import ImportMode, ImportStatus, OnDuplicate, RowAction
from saas.imports.models import Import, ImportMapping, ImportRow
from saas.imports.parsing import CellError, LinkResolver, convert, decode, delimiter_of, reader
from saas.records import registry
from saas.records.enums import CustomFieldType, RecordSource
from saas.records.services.custom_fields import PREFIX, custom_definitions, custom_split, custom_values_clean
from saas.records.services.records import (
    record_create,
    record_update,
    records_check,
    records_create_many,
    records_delete_many,
    records_update_many,
)

BATCH = 1000
REPORT_MAX = 1000


CUSTOM_FIELDS = {  # what a cell of a custom field is read as (parsing.convert), by the field's type
    CustomFieldType.NUMBER: lambda d: models.IntegerField(d.label, null=True),
    CustomFieldType.DECIMAL: lambda d: models.DecimalField(d.label, null=True),
    CustomFieldType.DATE: lambda d: models.DateField(d.label, null=True),
    CustomFieldType.BOOLEAN: lambda d: models.BooleanField(d.label, null=True),
    CustomFieldType.CHOICE: lambda d: models.CharField(d.label, null=True, choices=[(c, c) for c in d.choices]),
}


def importable_fields(module: str) -> dict[str, models.Field]:
    """The fields a file may fill: the module's editable business fields (those rights are given on), and its
    custom fields (`custom.<key>`), each read from its cell as a model field of its type would be."""
    record_type = registry.get(module)
    definition = modules.get(module)
    if record_type is None or definition is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    fields = {name: record_type.model._meta.get_field(name) for name in definition.fields}
    for key, custom in custom_definitions(module).items():
        field = CUSTOM_FIELDS.get(custom.field_type, lambda d: models.TextField(d.label, null=True))(custom)
        field.name = f"{PREFIX}{key}"
        fields[field.name] = field
    return fields


def import_prepare(*, actor, module: str, data: bytes, file_name: str, mode: str, columns: dict | None = None,
                   mapping_name: str = "", save_mapping_as: str = "", defaults: dict | None = None,
                   duplicate_fields: list[str] = (), on_duplicate: str = OnDuplicate.SKIP,
                   dry_run: bool = False) -> Import:
    """Check a file and its mapping; a dry run answers the row report and writes nothing, otherwise the
    import is queued as a job (after commit)."""
    rights.require(actor, module, Action.IMPORT)
    fields = importable_fields(module)
    if not data:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code=error_codes.FILE_EMPTY)})
    size_check(len(data))
    text, encoding = decode(data)
    delimiter = delimiter_of(text)
    header = next((row for row in reader(text, delimiter) if row), None)
    if not header:
        raise ValidationError({"file": ValidationError(_("The file has no header line."), code=error_codes.NO_HEADER)})
    header = [name.strip() for name in header]
    if columns is None and mapping_name:
        saved = ImportMapping.objects.filter(module=module, name=mapping_name).first()
        if saved is None:
            raise ValidationError({"mappingName": ValidationError(_("No saved mapping of that name."),
                                                                  code=error_codes.NOT_FOUND)})
        columns, defaults = saved.columns, {**saved.defaults, **(defaults or {})}
    columns = _checked_columns(columns if columns is not None else _automatic(header, fields), fields)
    defaults = _checked_names(defaults or {}, fields, "defaults")
    # Duplicates are looked up by model fields (an index can serve them), not by custom values.
    _checked_names(dict.fromkeys(duplicate_fields), {name: field for name, field in fields.items()
                                                      if not name.startswith(PREFIX)}, "duplicateFields")
    if save_mapping_as.strip():
        ImportMapping.objects.update_or_create(module=module, name=save_mapping_as.strip()[:100], defaults={
            "columns": columns, "defaults": defaults, "created_by": actor})
    job = Import(module=module, file_name=file_name[:255], content=text, encoding=encoding, delimiter=delimiter,
                 columns=columns, defaults=defaults, duplicate_fields=list(duplicate_fields),
                 on_duplicate=on_duplicate, mode=mode, created_by=actor,
                 report=[_entry(1, name, error_codes.UNKNOWN_COLUMN, _("No field takes this column: it is ignored."))
                         for name in header if name not in columns])
    if dry_run:
        _dry_run(job, actor)
        job.content = ""
        job.status = ImportStatus.DRY_RUN
        job.save()
        return job
    job.save()
    # The task module imports this one (procrastinate discovers `tasks` modules): imported when needed.
    from saas.imports.tasks import import_run

    defer_on_commit(import_run, import_id=job.pk)
    return job


def size_check(size: int) -> None:
    """Refuse a file over `IMPORT_MAX_BYTES` (50 MB by default)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": ValidationError(
            _("The file is too large (%(size)s bytes; at most %(max)s).") % {
                "size": size, "max": settings.IMPORT_MAX_BYTES}, code=error_codes.FILE_TOO_LARGE)})


def mapping_save(*, actor, module: str, name: str, columns: dict, defaults: dict | None = None) -> ImportMapping:
    """Save a column → field mapping under a name for the module's next imports."""
    rights.require(actor, module, Action.IMPORT)
    fields = importable_fields(module)
    if not name.strip():
        raise ValidationError({"name": ValidationError(_("Name the mapping."), code=error_codes.MAPPING_NAME)})
    mapping, _created = ImportMapping.objects.update_or_create(module=module, name=name.strip()[:100], defaults={
        "columns": _checked_columns(columns, fields), "defaults": _checked_names(defaults or {}, fields, "defaults"),
        "created_by": actor})
    return mapping


def import_execute(*, import_id: int) -> None:
    """The job's body (`saas.imports.tasks.import_run`), by batches of `BATCH` rows; it manages its own
    transactions so that its progress (processed/total) can be read while it runs.

    "Valid rows only" commits every batch with the job's counters: a crash keeps the batches done, and the
    job, marked failed, can be undone. "All or nothing" writes every batch in one transaction, rolled back
    when a row is invalid; its progress goes through a connection of its own (`_progress_elsewhere`).
    """
    with transaction.atomic():
        job = Import.objects.select_for_update().filter(pk=import_id, status=ImportStatus.PENDING).first()
        if job is None:  # already run (a second start of the same job does nothing)
            return
        job.status = ImportStatus.RUNNING
        job.total = _count(job)
        job.save(update_fields=["status", "total"])
    from tenants.selectors import user_get

    actor = user_get(user_id=job.created_by_id)
    with pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        try:
            if job.mode == ImportMode.ALL_OR_NOTHING:
                with transaction.atomic():
                    _write_all(job, actor, _progress_elsewhere)
                    if job.invalid:
                        raise _Refused
            else:
                _write_all(job, actor, _progress_saved)
        except _Refused:
            job.created = job.updated = job.skipped = 0
            job.status = ImportStatus.FAILED
            _report(job, _entry(0, "", error_codes.ROWS_INVALID,
                                _("%(count)d rows are invalid: nothing was imported.") % {"count": job.invalid}))
        except Exception:
            # The job as its last committed batch left it: what those batches wrote is in its counters and
            # rows, and undo can take it back.
            stopped = Import.objects.get(pk=job.pk)
            stopped.report.insert(0, _entry(0, "", error_codes.INTERRUPTED, _(
                "The import stopped on an unexpected error after %(count)d rows.") % {"count": stopped.processed}))
            stopped.status, stopped.finished_at, stopped.content = ImportStatus.FAILED, timezone.now(), ""
            stopped.save(update_fields=["report", "status", "finished_at", "content"])
            raise
        else:
            job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.content = ""
    job.save()
    event_record(kind=EventKind.IMPORT, actor=actor, target=job, summary=_(
        "Import of %(file)s into %(module)s: %(created)d created, %(updated)d updated, %(skipped)d skipped, "
        "%(invalid)d invalid") % {"file": job.file_name, "module": job.module, "created": job.created,
                                  "updated": job.updated, "skipped": job.skipped, "invalid": job.invalid},
        details={"status": job.status, "mode": job.mode, "total": job.total, "created": job.created,
                 "updated": job.updated, "skipped": job.skipped, "invalid": job.invalid})


def import_undo(*, actor, job: Import) -> Import:
    """Delete the records an import created and put back the values it replaced (other records untouched).

    Set-based: the created records are soft-deleted in one statement and the updated ones restored by one
    `bulk_update` per set of fields, so a 100,000-row import is undone in a constant number of queries; the
    history triggers still write one event per record, in a context naming the import (source `import`)."""
    rights.require(actor, job.module, Action.IMPORT)
    # A failed import wrote nothing, unless it stopped on an error between two committed batches.
    if job.status != ImportStatus.DONE and not (job.status == ImportStatus.FAILED and job.rows.exists()):
        raise ValidationError(_("Only a finished import can be undone."), code=error_codes.NOT_UNDOABLE)
    model = registry.get(job.module).model
    fields = importable_fields(job.module)
    with pghistory.context(source=RecordSource.IMPORT, import_undone=job.pk):
        if job.rows.filter(action=RowAction.CREATED).exists():
            records_delete_many(actor=actor, model=model,
                                ids=job.rows.filter(action=RowAction.CREATED).values("object_id"))
        # A record updated by two rows of the file gets back the values it had before the first one.
        previous: dict[int, dict] = {}
        for object_id, values in job.rows.filter(action=RowAction.UPDATED).order_by("-row").values_list(
                "object_id", "previous"):
            previous.setdefault(object_id, {}).update(values)
        if previous:
            records_update_many(actor=actor, model=model, changes={
                object_id: {name: _restored(fields[name], value) for name, value in values.items()}
                for object_id, values in previous.items()})
    job.status = ImportStatus.UNDONE
    job.save(update_fields=["status"])
    event_record(kind=EventKind.IMPORT, actor=actor, target=job, details={"status": job.status},
                 summary=_("Import of %(file)s undone") % {"file": job.file_name})
    return job


class _Refused(Exception):
    """All or nothing and a row is invalid: roll the whole import back."""


def _write_all(job: Import, actor, progress) -> None:
    """Every row, by batches: `progress(job)` after each one, inside its transaction."""
    record_type = registry.get(job.module)
    fields = importable_fields(job.module)
    links = LinkResolver(actor)
    seen: dict[tuple, int] = {}
    rows = _rows(job)
    # All or nothing: a batch that fails fails the whole import, so the batches share its transaction without
    # a savepoint (a subtransaction) each.
    savepoint = job.mode != ImportMode.ALL_OR_NOTHING
    while batch := list(itertools.islice(rows, BATCH)):
        with transaction.atomic(savepoint=savepoint):
            _write_batch(job, actor, record_type, fields, links, seen, batch)
            job.processed += len(batch)
            progress(job)


def _write_batch(job: Import, actor, record_type, fields: dict, links: LinkResolver, seen: dict, batch) -> None:
    """One batch with a constant number of queries for the rows it creates: links and duplicates looked up
    once, new records created together (`_create`); an update of a duplicate is a record update of its own."""
    model = record_type.model
    refuse_all = job.mode == ImportMode.ALL_OR_NOTHING
    _prefetch_links(job, fields, links, batch)
    checked = [(number, *_row_values(job, fields, cells, links, number)) for number, cells in batch]
    existing = _existing(job, model, actor, [values for _n, values, errors in checked if not errors])
    history: list[ImportRow] = []
    creating: list[tuple[int, dict, tuple | None]] = []
    pending: set[tuple] = set()  # the duplicate keys of the rows in `creating`
    for number, values, errors in checked:
        if errors:
            job.invalid += 1
            _report(job, *errors)
            continue
        key = _key(job, values)
        if key in pending:
            # An earlier row of the file holds the same values: it must exist before this one meets it.
            history += _create(job, actor, record_type, creating, seen)
            pending.clear()
        target = seen.get(key) or existing.get(key) if key else None
        if target is not None and job.on_duplicate == OnDuplicate.SKIP:
            job.skipped += 1
            _report(job, _entry(number, "", error_codes.DUPLICATE_SKIPPED,
                                _("A record with the same %(fields)s exists: skipped.") % {
                                    "fields": ", ".join(job.duplicate_fields)}))
            continue
        if target is None and record_type.bulk_create:
            creating.append((number, values, key))
            if key:
                pending.add(key)
            continue
        if refuse_all and job.invalid:
            continue  # nothing will be kept: only the report of the remaining rows matters
        try:
            with transaction.atomic():
                row = _write(job, actor, model, fields, values, target, number)
        except ValidationError as error:
            job.invalid += 1
            _report(job, *_errors(number, error, job.columns))
            continue
        history.append(row)
        if key:
            seen[key] = row.object_id
    history += _create(job, actor, record_type, creating, seen)
    ImportRow.objects.bulk_create(history)


def _create(job: Import, actor, record_type, creating: list, seen: dict) -> list[ImportRow]:
    """The new records of rows waiting in `creating` (emptied), in one go through the record engine.

    The engine sends `records_created` once per batch, not `record_saved` per record: workflows that trigger
    on create still run for every imported record, but from one job per batch (saas.workflows.hooks).
    """
    if not creating:
        return []
    # All or nothing with an invalid row already: nothing will be kept, the rows are only checked for the report.
    write = not (job.mode == ImportMode.ALL_OR_NOTHING and job.invalid)
    service = records_create_many if write else records_check
    results = service(actor=actor, model=record_type.model, rows=[values for _n, values, _k in creating],
                      source=RecordSource.IMPORT)
    history = []
    for (number, _values, key), result in zip(creating, results, strict=True):
        if isinstance(result, ValidationError):
            job.invalid += 1
            _report(job, *_errors(number, result, job.columns))
        elif write:
            job.created += 1
            history.append(ImportRow(job=job, row=number, object_id=result.pk, action=RowAction.CREATED))
            if key:
                seen[key] = result.pk
    creating.clear()
    return history


def _progress_saved(job: Import) -> None:
    """Valid rows only: the counters are committed with the batch they count."""
    job.save(update_fields=["processed", "created", "updated", "skipped", "invalid", "report"])


def _progress_elsewhere(job: Import) -> None:
    """All or nothing: the rows stay in one transaction until the end, so the progress is written through
    another connection (a thread's own), committed at once and readable while the job runs. It takes no lock
    the import's transaction holds (its rows only share-lock the job's key)."""
    schema_name = connection.schema_name

    def publish():
        try:
            with schema_context(schema_name):
                Import.objects.filter(pk=job.pk).update(processed=job.processed)
        finally:
            connection.close()

    thread = threading.Thread(target=publish, name=f"import-{job.pk}-progress")
    thread.start()
    thread.join()


def _write(job, actor, model, fields, values, target, number) -> ImportRow:
    if target is None:
        # A record type whose creation is more than the engine's work (see RecordType.bulk_create).
        plain, custom = custom_split(values)
        record = record_create(actor=actor, model=model, fields=plain, custom=custom, source=RecordSource.IMPORT)
        job.created += 1
        return ImportRow(job=job, row=number, object_id=record.pk, action=RowAction.CREATED)
    record = model.objects.get(pk=target)
    if job.on_duplicate == OnDuplicate.MERGE:
        # A merge fills what the record leaves empty and never overwrites what it holds.
        values = {name: value for name, value in values.items() if _stored(fields[name], record) in (None, "")}
    previous = {name: _stored(fields[name], record) for name in values}
    plain, custom = custom_split(values)
    record_update(actor=actor, record=record, version=record.version, fields=plain, custom=custom)
    job.updated += 1
    return ImportRow(job=job, row=number, object_id=record.pk, action=RowAction.UPDATED, previous=previous)


def _dry_run(job: Import, actor) -> None:
    """The report the import would give, nothing written (duplicates are looked up, not acted on)."""
    record_type = registry.get(job.module)
    model = record_type.model
    fields = importable_fields(job.module)
    links = LinkResolver(actor)
    rows = _rows(job)
    while batch := list(itertools.islice(rows, BATCH)):
        _prefetch_links(job, fields, links, batch)
        checked = [(number, *_row_values(job, fields, cells, links, number)) for number, cells in batch]
        if record_type.bulk_create:
            valid = [(number, values) for number, values, errors in checked if not errors]
            refusals = dict(zip([number for number, _values in valid], records_check(
                actor=actor, model=model, rows=[values for _number, values in valid], source=RecordSource.IMPORT),
                strict=True))
            checked = [(number, values, errors or (
                _errors(number, refusals[number], job.columns) if isinstance(refusals[number], ValidationError)
                else [])) for number, values, errors in checked]
        existing = _existing(job, model, actor, [values for _n, values, errors in checked if not errors])
        for number, values, errors in checked:
            job.total += 1
            if errors:
                job.invalid += 1
                _report(job, *errors)
            elif (key := _key(job, values)) and key in existing:
                if job.on_duplicate == OnDuplicate.SKIP:
                    job.skipped += 1
                    _report(job, _entry(number, "", error_codes.DUPLICATE_SKIPPED,
                                        _("A record with the same %(fields)s exists: skipped.") % {
                                            "fields": ", ".join(job.duplicate_fields)}))
                else:
                    job.updated += 1
            else:
                job.created += 1
        job.processed = job.total


def _prefetch_links(job: Import, fields: dict, links: LinkResolver, batch) -> None:
    """The records a batch names in its link columns and defaults: one query per link field."""
    for field_name in {*job.columns.values(), *job.defaults}:
        field = fields[field_name]
        if not isinstance(field, models.ForeignKey):
            continue
        texts = {str(job.defaults[field_name])} if field_name in job.defaults else set()
        for position, column in enumerate(job.header):
            if job.columns.get(column) == field_name:
                texts.update(cells[position] for _number, cells in batch if len(cells) == len(job.header))
        links.prefetch(field, texts)


def _row_values(job: Import, fields: dict, cells: list[str], links: LinkResolver, number: int):
    """A row's field values and its report entries (empty when the row is valid); the model's validation of
    types created by batches is the record engine's (`records_check`)."""
    header = job.header
    if len(cells) != len(header):
        return {}, [_entry(number, "", error_codes.RAGGED_ROW,
                           _("This row has %(cells)d cells; the header has %(columns)d.") % {
                               "cells": len(cells), "columns": len(header)})]
    values, errors = {}, []
    for name, text in zip(header, cells, strict=True):
        field_name = job.columns.get(name)
        if not field_name:
            continue
        if not text.strip() and field_name in job.defaults:
            continue
        try:
            values[field_name] = convert(fields[field_name], text, links=links)
        except CellError as error:
            errors.append(_entry(number, name, error.code, error.message))
    for field_name, text in job.defaults.items():
        if field_name not in values:
            try:
                values[field_name] = convert(fields[field_name], str(text), links=links)
            except CellError as error:
                errors.append(_entry(number, field_name, error.code, error.message))
    if not errors and not registry.get(job.module).bulk_create:
        errors = _model_errors(job, fields, values, number)
    return values, errors


def _model_errors(job, fields, values, number) -> list[dict]:
    """The model's own validation of the row's values (lengths, emails, required fields), and the custom
    fields' (the definitions read once per import)."""
    model = registry.get(job.module).model
    plain, custom = custom_split(values)
    instance = model(**plain)
    errors: dict = {}
    try:
        instance.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in fields],
                            validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        error.update_error_dict(errors)
    if not hasattr(job, "custom_definitions"):
        job.custom_definitions = custom_definitions(job.module)
    try:
        custom_values_clean(module=job.module, values=custom, definitions=job.custom_definitions)
    except ValidationError as error:
        error.update_error_dict(errors)
    return _errors(number, ValidationError(errors), job.columns) if errors else []


def _errors(number: int, error: ValidationError, columns: dict) -> list[dict]:
    column_of = {field_name: column for column, field_name in columns.items()}
    if not hasattr(error, "error_dict"):
        return [_entry(number, "", item.code or error_codes.INVALID, " ".join(item.messages))
                for item in error.error_list]
    return [_entry(number, "" if name == NON_FIELD_ERRORS else column_of.get(name, name),
                   item.code or error_codes.INVALID, " ".join(item.messages))
            for name, items in error.error_dict.items() for item in items]


def _existing(job: Import, model, actor, rows: list[dict]) -> dict[tuple, int]:
    """The records already holding the duplicate fields' values of a batch: {values: id}, one query."""
    if not job.duplicate_fields or not rows:
        return {}
    first = job.duplicate_fields[0]
    wanted = {row[first] for row in rows if row.get(first) not in (None, "")}
    if not wanted:
        return {}
    record_type = registry.get(job.module)
    visible = record_type.list_selector(actor=actor) if record_type.list_selector else \
        model.objects.filter(deleted_at=None)
    attnames = [model._meta.get_field(name).attname for name in job.duplicate_fields]
    found = visible.filter(**{f"{first}__in": [getattr(v, "pk", v) for v in wanted]}).values_list("pk", *attnames)
    return {tuple(values): pk for pk, *values in found}


def _key(job: Import, values: dict) -> tuple | None:
    if not job.duplicate_fields:
        return None
    key = tuple(getattr(values.get(name), "pk", values.get(name)) for name in job.duplicate_fields)
    return None if any(part in (None, "") for part in key) else key


def _rows(job: Import):
    """(row number, cells) of the data rows; row 1 is the header, blank lines are skipped."""
    rows = (row for row in reader(job.content, job.delimiter) if row)
    job.header = [name.strip() for name in next(rows)]
    return ((number, cells) for number, cells in enumerate(rows, start=2))


def _count(job: Import) -> int:
    return sum(1 for row in reader(job.content, job.delimiter) if row) - 1


def _automatic(header: list[str], fields: dict) -> dict:
    """Columns named like a field (`last_name`) or its label (`Last name`) map to it."""
    by_name = {}
    for name, field in fields.items():
        by_name[name.casefold()] = name
        by_name[str(field.verbose_name).casefold()] = name
    return {column: by_name[column.casefold().replace(" ", "_")] if column.casefold().replace(" ", "_") in by_name
            else by_name[column.casefold()] for column in header
            if column.casefold() in by_name or column.casefold().replace(" ", "_") in by_name}


def _checked_columns(columns: dict, fields: dict) -> dict:
    if not isinstance(columns, dict) or not all(isinstance(field, str | None) for field in columns.values()):
        raise ValidationError({"columns": ValidationError(
            _("Columns are an object: each CSV column's name → the field it fills (or null to skip it)."),
            code=error_codes.INVALID)})
    _checked_names({field: None for field in columns.values() if field}, fields, "columns")
    return {column: field for column, field in columns.items() if field}


def _checked_names(values: dict, fields: dict, where: str) -> dict:
    if not isinstance(values, dict) or any(isinstance(value, dict | list) for value in values.values()):
        raise ValidationError({where: ValidationError(
            _("%(where)s is an object: field name → one value.") % {"where": where}, code=error_codes.INVALID)})
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValidationError({where: ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, code=error_codes.UNKNOWN_FIELD)})
    return values


def _entry(row: int, column: str, code: str, message: str) -> dict:
    return {"row": row, "column": column, "code": code, "message": str(message)}


def _report(job: Import, *entries: dict) -> None:
    room = REPORT_MAX - len(job.report)
    job.report.extend(entries[:max(room, 0)])


def _stored(field: models.Field, record) -> str | None:
    """A field's value as an import's row keeps it to undo the update (a custom field's: as stored)."""
    if field.name.startswith(PREFIX):
        return record.custom.get(field.name.removeprefix(PREFIX))
    value = field.value_from_object(record)
    return None if value is None else field.value_to_string(record)


def _restored(field: models.Field, value: str | None):
    if value is None or field.name.startswith(PREFIX):
        return value
    if isinstance(field, models.ForeignKey):
        return field.related_model(pk=field.target_field.to_python(value))
    return field.to_python(value)
