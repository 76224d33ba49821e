"""Status pipelines declared as data (`{"new": ["contacted", "lost"], ...}`), changed by one service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.records import error_codes, registry
from saas.records.models import Record
from saas.records.services.records import record_update


def record_transition(*, actor, record: Record, to: str, version: int | None = None, field: str = "status",
                      extra_fields: dict | None = None) -> Record:
    """Move a record along its pipeline; a move the pipeline does not allow is refused with `transition`."""
    pipeline = registry.for_model(type(record)).pipelines.get(field)
    if pipeline is None:
        raise ValidationError({field: ValidationError(_("This record has no pipeline."), code=error_codes.INVALID)})
    current = getattr(record, field)
    if to not in pipeline.get(current, ()):
        raise ValidationError({field: ValidationError(
            _("Cannot go from %(current)s to %(to)s.") % {"current": current, "to": to},
            code=error_codes.TRANSITION)})
    return record_update(actor=actor, record=record, version=record.version if version is None else version,
                         fields={field: to, **(extra_fields or {})})
