"""Plain subtrees answered from column-only queries, without model instances or graphql-core's per-field work.

A drill-down (`node(id) { ... on Account { invoices { edges { node { entries { edges { node { lines { account
{ number } debit } } } } } } } } }`) names a thousand rows and four thousand fields. Through the ORM and graphql-core
each row is a model instance, each prefetched list a cloned queryset per parent, each field a resolve info and a
completion: twelve times the time of the same data read by hand-written SQL. When every field of a node's selection
is a plain column, a forward link to a non-record type, or a reverse list / connection (with at most `first`) of
such types, the node is answered here instead: one `values_list` query per level over all the parents of that
level, built with the very querysets the usual path would use (the types' `get_queryset`, so visibility and soft
deletion; strawberry-django's window pagination, so the same order, page and total), each column serialized by its
scalar. Anything else — an argument, a directive, a resolver, a hidden field, a link to a record (its own
visibility check), a cursor, page info, a null where the schema says non-null — leaves the node to the usual path,
which stays the reference: tests compare both answers.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor, ReverseManyToOneDescriptor
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.relay import to_base64
from strawberry.schema.schema_converter import get_arguments
from strawberry.types import Info
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension, StrawberryDjangoField
from strawberry_django.optimizer import DjangoOptimizerExtension
from strawberry_django.pagination import apply_window_pagination
from strawberry_django.queryset import run_type_get_queryset
from strawberry_django.utils.typing import get_django_definition

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
)
from saas.api.field_rights import hidden_fields
from saas.core.graph import local_pk
from saas.records import registry

TOTAL = "_strawberry_total_count"


class Precompleted:
    """A field's answer already in its response shape: the execution context hands it over as it is."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


class NotCompilable(Exception):
    """The selection needs the usual path."""


@dataclass
class Link:
    """A relation of the selection: forward (one row by its foreign key) or reverse (a list or a connection)."""

    plan: "Plan"
    column: str  # the foreign key's column: on this row (forward) or on the related rows (reverse)
    kind: str  # "forward", "list" or "connection"
    non_null: bool = False
    by_primary_key: bool = False  # a forward link naming its row's primary key
    django_field: StrawberryDjangoField | None = None
    kwargs: dict = field(default_factory=dict)
    limit: int | None = None
    shape: list = field(default_factory=list)  # a connection's keys: total count, edges (node), type name


@dataclass
class Plan:
    """What to read of one object type: its columns, in response order, and its links."""

    graphql_type: GraphQLObjectType
    model: Any
    definition: Any  # strawberry's definition of the type
    keys: list = field(default_factory=list)  # (response key, kind, payload) in selection order
    columns: list = field(default_factory=list)
    links: list = field(default_factory=list)

    def column_index(self, attname: str) -> int:
        if attname not in self.columns:
            self.columns.append(attname)
        return self.columns.index(attname) + 1  # the primary key comes first


def compiled_node(info: Info, type_name: str, node_id: str) -> Precompleted | None:
    """The node answered from column-only queries, or None when its selection needs the usual path."""
    if not settings.GRAPHQL_COMPILE_PLAIN_SUBTREES:
        return None
    raw = info._raw_info
    graphql_type = raw.schema.get_type(type_name)
    if not isinstance(graphql_type, GraphQLObjectType) or "Node" not in {node.name for node in graphql_type.interfaces}:
        return None
    pk = local_pk(node_id)
    if pk is None:
        return None
    try:
        plan = _plan(raw, info, graphql_type, [node.selection_set for node in raw.field_nodes])
        model = plan.model
        with DjangoOptimizerExtension.disabled():
            queryset = run_type_get_queryset(model._default_manager.filter(pk=pk), plan.definition.origin, info)
        rows = _read(plan, queryset, info)
        return Precompleted(rows[0][1]) if rows else None
    except NotCompilable:
        return None


def _plan(raw, info: Info, graphql_type: GraphQLObjectType, selection_sets: list) -> Plan:
    definition = graphql_type.extensions.get("strawberry-definition")
    django_type = get_django_definition(definition.origin) if definition is not None else None
    if django_type is None or hidden_fields(info.context).of(graphql_type):
        raise NotCompilable
    plan = Plan(graphql_type=graphql_type, model=django_type.model, definition=definition)
    for key, nodes in _collect(raw, graphql_type, selection_sets).items():
        name = nodes[0].name.value
        if name == "__typename":
            plan.keys.append((key, "typename", graphql_type.name))
            continue
        graphql_field = graphql_type.fields.get(name)
        if graphql_field is None:
            raise NotCompilable
        definition_field = graphql_field.extensions.get("strawberry-definition")
        column = getattr(graphql_field.resolve, "column", None)
        if column is not None and not nodes[0].arguments:
            attname, scalar = column
            plan.keys.append((key, "column", (plan.column_index(attname), scalar,
                                              is_non_null_type(graphql_field.type))))
        elif name == "id" and getattr(definition_field, "python_name", None) == "id" and not nodes[0].arguments:
            plan.keys.append((key, "id", None))
        else:
            link = _link(raw, info, plan, graphql_field, definition_field, nodes)
            if link.kind == "forward" and _joinable(link):
                # Like select_related: the linked row's columns come with this row's, through a join.
                prefix = definition_field.django_name or definition_field.python_name
                joined = [plan.column_index(f"{prefix}__{column}") for column in link.plan.columns]
                plan.keys.append((key, "joined", (plan.column_index(link.column), link.plan, joined, link.non_null)))
                continue
            plan.links.append(link)
            if link.kind == "forward":
                plan.keys.append((key, "forward", (len(plan.links) - 1, plan.column_index(link.column))))
            else:
                plan.keys.append((key, link.kind, len(plan.links) - 1))
    return plan


def _joinable(link: Link) -> bool:
    """A linked type read as it is (no get_queryset of its own), itself without links, by its primary key."""
    return (link.by_primary_key and not link.plan.links
            and getattr(link.plan.definition.origin, "get_queryset", None) is None)


def _link(raw, info: Info, plan: Plan, graphql_field, definition_field, nodes) -> Link:
    if not isinstance(definition_field, StrawberryDjangoField) or not _reads_the_model(definition_field):
        raise NotCompilable
    descriptor = getattr(plan.model, definition_field.django_name or definition_field.python_name, None)
    target = get_named_type(graphql_field.type)
    selection_sets = [node.selection_set for node in nodes]
    if isinstance(descriptor, ForwardManyToOneDescriptor):
        if nodes[0].arguments or target.name in _record_type_names() or not isinstance(target, GraphQLObjectType):
            raise NotCompilable  # a link to a record has a visibility check of its own
        return Link(plan=_plan(raw, info, target, selection_sets), column=descriptor.field.attname,
                    kind="forward", non_null=is_non_null_type(graphql_field.type),
                    by_primary_key=descriptor.field.target_field.primary_key)
    if not isinstance(descriptor, ReverseManyToOneDescriptor):
        raise NotCompilable
    remote_column = descriptor.rel.field.attname
    kwargs = _arguments(raw, info, graphql_field, definition_field, nodes[0])
    if is_list_type(get_nullable_type(graphql_field.type)):
        if any(value not in (None, []) for value in kwargs.values()) or not isinstance(target, GraphQLObjectType):
            raise NotCompilable
        return Link(plan=_plan(raw, info, target, selection_sets), column=remote_column, kind="list",
                    django_field=definition_field, kwargs=kwargs)
    extension = next((extension for extension in definition_field.extensions
                      if isinstance(extension, StrawberryDjangoConnectionExtension)), None)
    first = kwargs.get("first")
    if (extension is None or any(value not in (None, []) for name, value in kwargs.items() if name != "first")
            or first is not None and first <= 0):
        raise NotCompilable
    max_results = extension.max_results or info.schema.config.relay_max_results
    if first is not None and first > max_results:
        raise NotCompilable  # the usual path answers the error
    shape, node_sets = _connection_shape(raw, target, selection_sets)
    node_type = get_named_type(target.fields["edges"].type).fields["node"].type
    node_type = get_named_type(node_type)
    if not isinstance(node_type, GraphQLObjectType):
        raise NotCompilable
    return Link(plan=_plan(raw, info, node_type, node_sets), column=remote_column, kind="connection",
                django_field=definition_field, kwargs=kwargs, limit=first if first is not None else max_results,
                shape=shape)


def _connection_shape(raw, connection_type: GraphQLObjectType, selection_sets: list) -> tuple[list, list]:
    """The connection's keys (totalCount, edges with their node, __typename) and the node's selection sets."""
    shape, node_sets = [], []
    for key, nodes in _collect(raw, connection_type, selection_sets).items():
        name = nodes[0].name.value
        if name == "__typename":
            shape.append((key, "typename", connection_type.name))
        elif name == "totalCount" and not nodes[0].arguments:
            shape.append((key, "total", None))
        elif name == "edges":
            edge_type = get_named_type(connection_type.fields["edges"].type)
            edge_keys = []
            for edge_key, edge_nodes in _collect(raw, edge_type, [node.selection_set for node in nodes]).items():
                edge_name = edge_nodes[0].name.value
                if edge_name == "__typename":
                    edge_keys.append((edge_key, "typename", edge_type.name))
                elif edge_name == "node":
                    edge_keys.append((edge_key, "node", None))
                    node_sets.extend(node.selection_set for node in edge_nodes)
                else:
                    raise NotCompilable  # a cursor
            shape.append((key, "edges", edge_keys))
        else:
            raise NotCompilable  # page info
    return shape, node_sets


def _collect(raw, object_type: GraphQLObjectType, selection_sets: list) -> dict[str, list[FieldNode]]:
    """The fields of the selection sets by response key, fragments applied; no directive, no sub-selection lost."""
    fields: dict[str, list[FieldNode]] = {}

    def applies(type_condition) -> bool:
        if type_condition is None:
            return True
        condition = raw.schema.get_type(type_condition.name.value)
        return condition is object_type or (condition is not None and not isinstance(condition, GraphQLObjectType)
                                            and raw.schema.is_sub_type(condition, object_type))

    def visit(selection_set) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if selection.directives:
                raise NotCompilable
            if isinstance(selection, FieldNode):
                fields.setdefault((selection.alias or selection.name).value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if applies(selection.type_condition):
                    visit(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = raw.fragments.get(selection.name.value)
                if fragment is None:
                    raise NotCompilable
                if applies(fragment.type_condition):
                    visit(fragment.selection_set)

    for selection_set in selection_sets:
        visit(selection_set)
    return fields


def _arguments(raw, info: Info, graphql_field, definition_field: StrawberryDjangoField, node: FieldNode) -> dict:
    """The field's arguments as its resolver gets them (strawberry's conversion, as the optimizer does it)."""
    strawberry_schema = raw.schema._strawberry_schema
    _, kwargs = get_arguments(
        field=definition_field, source=None, info=Info(_raw_info=raw, _field=definition_field),
        kwargs=get_argument_values(graphql_field, node, VariableValues(sources={}, coerced=raw.variable_values)),
        config=strawberry_schema.config, scalar_registry=strawberry_schema.schema_converter.scalar_registry)
    kwargs.pop("info", None)
    return kwargs


def _reads_the_model(field: StrawberryDjangoField) -> bool:
    """strawberry-django reads the relation itself: no resolver of ours, no permission or other extension."""
    if any(not isinstance(extension, StrawberryDjangoConnectionExtension) for extension in field.extensions):
        return False
    if field.base_resolver is None:
        return True
    return bool(field.extensions) and field.base_resolver.wrapped_func.__name__ == "default_resolver"


def _record_type_names() -> set[str]:
    return {record_type.graphql_type for record_type in registry.all_types()} | {"Record"}


def _read(plan: Plan, queryset, info: Info) -> list[tuple]:
    """The rows of the queryset with their response objects, links loaded with one query each."""
    rows = list(queryset.values_list("pk", *plan.columns))
    linked = [_load_link(plan, link, rows, info) for link in plan.links]
    return [(row, _answer(plan, row, linked)) for row in rows]


def _answer(plan: Plan, row: tuple, linked: list) -> dict:
    answer = {}
    for key, kind, payload in plan.keys:
        if kind == "column":
            index, scalar, non_null = payload
            value = row[index]
            if value is None:
                if non_null:
                    raise NotCompilable  # the usual path reports the error
                answer[key] = None
            else:
                answer[key] = scalar.serialize(value)
        elif kind == "typename":
            answer[key] = payload
        elif kind == "id":
            answer[key] = to_base64(plan.graphql_type.name, f"{connection.schema_name}.{row[0]}")
        elif kind == "joined":
            key_index, target, columns, non_null = payload
            if row[key_index] is None:
                if non_null:
                    raise NotCompilable
                answer[key] = None
            else:
                answer[key] = _answer(target, (row[key_index], *(row[index] for index in columns)), [])
        elif kind == "forward":
            link_index, column_index = payload
            target = linked[link_index].get(row[column_index])
            if target is None and plan.links[link_index].non_null:
                raise NotCompilable
            answer[key] = target
        else:
            link = plan.links[payload]
            related = linked[payload].get(row[0])
            if link.kind == "list":
                answer[key] = [item for _, item in related] if related else []
            else:
                answer[key] = _connection(link, related or [])
    return answer


def _load_link(plan: Plan, link: Link, parents: list, info: Info) -> dict:
    """The related response objects by parent key: one object by foreign key value (forward), else the list of
    (row, object) pairs by parent primary key."""
    model = link.plan.model
    if link.kind == "forward":
        index = plan.columns.index(link.column) + 1
        keys = {row[index] for row in parents if row[index] is not None}
        if not keys:
            return {}
        with DjangoOptimizerExtension.disabled():
            queryset = run_type_get_queryset(model._default_manager.filter(pk__in=keys), link.plan.definition.origin,
                                             info)
        return {row[0]: answer for row, answer in _read(link.plan, queryset, info)}
    if not parents:
        return {}
    field_info = Info(_raw_info=info._raw_info, _field=link.django_field)
    with DjangoOptimizerExtension.disabled():
        queryset = link.django_field.get_queryset(model._default_manager.all(), field_info,
                                           _strawberry_related_field_id=link.column, **link.kwargs)
    queryset = queryset.filter(**{f"{link.column}__in": [row[0] for row in parents]})
    parent_index = link.plan.column_index(link.column)
    if link.kind == "connection":
        queryset = apply_window_pagination(queryset, related_field_id=link.column, offset=0, limit=link.limit)
        link.plan.column_index(TOTAL)
    grouped: dict = {}
    for row, answer in _read(link.plan, queryset, info):
        grouped.setdefault(row[parent_index], []).append((row, answer))
    return grouped


def _connection(link: Link, related: list) -> dict:
    total = related[0][0][link.plan.columns.index(TOTAL) + 1] if related else 0
    answer = {}
    for key, kind, payload in link.shape:
        if kind == "typename":
            answer[key] = payload
        elif kind == "total":
            answer[key] = total
        else:
            answer[key] = [{edge_key: node if edge_kind == "node" else edge_payload
                            for edge_key, edge_kind, edge_payload in payload} for _, node in related]
    return answer
