"""The layout manager: a tenant reorders headers, key fields, blocks and tabs of a module."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.audit.services import settings_change_record
from saas.records import error_codes, registry
from saas.records.models import CustomFieldDefinition, Layout
from saas.records.selectors.layouts import layout_fields

KEYS = ("header_fields", "key_fields", "quick_create_fields", "blocks", "tabs_order", "hidden_tabs")


def layout_update(*, actor, module: str, changes: dict) -> Layout:
    """Store the given parts of a module's layout; every field and tab named must exist."""
    record_type = registry.get(module)
    if record_type is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    known = layout_fields(record_type) | {
        f"custom.{key}" for key in CustomFieldDefinition.objects.filter(module=module).values_list("key", flat=True)}
    tabs = {relation.key for relation in record_type.relations}
    errors = {}
    for part in ("header_fields", "key_fields", "quick_create_fields"):
        unknown = [name for name in changes.get(part) or [] if name not in known]
        if unknown:
            errors[part] = ValidationError(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)},
                                           code=error_codes.UNKNOWN_FIELD)
    for block in changes.get("blocks") or []:
        unknown = [name for name in block.get("fields", []) if name not in known]
        if unknown or not block.get("key"):
            errors["blocks"] = ValidationError(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)},
                                               code=error_codes.UNKNOWN_FIELD)
    for part in ("tabs_order", "hidden_tabs"):
        unknown = [key for key in changes.get(part) or [] if key not in tabs]
        if unknown:
            errors[part] = ValidationError(_("Unknown tabs: %(names)s") % {"names": ", ".join(unknown)},
                                           code=error_codes.UNKNOWN_FIELD)
    if errors:
        raise ValidationError(errors)
    layout, _created = Layout.objects.get_or_create(module=module)
    layout.config = {**layout.config, **{k: v for k, v in changes.items() if k in KEYS and v is not None}}
    layout.updated_at = timezone.now()
    layout.save()
    settings_change_record(actor=actor, target=layout, object_label=module,
                           details={"parts": sorted(k for k, v in changes.items() if k in KEYS and v is not None)},
                           summary=_("Layout of %(module)s changed") % {"module": module})
    return layout
