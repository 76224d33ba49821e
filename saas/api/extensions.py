"""Schema extensions: the history context of mutations, and the optimizer as this schema uses it."""

import copy

import pghistory
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension, StrawberryDjangoField
from strawberry_django.optimizer import DjangoOptimizerExtension, OptimizerStore
from strawberry_django.utils.typing import get_django_definition

from graphql import GraphQLObjectType, GraphQLScalarType, Undefined, get_nullable_type, is_list_type, is_non_null_type
from saas.api.compiled import Precompleted
from saas.api.field_rights import hidden_fields
from saas.audit.services import request_address
from saas.core.http import client_address
from saas.records.enums import RecordSource


class HistoryContext(SchemaExtension):
    """Every mutation runs inside a pghistory context naming the actor and the source of the change."""

    def on_execute(self):
        execution = self.execution_context
        context = execution.context
        if execution.operation_type != OperationType.MUTATION:
            yield
            return
        user = getattr(context, "user", None)
        source = RecordSource.API if getattr(context, "api_token", None) is not None else RecordSource.MANUAL
        address = client_address(context.request) if getattr(context, "request", None) is not None else None
        with pghistory.context(user=getattr(user, "pk", None), source=source), request_address(address):
            yield


class FieldQuerysetOptimizer(DjangoOptimizerExtension):
    """strawberry-django's optimizer without its per-field `resolve` hook.

    strawberry-django fields already optimize the querysets they build (`StrawberryDjangoField.get_queryset`);
    the hook only catches custom resolvers returning querysets — ours return objects or lists — yet, as graphql
    middleware, it wraps every field of every response: a quarter of the time of a 4,000-field drill-down.
    """

    resolve = SchemaExtension.resolve


def plain_columns_read_directly(schema) -> int:
    """Let GraphQL read plain column fields straight off the model instance.

    Strawberry runs every field through argument parsing, its extension chain and strawberry-django's cache
    lookups, ~15 µs each: a 4,000-field drill-down spent most of its time there. A scalar field with no
    resolver, no argument, no permission or extension, that names a concrete non-relational column of its model,
    is only `getattr(row, column)` — so it gets exactly that; a list of related rows the optimizer prefetched is
    that list, a related row it joined is that row. Returns how many fields were switched.
    """
    switched = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = graphql_field.extensions.get("strawberry-definition")
            if (not isinstance(field, StrawberryDjangoField) or field.base_resolver is not None or field.extensions
                    or graphql_field.args or field.origin_django_type is None):
                continue
            name = field.django_name or field.python_name
            descriptor = getattr(field.origin_django_type.model, name, None)
            if (isinstance(descriptor, DeferredAttribute) and not descriptor.field.is_relation
                    and isinstance(get_nullable_type(graphql_field.type), GraphQLScalarType)):
                graphql_field.resolve = _column_reader(descriptor.field.attname, get_nullable_type(graphql_field.type))
            elif isinstance(descriptor, ForwardManyToOneDescriptor) and not graphql_field.args:
                graphql_field.resolve = _selected_reader(descriptor.field, graphql_field.resolve)
            elif isinstance(descriptor, ReverseManyToOneDescriptor) and is_list_type(
                    get_nullable_type(graphql_field.type)):
                graphql_field.resolve = _prefetched_reader(name, graphql_field.resolve)
            else:
                continue
            switched += 1
    return switched


def computed_fields_read_whole_rows(schema) -> int:
    """Make the optimizer's `.only()` safe: a field it cannot see through loads its row's every column.

    strawberry-django narrows each queryset to the columns the selection names — a model field, a relation.
    A resolver (display name, header fields, roll-up, totals...) or a model property reads whatever it needs,
    and a deferred column costs one query per row; such a field therefore hints all its model's columns, unless
    it declares the columns it reads (`only=`). Returns how many fields got the hint.
    """
    hinted = 0
    for graphql_type in schema._schema.type_map.values():
        definition = graphql_type.extensions.get("strawberry-definition") if isinstance(
            graphql_type, GraphQLObjectType) else None
        django_type = get_django_definition(definition.origin) if definition is not None else None
        if django_type is None:
            continue
        model = django_type.model
        whole_row = [column.attname for column in model._meta.concrete_fields]
        for index, field in enumerate(definition.fields):
            # The relay id reads the primary key, which every queryset loads.
            if field.python_name == "id" or getattr(field, "store", None) and field.store.only:
                continue
            if isinstance(field, StrawberryDjangoField) and _reads_the_model_only(field) and isinstance(
                    getattr(model, field.django_name or field.python_name, None),
                    (DeferredAttribute, ForwardManyToOneDescriptor, ReverseManyToOneDescriptor, ManyToManyDescriptor)):
                continue
            # Interface fields are one object shared by every type implementing them: the hint goes on this
            # type's own copy, which is what the optimizer reads (the resolver is left as it is).
            hinted_field = copy.copy(field)
            hinted_field.store = (field.store.copy() if getattr(field, "store", None) is not None
                                  else OptimizerStore())
            hinted_field.store.only = whole_row
            definition.fields[index] = hinted_field
            hinted += 1
    return hinted


def _reads_the_model_only(field: StrawberryDjangoField) -> bool:
    """A field strawberry-django resolves from its model field: no resolver, or a connection's own."""
    if field.base_resolver is None:
        return True
    return (any(isinstance(extension, StrawberryDjangoConnectionExtension) for extension in field.extensions)
            and field.base_resolver.wrapped_func.__name__ == "default_resolver")


def _column_reader(attname: str, scalar: GraphQLScalarType):
    def read(source, _info):
        return getattr(source, attname)
    read.column = (attname, scalar)
    return read


class ColumnReadingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes the column fields `plain_columns_read_directly` switched without graphql-core's per-field machinery.

    Even a plain `getattr` resolver costs graphql-core ~8 µs a field (a resolve info, a path, the awaitable checks,
    value completion): most of a 4,000-field drill-down. Such a field's value is the column serialized by its
    scalar, so that is what it gets; a null in a non-null field, a value its scalar refuses, or a schema with
    resolve middleware (which must see every field) take the usual path and its errors.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns_read_directly = not (self.middleware_manager and self.middleware_manager.middlewares)

    def execute_field(self, parent_type, source, field_details_list, path, position_context):
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        column = getattr(field_def.resolve, "column", None) if field_def is not None else None
        if column is not None and self.columns_read_directly and not hidden_fields(self.context_value).of(parent_type):
            attname, scalar = column
            value = getattr(source, attname)
            if value is None and not is_non_null_type(field_def.type):
                return None
            if value is not None:
                try:
                    serialized = scalar.serialize(value)
                except Exception:  # noqa: BLE001 - the usual path reports it as the field's error
                    serialized = Undefined
                if serialized is not Undefined and serialized is not None:
                    return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def complete_value(self, return_type, field_details_list, info, path, result, position_context):
        if isinstance(result, Precompleted):
            return result.value
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)


def _selected_reader(field, resolve):
    """A related row the optimizer joined (select_related), as it is; anything else through the usual resolver."""
    def read(source, info, **kwargs):
        try:
            return field.get_cached_value(source)
        except KeyError:
            return resolve(source, info, **kwargs)
    return read


def _prefetched_reader(name: str, resolve):
    """A list of related rows the optimizer prefetched, as the list it is (Django would clone a queryset per
    parent to hand it over); anything else through the usual resolver."""
    def read(source, info, **kwargs):
        cache = getattr(source, "_prefetched_objects_cache", {})
        if name in cache:
            return cache[name]
        return resolve(source, info, **kwargs)
    return read
