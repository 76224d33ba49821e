"""Status pipelines declared as data on each record type (`RecordType.pipelines`), changed by one service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.records import error_codes, registry
from saas.records.models import Record
from saas.records.services.records import _record_write


def record_transition(*, actor, record: Record, to: str, verb: str | None, version: int | None = None,
                      field: str = "status", extra_fields: dict | None = None) -> Record:
    """Move a record along its pipeline by `verb` (None: an automatic move), with the other fields the move sets
    (`extra_fields`: a number, a date); a move the pipeline does not give that verb is refused with `transition`.
    The history shows the move as a status change."""
    pipeline = registry.for_model(type(record)).pipelines.get(field)
    if pipeline is None:
        raise ValidationError({field: ValidationError(_("This record has no pipeline."), code=error_codes.INVALID)})
    current = getattr(record, field)
    if not any(current in transition.sources and transition.target == to and transition.verb == verb
               for transition in pipeline):
        raise ValidationError({field: ValidationError(
            _("Cannot go from %(current)s to %(to)s.") % {"current": current, "to": to},
            code=error_codes.TRANSITION)})
    return _record_write(actor=actor, record=record, version=record.version if version is None else version,
                         fields={field: to, **(extra_fields or {})})


def verb_state_check(record: Record, verb: str, message: str, code: str = error_codes.TRANSITION) -> None:
    """Refuse `verb` with `message` unless the record is in a state its type's pipeline runs it from."""
    states = registry.for_model(type(record)).verb_states(verb)
    if not all(getattr(record, name) in values for name, values in states.items()):
        raise ValidationError(message, code=code)
