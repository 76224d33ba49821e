"""`recordTypes`: every record type as its declaration and its model describe it, in the request's language, for
clients that build their lists, forms and navigation from it (the web app does)."""

import strawberry
from strawberry.types import Info

from graphql import GraphQLEnumType
from saas.core.graph import IsMember
from saas.records.selectors import metadata

FieldKind = strawberry.enum(metadata.FieldKind, name="FieldKind",
                            description="How a field's values are entered and shown.")


@strawberry.type
class ChoiceMeta:
    value: str = strawberry.field(description="The GraphQL enum value.")
    label: str
    tone: str = strawberry.field(description="good, warn, bad or neutral: the colour of its chip.")


@strawberry.type
class FieldMeta:
    name: str = strawberry.field(description="The model field (what layouts, rights and imports name).")
    graphql_name: str
    label: str
    kind: FieldKind
    required: bool
    editable: bool = strawberry.field(description="Whether the reader may change it (its field rights).")
    create_only: bool = strawberry.field(description="Given when the record is created, not changed later.")
    choices: list[ChoiceMeta]
    link_module: str | None = strawberry.field(description="The record type a link points to.")
    link_type: str | None = strawberry.field(description="The GraphQL type a link points to.")


@strawberry.type
class ListColumnMeta:
    name: str
    path: str = strawberry.field(description="Where the value is in a node of the list, dotted.")
    label: str
    kind: FieldKind
    sort: str | None = strawberry.field(description="The ordering field sorting on this column, if any.")
    shown: bool = strawberry.field(description="Shown until the user picks the columns; else offered.")
    choices: list[ChoiceMeta]


@strawberry.type
class ListFilterMeta:
    name: str
    path: str = strawberry.field(description="The field of the list's filter input, compared with `exact`.")
    label: str
    choices: list[ChoiceMeta]


@strawberry.type
class BlockMeta:
    key: str
    label: str
    fields: list[str]


@strawberry.type
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
    path: str = strawberry.field(description="The web app's address of the type's list.")
    fields: list[FieldMeta]
    list_columns: list[ListColumnMeta] = strawberry.field(description="The first column is the title.")
    list_sort: str = strawberry.field(description="The default ordering field, '-' first when descending.")
    list_filters: list[ListFilterMeta] = strawberry.field(
        description="Choice fields the list filters on (those the type's filter input compares with `exact`).")
    searchable: list[str] = strawberry.field(description="Filter paths the list's text search matches.")
    quick_create_fields: list[str]
    form_fields: list[str]
    form_blocks: list[BlockMeta]


def _choices(choices) -> list[ChoiceMeta]:
    return [ChoiceMeta(value=c.value, label=c.label, tone=c.tone) for c in choices]


def _orderings(info: Info, graphql_type: str) -> set[str]:
    """The fields the type's list orders by (its `<Type>Ordering` input), as the schema says."""
    ordering = info.schema._schema.get_type(f"{graphql_type}Ordering")
    return set(ordering.fields) - {"custom"} if ordering is not None else set()


def _exact_filters(info: Info, graphql_type: str) -> set[str]:
    """The fields of the type's filter input compared with `exact` to one of an enum's values."""
    found = set()
    filter_type = info.schema._schema.get_type(f"{graphql_type}Filter")
    for name, field in (filter_type.fields.items() if filter_type is not None else ()):
        lookup = getattr(field.type, "fields", None) or {}
        if "exact" in lookup and isinstance(getattr(lookup["exact"].type, "of_type", lookup["exact"].type),
                                            GraphQLEnumType):
            found.add(name)
    return found


def _type(info: Info, meta: metadata.RecordTypeMeta) -> RecordTypeMeta:
    sorts = _orderings(info, meta.graphql_type)
    exact = _exact_filters(info, meta.graphql_type)
    return RecordTypeMeta(
        key=meta.key, graphql_type=meta.graphql_type, label=meta.label, label_plural=meta.label_plural,
        add_label=meta.add_label, icon=meta.icon, area=meta.area, area_label=meta.area_label,
        nav_order=meta.nav_order, path=meta.path,
        fields=[FieldMeta(name=f.name, graphql_name=f.graphql_name, label=f.label, kind=f.kind, required=f.required,
                          editable=f.editable, create_only=f.create_only, choices=_choices(f.choices),
                          link_module=f.link_module, link_type=f.link_type) for f in meta.fields],
        list_columns=[ListColumnMeta(name=c.name, path=c.path, label=c.label, kind=c.kind,
                                     sort=c.sort if c.sort in sorts else None, shown=c.shown,
                                     choices=_choices(c.choices)) for c in meta.list_columns],
        list_sort=meta.list_sort, searchable=list(meta.searchable),
        list_filters=[ListFilterMeta(name=f.name, path=f.path, label=f.label, choices=_choices(f.choices))
                      for f in meta.list_filters if f.path in exact],
        quick_create_fields=list(meta.quick_create_fields), form_fields=list(meta.form_fields),
        form_blocks=[BlockMeta(key=b.key, label=b.label, fields=list(b.fields)) for b in meta.form_blocks])


@strawberry.type
class RecordTypesQuery:
    @strawberry.field(permission_classes=[IsMember],
                      description="Every record type: its fields, list, forms and navigation entry, in the "
                                  "request's language.")
    def record_types(self, info: Info) -> list[RecordTypeMeta]:
        return [_type(info, meta) for meta in metadata.record_types_meta(actor=info.context.user)]
