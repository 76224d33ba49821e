"""The lifecycle of every record: create, update (optimistic locking), soft delete, restore.

Every business app creates and changes its records through these, so numbering, the central
reference, search text, custom fields and history are never skipped.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.enums import Action
from saas.access.visibility import every_row, may_write, visible
from saas.records import error_codes, registry
from saas.records.enums import RecordSource
from saas.records.models import Record, RecordRef
from saas.records.services.custom_fields import custom_definitions, custom_split, custom_values_clean
from saas.records.services.numbering import number_next, numbers_next
from saas.records.signals import record_saved, records_created

BOOKKEEPING = {"version", "updated_at", "updated_by", "ref"}


def normalize(text: str) -> str:
    """Lowercase and accent-free: search matches `Société` when typing `societe`."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def record_create(*, actor, model: type[Record], fields: dict, source: str = RecordSource.MANUAL,
                  custom: dict | None = None, owner_user=None, owner_team=None) -> Record:
    """Create a record with its central reference and number; the owner defaults to the actor."""
    record_type = registry.for_model(model)
    rights.require(actor, record_type.key, Action.CREATE)
    rights.require_fields_writable(actor, record_type.key, [
        name for name, value in fields.items() if value not in (None, "", model._meta.get_field(name).get_default())])
    record = model(**fields)
    record.source = source
    record.custom = custom_values_clean(module=record_type.key, values=custom)
    record.owner_user, record.owner_team = _owner(actor, owner_user, owner_team)
    record.created_by = record.updated_by = actor
    record.created_at = record.updated_at = timezone.now()
    record.full_clean(exclude=["ref", "number"])
    with connection.cursor() as cursor:
        # The id first, so the central reference can be written before the record points to it.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        record.pk = cursor.fetchone()[0]
    if record_type.number_on_create:
        record.number = number_next(module=record_type.key, company_id=getattr(record, "company_id", None))
    record.ref = RecordRef.objects.create(type_key=record_type.key, object_id=record.pk,
                                          **_ref_values(record_type, record))
    _write_search_vector(record.ref)
    record.save(force_insert=True)
    record_saved.send(sender=model, record=record, actor=actor, created=True, changes={})
    return record


def records_create_many(*, actor, model: type[Record], rows: list[dict], source: str = RecordSource.MANUAL,
                        owner_user=None, owner_team=None) -> list[Record | ValidationError]:
    """Create many records of a type at once (an import's batch); answers, row by row, the record created or
    the ValidationError that refused the row (the other rows are created all the same).

    Each row gets the checks of `record_create`: the actor's rights on its fields, the type's `create_clean`,
    the model's field validation and its custom values' (named `custom.<key>` in the row). The valid rows
    are written with a constant number of queries whatever their count: their ids, their numbers (one step of
    the gapless counter or the sequence), their central references and the records each take one statement,
    and the history triggers record every insert with the caller's pghistory context. Links (foreign keys) are
    left to the database's constraints rather than looked up row by row: pass records found through their
    selectors. Receivers hear of the batch once, through `records_created`, not through `record_saved` per
    record.
    """
    record_type = registry.for_model(model)
    if not record_type.bulk_create:
        raise ValueError(f"{record_type.key} records are created one by one (record_create)")
    rights.require(actor, record_type.key, Action.CREATE)
    owner = _owner(actor, owner_user, owner_team)
    results = records_check(actor=actor, model=model, rows=rows, source=source, owner=owner)
    records = [result for result in results if isinstance(result, Record)]
    if records:
        _insert_many(record_type, records)
    records_created.send(sender=model, records=records, actor=actor)
    return results


def records_check(*, actor, model: type[Record], rows: list[dict], source: str = RecordSource.MANUAL,
                  owner: tuple | None = None) -> list[Record | ValidationError]:
    """What `records_create_many` would answer row by row (unsaved records or refusals), writing nothing."""
    record_type = registry.for_model(model)
    _hidden, locked = rights.field_access(actor, record_type.key)
    definitions = custom_definitions(record_type.key)  # once for the batch: each row's custom values checked
    owner_user, owner_team = owner or _owner(actor, None, None)
    now = timezone.now()
    # The engine's own fields are set here and links are checked by the database: validating them row by row
    # would cost a query per link and per row.
    engine_fields = {f.name for f in Record._meta.fields} | {"id"}
    unchecked = [f.name for f in model._meta.fields if f.name in engine_fields or f.is_relation]
    required_links = [f for f in model._meta.fields if f.is_relation and f.name not in engine_fields and not f.null]
    # Ids rather than instances: the same few users and teams on every row, set without the related descriptors.
    engine_values = {"source": source, "owner_user_id": getattr(owner_user, "pk", None),
                     "owner_team_id": getattr(owner_team, "pk", None), "created_by_id": getattr(actor, "pk", None),
                     "updated_by_id": getattr(actor, "pk", None), "created_at": now, "updated_at": now}
    results = []
    for row in rows:
        fields, custom_values = custom_split(row)  # a row names its custom fields `custom.<key>`
        errors: dict[str, list] = {}
        try:
            custom = custom_values_clean(module=record_type.key, values=custom_values, definitions=definitions)
        except ValidationError as refusal:
            custom = {}
            refusal.update_error_dict(errors)
        try:
            if locked and locked & (written := {name for name, value in fields.items() if value not in (
                    None, "", model._meta.get_field(name).get_default())}):
                rights.require_fields_writable(actor, record_type.key, written)
            if record_type.create_clean is not None:
                fields = record_type.create_clean(fields)
        except ValidationError as refusal:
            refusal.update_error_dict(errors)
        record = model(**fields, **engine_values, custom=custom)
        try:
            record.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
        except ValidationError as refusal:
            # The model's messages first: they name every bad field as a form would.
            errors.update(refusal.error_dict)
        for link in required_links:
            if getattr(record, link.attname) is None and link.name not in errors:
                errors[link.name] = [ValidationError(link.error_messages["null"], code="null")]
        results.append(ValidationError(errors) if errors else record)
    return results


def _insert_many(record_type, records: list[Record]) -> None:
    model = record_type.model
    with connection.cursor() as cursor:
        # The ids first, so the central references can be written before the records point to them.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, len(records)])
        ids = sorted(pk for (pk,) in cursor.fetchall())
    for record, pk in zip(records, ids, strict=True):
        record.pk = pk
    if record_type.number_on_create:
        by_company: dict[int | None, list[Record]] = {}
        for record in records:
            by_company.setdefault(getattr(record, "company_id", None), []).append(record)
        for company_id, group in by_company.items():
            numbers = numbers_next(module=record_type.key, count=len(group), company_id=company_id)
            for record, number in zip(group, numbers, strict=True):
                record.number = number
    values = [_ref_values(record_type, record) for record in records]
    with connection.cursor() as cursor:
        # One statement from arrays, the search vector included: a thousand RecordRef instances and a second
        # pass over the rows for their vectors cost more than the rows' own insert.
        cursor.execute(
            f"""INSERT INTO {RecordRef._meta.db_table} (type_key, object_id, display_name, company_id, search_text,
                    search_vector, is_deleted, created_at, updated_at)
                SELECT %s, object_id, display_name, company_id, search_text, to_tsvector('simple', search_text),
                       false, %s, %s
                FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[])
                    AS new (object_id, display_name, company_id, search_text)
                RETURNING id, object_id""",
            [record_type.key, records[0].created_at, records[0].updated_at, [record.pk for record in records],
             [value["display_name"] for value in values], [value["company_id"] for value in values],
             [value["search_text"] for value in values]])
        ref_ids = {object_id: ref_id for ref_id, object_id in cursor.fetchall()}
    for record in records:
        record.ref_id = ref_ids[record.pk]
    model.objects.bulk_create(records)


def record_update(*, actor, record: Record, version: int, fields: dict, custom: dict | None = None) -> Record:
    """Change a record if nobody changed it since `version`; otherwise a `conflict` and nothing written.
    A status field with a pipeline is refused (`pipeline_field`): it moves only through `record_transition`."""
    record_type = registry.for_model(type(record))
    pipelined = sorted(set(fields) & set(record_type.pipelines))
    if pipelined:
        raise ValidationError({name: ValidationError(
            _("This field follows its pipeline: it changes through the record's actions."),
            code=error_codes.PIPELINE_FIELD) for name in pipelined})
    return _record_write(actor=actor, record=record, version=version, fields=fields, custom=custom)


def _record_write(*, actor, record: Record, version: int, fields: dict, custom: dict | None = None) -> Record:
    """What `record_update` and `record_transition` (saas.records.services.pipelines) both write, checks included
    but the pipeline's: rights, version, deletion, field rights, validation, history, the central reference."""
    record_type = registry.for_model(type(record))
    write_check(actor, record, Action.EDIT)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.version != version:
        raise ValidationError(
            _("This record was changed by someone else in the meantime: reload it and try again."),
            code=error_codes.CONFLICT)
    if locked.deleted_at is not None:
        raise ValidationError(_("This record is deleted: restore it first."), code=error_codes.ALREADY_DELETED)
    changed, changes = set(), {}
    for name, value in fields.items():
        if getattr(locked, name) != value:
            changes[name] = (getattr(locked, name), value)
            setattr(locked, name, value)
            changed.add(name)
    if custom:
        merged = custom_values_clean(module=record_type.key, values=custom, current=locked.custom)
        if merged != locked.custom:
            changes["custom"] = (locked.custom, merged)
            locked.custom = merged
            changed.add("custom")
    if not changed:
        return locked
    rights.require_fields_writable(actor, record_type.key, changed - {"custom"})
    locked.full_clean(exclude=["ref", "number"])
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = actor
    locked.save(update_fields=[*changed, "version", "updated_at", "updated_by"])
    RecordRef.objects.filter(pk=locked.ref_id).update(updated_at=locked.updated_at,
                                                      **_ref_values(record_type, locked))
    _write_search_vector(locked.ref)
    record_saved.send(sender=type(locked), record=locked, actor=actor, created=False, changes=changes)
    return locked


def record_delete(*, actor, record: Record, version: int | None = None) -> Record:
    """Soft-delete a record: hidden from lists and search, restorable, its history kept."""
    write_check(actor, record, Action.DELETE)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if version is not None and locked.version != version:
        raise ValidationError(_("This record was changed by someone else in the meantime."),
                              code=error_codes.CONFLICT)
    if locked.deleted_at is not None:
        raise ValidationError(_("This record is already deleted."), code=error_codes.ALREADY_DELETED)
    for name, values in registry.for_model(type(record)).protected_when.items():
        if getattr(locked, name) in values:
            raise ValidationError(_("This record is kept as it is (%(state)s): it cannot be deleted.")
                                  % {"state": getattr(locked, name)}, code=error_codes.PROTECTED)
    return _set_deleted(actor, locked, deleted=True)


def record_restore(*, actor, record: Record) -> Record:
    """Bring a soft-deleted record back."""
    write_check(actor, record, Action.DELETE)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.deleted_at is None:
        raise ValidationError(_("This record is not deleted."), code=error_codes.NOT_DELETED)
    return _set_deleted(actor, locked, deleted=False)


def records_delete_many(*, actor, model: type[Record], ids: QuerySet | list[int]) -> int:
    """Soft-delete many records of a type at once (an import undone), with the checks of `record_delete` on the
    whole set: refused (`forbidden`, `protected`) and nothing written when one of them may not be deleted; the
    ones deleted already are left as they are. A constant number of queries whatever their count (`ids` may be a
    subquery); each deletion is in its record's history, written by the triggers. Answers how many were deleted."""
    record_type = registry.for_model(model)
    rights.require(actor, record_type.key, Action.DELETE)
    targets = model.objects.filter(pk__in=ids, deleted_at__isnull=True)
    _writable_check(actor, record_type, targets)
    protected = Q()
    for name, values in record_type.protected_when.items():
        protected |= Q(**{f"{name}__in": values})
    if protected and targets.filter(protected).exists():
        raise ValidationError(_("Some of these records are kept as they are: they cannot be deleted."),
                              code=error_codes.PROTECTED)
    now = timezone.now()
    locked = list(targets.select_for_update().values_list("pk", flat=True))
    if not locked:
        return 0
    RecordRef.objects.filter(pk__in=model.objects.filter(pk__in=locked).values("ref_id")).update(
        is_deleted=True, updated_at=now)
    return model.objects.filter(pk__in=locked).update(
        deleted_at=now, deleted_by=actor, version=F("version") + 1, updated_at=now, updated_by=actor)


def records_update_many(*, actor, model: type[Record], changes: dict[int, dict]) -> int:
    """Put values back on many records of a type at once (`{id: {field: value}}`, an import undone), with the
    checks of `record_update` on the whole set (module right, each record writable, each changed field writable)
    and no version check. Deleted records and values equal to the stored ones are left alone. The queries are
    constant per distinct set of changed fields (one `bulk_update`), whatever the number of records; no
    `record_saved` is sent (putting values back is no business edit that workflows should answer)."""
    record_type = registry.for_model(model)
    rights.require(actor, record_type.key, Action.EDIT)
    targets = model.objects.filter(pk__in=list(changes), deleted_at__isnull=True)
    _writable_check(actor, record_type, targets)
    groups: dict[tuple[str, ...], list[Record]] = {}
    for record in targets.select_for_update().order_by("pk"):
        changed = []
        fields, custom = custom_split(changes[record.pk])
        if custom:
            # A custom value put back as it was stored (None: the record had none).
            restored = {**record.custom, **custom}
            restored = {key: value for key, value in restored.items() if value is not None}
            if restored != record.custom:
                record.custom = restored
                changed.append("custom")
        for name, value in fields.items():
            field = model._meta.get_field(name)
            stored = getattr(record, field.attname)
            wanted = value.pk if isinstance(value, Model) else value
            if stored != wanted:
                setattr(record, field.attname, wanted)
                changed.append(name)
        if changed:
            groups.setdefault(tuple(sorted(changed)), []).append(record)
    rights.require_fields_writable(actor, record_type.key, {name for names in groups for name in names} - {"custom"})
    now = timezone.now()
    refs = []
    for names, records in groups.items():
        for record in records:
            record.version += 1
            record.updated_at, record.updated_by = now, actor
            ref = RecordRef(pk=record.ref_id, updated_at=now, **_ref_values(record_type, record))
            refs.append(ref)
        model.objects.bulk_update(records, [*names, "version", "updated_at", "updated_by"], batch_size=1000)
    if refs:
        RecordRef.objects.bulk_update(refs, ["updated_at", "display_name", "company_id", "search_text"],
                                      batch_size=1000)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {RecordRef._meta.db_table} SET search_vector = to_tsvector('simple', search_text)"
                           " WHERE id = ANY(%s)", [[ref.pk for ref in refs]])
    return len(refs)


def _writable_check(actor, record_type, targets: QuerySet) -> None:
    """Every record of `targets` may be changed by the actor (row level), or the whole operation is refused."""
    if every_row(actor, record_type.key, write=True):
        return
    if targets.count() != visible(targets, actor=actor, module=record_type.key, write=True).count():
        raise ValidationError(_("You may see some of these records but not change them."),
                              code=error_codes.FORBIDDEN)


def write_check(actor, record: Record, action: str) -> None:
    """The actor's module right for `action`, then its right to change this very record (owner, role tree,
    write sharing, defaults): both refused with `forbidden` (the record was readable, or it would not be here)."""
    module = registry.for_model(type(record)).key
    rights.require(actor, module, action)
    if not may_write(actor, record, module):
        raise ValidationError(_("You may see this record but not change it."), code=error_codes.FORBIDDEN)


def _set_deleted(actor, record: Record, *, deleted: bool) -> Record:
    now = timezone.now()
    record.deleted_at = now if deleted else None
    record.deleted_by = actor if deleted else None
    record.version += 1
    record.updated_at, record.updated_by = now, actor
    record.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at", "updated_by"])
    RecordRef.objects.filter(pk=record.ref_id).update(is_deleted=deleted, updated_at=now)
    return record


def _owner(actor, owner_user, owner_team):
    if owner_user is not None and owner_team is not None:
        raise ValidationError({"owner": ValidationError(_("A record has one owner: a user or a team."),
                                                        code=error_codes.OWNER_REQUIRED)})
    if owner_user is None and owner_team is None:
        if actor is None:
            raise ValidationError({"owner": ValidationError(_("A record needs an owner."),
                                                            code=error_codes.OWNER_REQUIRED)})
        return actor, None
    return owner_user, owner_team


def _ref_values(record_type, record: Record) -> dict:
    text = " ".join(str(getattr(record, name) or "") for name in record_type.search_fields)
    return {
        "display_name": str(record)[:255],
        "company_id": getattr(record, "company_id", None),
        "search_text": normalize(f"{record.number or ''} {text}"),
    }


def _write_search_vector(ref: RecordRef | int) -> None:
    ref_id = ref.pk if isinstance(ref, RecordRef) else ref
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RecordRef._meta.db_table} SET search_vector = to_tsvector('simple', search_text) "
            "WHERE id = %s", [ref_id])
