"""Actions on many records at once (a list's selection): tag, assign an owner, delete.

Generic over the registry: each record goes through the same service as the single-record mutation, so
numbering, protection rules and history are the same; the caller's transaction makes a batch all or nothing.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.records import error_codes
from saas.records.models import Record
from saas.records.services.records import record_delete, write_check
from saas.records.services.tags import tag_add, tag_get_or_create

MAX_BULK = 100


def _checked(records: list[Record]) -> list[Record]:
    if len(records) > MAX_BULK:
        raise ValidationError({"ids": ValidationError(_("At most %(max)d records at once.") % {"max": MAX_BULK},
                                                      code=error_codes.TOO_MANY)})
    return records


def records_tag(*, actor, records: list[Record], name: str) -> list[Record]:
    """Put one tag on every record (those already carrying it keep it once)."""
    tag_get_or_create(name=name)
    for record in _checked(records):
        tag_add(actor=actor, record=record, name=name)
    return records


def record_assign(*, actor, record: Record, owner_user=None, owner_team=None) -> Record:
    """Give a record to a user or a team (exactly one); the change is an update in its history."""
    if (owner_user is None) == (owner_team is None):
        raise ValidationError({"owner": ValidationError(_("A record has one owner: a user or a team."),
                                                        code=error_codes.OWNER_REQUIRED)})
    write_check(actor, record, Action.EDIT)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.deleted_at is not None:
        raise ValidationError(_("This record is deleted: restore it first."), code=error_codes.ALREADY_DELETED)
    if (locked.owner_user_id, locked.owner_team_id) == (getattr(owner_user, "pk", None),
                                                        getattr(owner_team, "pk", None)):
        return locked
    locked.owner_user, locked.owner_team = owner_user, owner_team
    locked.version += 1
    locked.updated_at, locked.updated_by = timezone.now(), actor
    locked.save(update_fields=["owner_user", "owner_team", "version", "updated_at", "updated_by"])
    return locked


def records_assign(*, actor, records: list[Record], owner_user=None, owner_team=None) -> list[Record]:
    """Give every record to the same user or team."""
    return [record_assign(actor=actor, record=record, owner_user=owner_user, owner_team=owner_team)
            for record in _checked(records)]


def records_delete(*, actor, records: list[Record]) -> list[Record]:
    """Soft-delete every record; one that may not be deleted (an issued invoice) refuses the whole batch, named."""
    deleted = []
    for record in _checked(records):
        try:
            deleted.append(record_delete(actor=actor, record=record))
        except ValidationError as error:
            raise ValidationError({"ids": [ValidationError(f"{record}: {message}", code=getattr(error, "code", None))
                                           for message in error.messages]}) from error
    return deleted
