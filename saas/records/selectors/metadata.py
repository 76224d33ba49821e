"""What each record type is, for whoever shows it (the web app, an integrator's generic client): its fields with
their kinds, labels and choices, its list, its forms and its place in the navigation.

Derived from its declaration (`RecordType`) and its model: labels are the model's verbose names and its choices'
labels, in the active language (one translation catalog), kinds follow from the model fields; the declaration
only says what the model cannot (which columns a list shows, a computed field, the tone of a status).
"""

import enum
from dataclasses import dataclass, replace

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from saas.access.rights import field_access
from saas.records import registry
from saas.records.models import Record


class FieldKind(enum.Enum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DECIMAL = "decimal"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    LINK = "link"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    COUNTRY = "country"
    OWNER = "owner"


# The navigation's areas, in the order of the product's documentation; a type names its area (default: its app).
AREAS = {"crm": _("CRM"), "sales": _("Sales"), "catalog": _("Catalog"), "accounting": _("Finance")}

# The engine's own columns, offered on every list (each record has an owner and timestamps).
ENGINE_COLUMNS = (registry.Column("owner", _("Owner"), "OWNER", more=True),
                  registry.Column("created_at", _("Created"), more=True),
                  registry.Column("updated_at", _("Updated"), more=True))
_ENGINE_FIELDS = {f.name for f in Record._meta.get_fields()} - {"number", "created_at", "updated_at"}
MONEY_DIGITS = 12  # a decimal of at least this many digits holds amounts (totals, prices), smaller ones rates


@dataclass(frozen=True)
class Choice:
    value: str  # the GraphQL enum value
    label: str
    tone: str


@dataclass(frozen=True)
class FieldMeta:
    name: str
    graphql_name: str
    label: str
    kind: FieldKind
    required: bool
    editable: bool
    create_only: bool
    choices: tuple[Choice, ...]
    link_module: str | None
    link_type: str | None  # the GraphQL type a link points to (a record type's, or VatRate, Unit…)


@dataclass(frozen=True)
class ColumnMeta:
    name: str
    path: str  # in a GraphQL node, dotted: "account.name"
    label: str
    kind: FieldKind
    sort: str | None  # the GraphQL ordering field; the API keeps it only when the type's ordering offers it
    shown: bool
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class FilterMeta:
    name: str
    path: str  # the GraphQL filter field, taking `exact`
    label: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class RecordTypeMeta:
    key: str
    graphql_type: str
    label: str
    label_plural: str
    add_label: str
    icon: str
    area: str
    area_label: str
    nav_order: int
    path: str
    fields: tuple[FieldMeta, ...]
    list_columns: tuple[ColumnMeta, ...]
    list_sort: str
    list_filters: tuple[FilterMeta, ...]
    searchable: tuple[str, ...]
    quick_create_fields: tuple[str, ...]
    form_fields: tuple[str, ...]
    form_blocks: tuple[registry.Block, ...]  # labels as text in the reader's language


def camel(name: str) -> str:
    """A model path's GraphQL name: `billing_city` → `billingCity`, `account.name` kept dotted."""
    parts = []
    for part in name.split("."):
        first, *rest = part.split("_")
        parts.append(first + "".join(word[:1].upper() + word[1:] for word in rest))
    return ".".join(parts)


def _kind(record_type: registry.RecordType, field: models.Field) -> FieldKind:
    declared = record_type.field_kinds.get(field.name)
    if declared:
        return FieldKind[declared]
    if field.choices:
        return FieldKind.CHOICE
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return FieldKind.LINK
    if isinstance(field, models.BooleanField):
        return FieldKind.BOOLEAN
    if isinstance(field, models.DateTimeField):
        return FieldKind.DATETIME
    if isinstance(field, models.DateField):
        return FieldKind.DATE
    if isinstance(field, models.DecimalField):
        return FieldKind.MONEY if field.max_digits >= MONEY_DIGITS else FieldKind.DECIMAL
    if isinstance(field, models.IntegerField):
        return FieldKind.NUMBER
    if isinstance(field, models.EmailField):
        return FieldKind.EMAIL
    if isinstance(field, models.URLField):
        return FieldKind.URL
    if isinstance(field, models.TextField):
        return FieldKind.LONG_TEXT
    if field.name.endswith("country"):
        return FieldKind.COUNTRY
    if field.name.endswith(("phone", "mobile")):
        return FieldKind.PHONE
    return FieldKind.TEXT


def _choices(pairs, tones: dict) -> tuple[Choice, ...]:
    return tuple(Choice(value=str(value).upper(), label=str(label), tone=tones.get(value, "neutral"))
                 for value, label in pairs if value != "")


def _label(field: models.Field) -> str:
    return capfirst(str(field.verbose_name))


def _link(field: models.Field) -> tuple[str | None, str | None]:
    if not isinstance(field, models.ForeignKey | models.OneToOneField):
        return None, None
    target = registry.find_for_model(field.related_model)
    if target is not None:
        return target.key, target.graphql_type
    return None, field.related_model.__name__


def _form_fields(record_type: registry.RecordType, editable: set[str]) -> tuple[str, ...]:
    if record_type.form_fields is not None:
        return record_type.form_fields
    in_blocks = [name for block in record_type.blocks for name in block.fields]
    return tuple(name for name in dict.fromkeys(in_blocks) if name in editable and name not in record_type.pipelines)


def _fields(record_type: registry.RecordType, locked: frozenset) -> tuple[FieldMeta, ...]:
    found = []
    for field in record_type.model._meta.concrete_fields:
        if field.name in _ENGINE_FIELDS or field.name.endswith("_ptr"):
            continue
        link_module, link_type = _link(field)
        found.append(FieldMeta(
            name=field.name, graphql_name=camel(field.name), label=_label(field), kind=_kind(record_type, field),
            required=not field.blank and not field.has_default() and field.editable
            and field.name not in record_type.defaulted_fields,
            editable=field.editable and field.name not in locked and field.name not in record_type.pipelines,
            create_only=field.name in record_type.create_only_fields,
            choices=_choices(field.choices or (), record_type.tones), link_module=link_module, link_type=link_type))
    return tuple(found)


def _column(record_type: registry.RecordType, column, fields: dict[str, FieldMeta]) -> ColumnMeta:
    column = registry.Column(column) if isinstance(column, str) else column
    head, _dot, rest = column.field.partition(".")
    meta = fields.get(head)
    if column.field in ("owner", "created_at", "updated_at"):
        meta = None
    kind = FieldKind[column.kind] if column.kind else (
        FieldKind.LINK if rest and meta and meta.link_module else _through(record_type, head, rest) if rest
        else meta.kind if meta else FieldKind.DATETIME if column.field.endswith("_at") else FieldKind.TEXT)
    if kind is FieldKind.LINK and rest and meta and not meta.link_module:
        kind = FieldKind.TEXT
    label = str(column.label) if column.label else meta.label if meta else capfirst(column.field.replace("_", " "))
    choices = _choices(column.choices, record_type.tones) if column.choices else meta.choices if meta else ()
    return ColumnMeta(name=column.field, path=camel(column.field), label=label, kind=kind,
                      sort=camel(column.sort or head), shown=not column.more, choices=choices)


def _through(record_type: registry.RecordType, head: str, rest: str) -> FieldKind:
    """The kind of a field read through a link (`unit.code`): the related model's field's."""
    related = record_type.model._meta.get_field(head).related_model
    return _kind(record_type, related._meta.get_field(rest))


def _filters(record_type: registry.RecordType, columns: tuple[ColumnMeta, ...],
             fields: dict[str, FieldMeta]) -> tuple[FilterMeta, ...]:
    """The declared filters, with the choices of their field (a model field's, or a computed column's)."""
    found = []
    for name in record_type.list_filters:
        source = fields.get(name) or next(column for column in columns if column.name == name)
        found.append(FilterMeta(name=name, path=camel(name), label=source.label, choices=source.choices))
    return tuple(found)


def _sort(sort: str) -> str:
    return ("-" if sort.startswith("-") else "") + camel(sort.lstrip("-")) if sort else ""


def record_type_meta(record_type: registry.RecordType, *, actor=None) -> RecordTypeMeta:
    """The type as the actor sees it, in the active language (`editable` honours the actor's field rights)."""
    _hidden, locked = field_access(actor, record_type.key) if actor is not None else (frozenset(), frozenset())
    fields = _fields(record_type, locked)
    by_name = {field.name: field for field in fields}
    area = record_type.area or record_type.model._meta.app_label
    columns = tuple(_column(record_type, column, by_name) for column in (*record_type.list_columns, *ENGINE_COLUMNS)
                    if record_type.list_columns)
    editable = {field.name for field in fields if field.editable}
    return RecordTypeMeta(
        key=record_type.key, graphql_type=record_type.graphql_type, label=str(record_type.label),
        label_plural=str(record_type.label_plural), add_label=str(record_type.add_label or record_type.label),
        icon=record_type.icon, area=area, area_label=str(AREAS.get(area, area)),
        nav_order=list(AREAS).index(area) * 100 + record_type.nav_order if area in AREAS else 10_000,
        path=record_type.path or record_type.key.replace("_", "-"), fields=fields, list_columns=columns,
        list_sort=_sort(record_type.list_sort), list_filters=_filters(record_type, columns, by_name),
        searchable=tuple(camel(path) for path in record_type.list_search),
        quick_create_fields=record_type.quick_create_fields,
        form_fields=_form_fields(record_type, editable),
        form_blocks=tuple(replace(block, label=str(block.label)) for block in record_type.blocks))


def record_types_meta(*, actor=None) -> list[RecordTypeMeta]:
    return sorted((record_type_meta(record_type, actor=actor) for record_type in registry.all_types()),
                  key=lambda meta: (meta.nav_order, meta.key))
