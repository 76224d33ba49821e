"""Exports: a list leaves the application as a file; who took which rows, and when, goes to the event log."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.enums import Action
from saas.audit.enums import EventKind
from saas.audit.services import event_record
from saas.records import error_codes, registry


def list_export_record(*, actor, module: str, columns: list[str], filters: dict | None = None,
                       row_count: int | None = None, file_format: str = "csv") -> None:
    """Log the export of a module's list (its filters and columns) by someone allowed to export it."""
    if registry.get(module) is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    rights.require(actor, module, Action.EXPORT)
    rows = _("%(count)d rows") % {"count": row_count} if row_count is not None else _("all rows")
    event_record(kind=EventKind.EXPORT, actor=actor, object_type=module, summary=_(
        "Export of %(module)s as %(format)s (%(rows)s)") % {"module": module, "format": file_format.upper(),
                                                             "rows": rows},
        details={"module": module, "columns": list(columns), "filters": filters or {}, "rows": row_count,
                 "format": file_format})
