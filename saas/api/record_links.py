"""Record visibility through links: a record reached from another one answers null unless the actor may see it.

Lists, `node` and the root fields read through the list selectors; a link field (`contact { account }`,
`invoice { order }`, `allocation { invoice }`…) would hand over whatever row its foreign key names — loaded
lazily, joined by a selector, or returned by a service. Every field of the graph whose type is a record type (or
the `Record` interface) gets the same guard, found from the schema: the linked record is checked with
`saas.access.visibility.sees`, in memory (the optimizer loads the owner columns with the row), so a page of
links costs no query per row.
"""

from strawberry_django.utils.typing import get_django_definition

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from saas.access.visibility import OWNER_COLUMNS, sees
from saas.records import registry
from saas.records.selectors.records import is_record


def guard_record_links(schema) -> int:
    """Make every single-record field outside the root types and connection edges nullable, and null when the
    actor may not see the record it names; returns how many fields were guarded."""
    graph = schema._schema
    record_types = {record_type.graphql_type for record_type in registry.all_types()} | {"Record"}
    roots = {root.name for root in (graph.query_type, graph.mutation_type, graph.subscription_type) if root}
    _load_owner_columns(graph, record_types)
    guarded = 0
    for graphql_type in graph.type_map.values():
        if (not isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType) or graphql_type.name in roots
                or graphql_type.name.startswith("__") or _is_edge(graphql_type)):
            continue
        for graphql_field in graphql_type.fields.values():
            nullable = get_nullable_type(graphql_field.type)
            if is_list_type(nullable) or get_named_type(nullable).name not in record_types:
                continue
            graphql_field.type = nullable
            graphql_field.resolve = _guarded(graphql_field.resolve or default_field_resolver)
            guarded += 1
    return guarded


def _is_edge(graphql_type) -> bool:
    """A connection's edge: its node comes from the list selector of the connection, already narrowed."""
    return {"cursor", "node"} <= set(graphql_type.fields)


def _load_owner_columns(graph, record_types: set[str]) -> None:
    """The optimizer reads a record's owner columns with it, wherever it is loaded (the check needs them)."""
    for name in record_types:
        graphql_type = graph.type_map.get(name)
        definition = graphql_type.extensions.get("strawberry-definition") if isinstance(
            graphql_type, GraphQLObjectType) else None
        django_type = get_django_definition(definition.origin) if definition is not None else None
        if django_type is not None:
            django_type.store.only.extend(column for column in OWNER_COLUMNS if column not in django_type.store.only)


def _guarded(resolve):
    def read(source, info, **kwargs):
        linked = resolve(source, info, **kwargs)
        if is_record(linked):
            record_type = registry.find_for_model(type(linked))
            if record_type is not None and not sees(getattr(info.context, "user", None), linked,
                                                    module=record_type.key):
                return None
        return linked
    return read
