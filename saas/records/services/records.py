"""The lifecycle of every record: create, update (optimistic locking), soft delete, restore.

Every business app creates and changes its records through these, so numbering, the central
reference, search text, custom fields and history are never skipped.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.enums import Action
from saas.access.visibility import may_write
from saas.records import error_codes, registry
from saas.records.enums import RecordSource
from saas.records.models import Record, RecordRef
from saas.records.services.custom_fields import custom_values_clean
from saas.records.services.numbering import number_next
from saas.records.signals import record_saved

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


def record_update(*, actor, record: Record, version: int, fields: dict, custom: dict | None = None) -> Record:
    """Change a record if nobody changed it since `version`; otherwise a `conflict` and nothing written."""
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
