"""Custom fields: defined per tenant and module, stored in each record's `custom` JSONB, validated on write."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.audit.services import settings_change_record
from saas.records import error_codes, registry
from saas.records.enums import CustomFieldType
from saas.records.models import CustomFieldDefinition, Layout

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def custom_field_define(*, actor, module: str, key: str, label: str, field_type: str,
                        choices: list[str] | None = None, required: bool = False) -> CustomFieldDefinition:
    """Add a custom field to a module; its key is unique in the module."""
    if registry.get(module) is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    if field_type not in CustomFieldType.values:
        raise ValidationError({"fieldType": ValidationError(_("Unknown field type."), code=error_codes.INVALID)})
    if field_type == CustomFieldType.CHOICE and not choices:
        raise ValidationError({"choices": ValidationError(_("A choice field needs choices."),
                                                          code=error_codes.REQUIRED)})
    if CustomFieldDefinition.objects.filter(module=module, key=key).exists():
        raise ValidationError({"key": ValidationError(_("This module already has a field with this key."),
                                                      code=error_codes.CUSTOM_FIELD_EXISTS)})
    position = CustomFieldDefinition.objects.filter(module=module).count()
    definition = CustomFieldDefinition(module=module, key=key, label=label, field_type=field_type,
                                       choices=list(choices or []), required=required, position=position)
    definition.full_clean()
    definition.save()
    settings_change_record(actor=actor, target=definition, object_label=f"{module}.{key}",
                           details={"module": module, "key": key, "type": field_type},
                           summary=_("Custom field %(module)s.%(key)s defined") % {"module": module, "key": key})
    return definition


def custom_field_update(*, actor, definition: CustomFieldDefinition, label: str | None = None,
                        choices: list[str] | None = None, required: bool | None = None) -> CustomFieldDefinition:
    """Change a custom field's label, choices or requiredness; its key and type stay (stored values keep their
    meaning)."""
    changes = {"label": None if label is None else label.strip(), "choices": choices, "required": required}
    changes = {name: value for name, value in changes.items() if value is not None}
    if "label" in changes and not changes["label"]:
        raise ValidationError({"label": ValidationError(_("Give the field a label."), code=error_codes.REQUIRED)})
    if definition.field_type == CustomFieldType.CHOICE and "choices" in changes and not changes["choices"]:
        raise ValidationError({"choices": ValidationError(_("A choice field needs choices."),
                                                          code=error_codes.REQUIRED)})
    for name, value in changes.items():
        setattr(definition, name, value)
    definition.full_clean()
    definition.save(update_fields=list(changes))
    settings_change_record(actor=actor, target=definition, object_label=f"{definition.module}.{definition.key}",
                           details={"changed": sorted(changes)}, summary=_("Custom field %(module)s.%(key)s changed")
                           % {"module": definition.module, "key": definition.key})
    return definition


def custom_field_remove(*, actor, definition: CustomFieldDefinition) -> None:
    """Remove a custom field from its module's forms, pages and layout.

    The values already stored in records' `custom` stay in the database (and in their history): defining the
    same key again brings them back rather than losing data by a click.
    """
    name = f"custom.{definition.key}"
    layout = Layout.objects.filter(module=definition.module).first()
    if layout is not None:
        config = dict(layout.config)
        for part in ("header_fields", "key_fields", "quick_create_fields"):
            if part in config:
                config[part] = [field for field in config[part] if field != name]
        if "blocks" in config:
            config["blocks"] = [{**block, "fields": [f for f in block.get("fields", []) if f != name]}
                                for block in config["blocks"]]
        layout.config = config
        layout.save(update_fields=["config"])
    settings_change_record(actor=actor, target=definition, object_label=f"{definition.module}.{definition.key}",
                           summary=_("Custom field %(module)s.%(key)s removed")
                           % {"module": definition.module, "key": definition.key})
    definition.delete()


def custom_definitions(module: str) -> dict[str, CustomFieldDefinition]:
    return {d.key: d for d in CustomFieldDefinition.objects.filter(module=module)}


PREFIX = "custom."


def custom_split(values: dict) -> tuple[dict, dict]:
    """`{name: value}` where custom fields are named `custom.<key>` (as layouts, lists and imports name them):
    the model's fields, and the custom values by key."""
    fields = {name: value for name, value in values.items() if not name.startswith(PREFIX)}
    custom = {name.removeprefix(PREFIX): value for name, value in values.items() if name.startswith(PREFIX)}
    return fields, custom


def custom_values_clean(*, module: str, values: dict | None, current: dict | None = None,
                        definitions: dict[str, CustomFieldDefinition] | None = None) -> dict:
    """Merge `values` into `current`, each checked against its definition; None clears a value. A caller
    checking many records passes the module's `definitions` (read once)."""
    definitions = custom_definitions(module) if definitions is None else definitions
    merged = dict(current or {})
    errors: dict[str, ValidationError] = {}
    for key, value in (values or {}).items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"custom.{key}"] = ValidationError(_("Unknown custom field."), code=error_codes.UNKNOWN_CUSTOM_FIELD)
            continue
        if value is None or value == "":
            merged.pop(key, None)
            continue
        try:
            merged[key] = custom_value_clean(definition, value)
        except ValidationError as refusal:
            errors[f"custom.{key}"] = refusal
    for key, definition in definitions.items():
        if definition.required and key not in merged and f"custom.{key}" not in errors:
            errors[f"custom.{key}"] = ValidationError(_("This field is required."), code=error_codes.REQUIRED)
    if errors:
        raise ValidationError(errors)
    return merged


def custom_value_clean(definition: CustomFieldDefinition, value):
    """A value as the field stores it (a number as an integer, a decimal and a date as text), or a coded
    refusal: `custom_field_type`, or `custom_field_choice` for a value that is none of a choice field's."""
    kind = definition.field_type
    wrong = ValidationError(_("Expected a value of type %(type)s.") % {"type": kind},
                            code=error_codes.CUSTOM_FIELD_TYPE)
    if kind == CustomFieldType.TEXT:
        if not isinstance(value, str):
            raise wrong
        return value
    if kind == CustomFieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise wrong
        try:
            return int(value)
        except ValueError as error:
            raise wrong from error
    if kind == CustomFieldType.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise wrong
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise wrong from error
        if not number.is_finite():  # NaN and Infinity are no amounts, and no list could sort them
            raise wrong
        return str(number)
    if kind == CustomFieldType.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        # YYYY-MM-DD only: fromisoformat also reads 20260131 and 2026-W05-6, which no one means by a date.
        if not isinstance(value, str) or not DATE.fullmatch(value.strip()):
            raise wrong
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError as error:
            raise wrong from error
    if kind == CustomFieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise wrong
        return value
    if value not in definition.choices:
        raise ValidationError(_("Not one of the choices."), code=error_codes.CUSTOM_FIELD_CHOICE)
    return value
