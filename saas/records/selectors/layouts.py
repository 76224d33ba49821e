"""Layouts: the registry's defaults for a module, overridden by the tenant's layout manager."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from saas.access.rights import field_access
from saas.access.visibility import sees
from saas.records import registry
from saas.records.models import CustomFieldDefinition, Layout, Record

CUSTOM_BLOCK = "custom"  # the block that holds the custom fields no other block places


@dataclass
class FieldValue:
    field: str
    label: str
    type: str
    value: str | None
    raw: object


@dataclass
class ModuleLayout:
    module: str
    header_fields: list[str]
    key_fields: list[str]
    quick_create_fields: list[str]
    blocks: list[dict]
    tabs: list[dict]  # {"key", "label", "visible"} in display order


def layout_get(*, module: str, custom_fields: bool = True) -> ModuleLayout:
    """A module's layout; without `custom_fields`, the stored one alone (enough for headers and key fields, which
    name only what the layout manager put there, and one query less on every record page)."""
    record_type = registry.get(module)
    stored = Layout.objects.filter(module=module).values_list("config", flat=True).first() or {}
    default_tabs = [{"key": r.key, "label": str(r.label), "visible": True} for r in record_type.relations]
    tabs_order = stored.get("tabs_order") or [t["key"] for t in default_tabs]
    hidden = set(stored.get("hidden_tabs") or [])
    by_key = {t["key"]: t for t in default_tabs}
    tabs = [{**by_key[key], "visible": key not in hidden} for key in tabs_order if key in by_key]
    tabs += [{**t, "visible": t["key"] not in hidden} for t in default_tabs if t["key"] not in tabs_order]
    blocks = stored.get("blocks") or [
        {"key": b.key, "label": str(b.label), "fields": list(b.fields)} for b in record_type.blocks]
    quick_create_fields = stored.get("quick_create_fields") or list(record_type.quick_create_fields)
    # A custom field is on the record's page and in its forms from its definition on: the ones no block places
    # yet go in a block of their own (the layout manager moves them), the required ones into the quick create.
    definitions = list(CustomFieldDefinition.objects.filter(module=module).values_list("key", "required")) \
        if custom_fields else []
    placed = {name for block in blocks for name in block.get("fields", [])}
    unplaced = [f"custom.{key}" for key, _required in definitions if f"custom.{key}" not in placed]
    if unplaced:
        block = next((block for block in blocks if block.get("key") == CUSTOM_BLOCK), None)
        if block is None:
            blocks = [*blocks, {"key": CUSTOM_BLOCK, "label": str(_("Custom fields")), "fields": unplaced}]
        else:
            blocks = [{**b, "fields": [*b["fields"], *unplaced]} if b is block else b for b in blocks]
    quick_create_fields = [*quick_create_fields, *(
        f"custom.{key}" for key, required in definitions if required and f"custom.{key}" not in quick_create_fields)]
    return ModuleLayout(
        module=module,
        header_fields=stored.get("header_fields") or list(record_type.header_fields),
        key_fields=stored.get("key_fields") or list(record_type.key_fields),
        quick_create_fields=quick_create_fields,
        blocks=blocks,
        tabs=tabs,
    )


def layout_for_actor(*, actor, module: str, custom_fields: bool = True) -> ModuleLayout:
    """A module's layout without the fields the actor's profile hides (header, key fields, blocks, quick create)."""
    layout = layout_get(module=module, custom_fields=custom_fields)
    hidden, _locked = field_access(actor, module)
    if not hidden:
        return layout
    shown = [name for name in layout.header_fields if name not in hidden]
    return ModuleLayout(
        module=module, header_fields=shown, key_fields=[name for name in layout.key_fields if name not in hidden],
        quick_create_fields=[name for name in layout.quick_create_fields if name not in hidden],
        blocks=[{**block, "fields": [name for name in block["fields"] if name not in hidden]}
                for block in layout.blocks],
        tabs=layout.tabs)


def field_values(record: Record, names: list[str], custom_definitions: dict | None = None, *,
                 actor) -> list[FieldValue]:
    """Formatted values of model fields (and `custom.<key>` fields) of a record, for headers and summaries; a link
    to a record the actor may not see shows nothing."""
    values = []
    for name in names:
        if name.startswith("custom."):
            key = name.removeprefix("custom.")
            definition = (custom_definitions or {}).get(key)
            raw = record.custom.get(key)
            values.append(FieldValue(name, definition.label if definition else key,
                                     definition.field_type if definition else "text",
                                     None if raw is None else str(raw), raw))
            continue
        if name == "owner":
            owner = record.owner_user or record.owner_team
            values.append(FieldValue("owner", "owner", "owner", str(owner) if owner else None,
                                     getattr(owner, "pk", None)))
            continue
        try:
            field = record._meta.get_field(name)
        except Exception:  # noqa: BLE001  (a stale layout entry shows nothing rather than failing the page)
            continue
        raw = getattr(record, name)
        if isinstance(field, models.ForeignKey):
            linked_type = registry.find_for_model(field.related_model)
            if raw is not None and linked_type is not None and not sees(actor, raw, module=linked_type.key):
                raw = None
            values.append(FieldValue(name, str(field.verbose_name), "link", str(raw) if raw else None,
                                     getattr(raw, "pk", None)))
            continue
        display = getattr(record, f"get_{name}_display", None)
        text = display() if callable(display) else raw
        json_raw = raw if isinstance(raw, str | int | float | bool) or raw is None else str(raw)
        values.append(FieldValue(name, str(field.verbose_name), field.get_internal_type(),
                                 None if text in (None, "") else str(text), json_raw))
    return values


def custom_field_values(record: Record, module: str, definitions=None) -> list[FieldValue]:
    definitions = definitions if definitions is not None else {
        d.key: d for d in CustomFieldDefinition.objects.filter(module=module)}
    # Custom fields hold values, never links to other records: nothing for the actor's sight to narrow.
    return field_values(record, [f"custom.{key}" for key in definitions], definitions, actor=None)


def layout_fields(record_type) -> set[str]:
    names = {f.name for f in record_type.model._meta.get_fields() if getattr(f, "concrete", False)}
    return names | {"owner"}
