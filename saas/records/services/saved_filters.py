"""Saved filters: a user's named views of a module's list (filter, columns, sort), private to that user."""

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.records import error_codes, registry
from saas.records.models import SavedFilter


def saved_filter_save(*, actor, module: str, name: str, filters: dict | None = None,
                      columns: list[str] | None = None, sort: str = "") -> SavedFilter:
    """Save a view of a module's list under a name; saving under an existing name (any case) replaces it."""
    if registry.get(module) is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise ValidationError({"name": ValidationError(_("A saved filter's name has 1 to 60 characters."),
                                                       code=error_codes.SAVED_FILTER_NAME)})
    if filters is not None and not isinstance(filters, dict):
        raise ValidationError({"filters": ValidationError(_("Filters are an object."), code=error_codes.INVALID)})
    if columns is not None and not all(isinstance(column, str) and column for column in columns):
        raise ValidationError({"columns": ValidationError(_("Columns are field names."), code=error_codes.INVALID)})
    saved = (SavedFilter.objects.annotate(upper=Upper("name"))
             .filter(user=actor, module=module, upper=name.upper()).first()) or SavedFilter(user=actor, module=module)
    saved.name, saved.filters, saved.columns = name, filters or {}, list(columns or [])
    saved.sort, saved.updated_at = sort or "", timezone.now()
    saved.full_clean(validate_constraints=False)
    saved.save()
    return saved


def saved_filter_delete(*, actor, saved_filter: SavedFilter) -> None:
    """Forget a saved filter (the selector only hands out the actor's own)."""
    saved_filter.delete()
