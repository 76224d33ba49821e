"""What a reader may do to a record now: its type's verbs, from the pipeline's state, the rights and the guards."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.visibility import may_write
from saas.records import error_codes, registry
from saas.records.models import Record


@dataclass(frozen=True)
class AvailableAction:
    verb: str
    label: str
    available: bool
    reason: str | None = None
    code: str | None = None


def available_actions(*, actor, record: Record) -> list[AvailableAction]:
    """The verbs the record's state allows, in their declared order; each one the actor may not run now (no right
    on the module or the record, a guard's refusal) with the reason and its code. A deleted record offers none."""
    record_type = registry.for_model(type(record))
    if record.deleted_at is not None:
        return []
    offered = [verb for verb in record_type.verbs if all(
        getattr(record, name) in states for name, states in record_type.verb_states(verb.key).items())]
    writable = None
    actions = []
    for verb in offered:
        label = str(verb.label)
        if not rights.can(actor, record_type.key, verb.right):
            actions.append(AvailableAction(verb.key, label, False, _("You may not change %(module)s.") % {
                "module": str(record_type.label_plural).lower()}, error_codes.FORBIDDEN))
            continue
        if writable is None:
            writable = may_write(actor, record, record_type.key)
        if not writable:
            actions.append(AvailableAction(verb.key, label, False, _("You may see this record but not change it."),
                                           error_codes.FORBIDDEN))
            continue
        refusal = _guard_refusal(verb, record)
        actions.append(AvailableAction(verb.key, label, refusal is None, *(refusal or (None, None))))
    return actions


def _guard_refusal(verb: registry.Verb, record: Record) -> tuple[str, str] | None:
    if verb.guard is None:
        return None
    try:
        verb.guard(record)
    except ValidationError as refusal:
        errors = refusal.error_list if hasattr(refusal, "error_list") else [
            error for field_errors in refusal.error_dict.values() for error in field_errors]
        return str(next(iter(errors[0]))), errors[0].code
    return None
