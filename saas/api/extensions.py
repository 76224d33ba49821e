"""Schema extensions: the history context of mutations, and the optimizer as this schema uses it."""

import pghistory
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor, ReverseManyToOneDescriptor
from django.db.models.query_utils import DeferredAttribute
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import DjangoOptimizerExtension

from graphql import GraphQLObjectType, GraphQLScalarType, get_nullable_type, is_list_type
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
        with pghistory.context(user=getattr(user, "pk", None), source=source):
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
                graphql_field.resolve = _column_reader(descriptor.field.attname)
            elif isinstance(descriptor, ForwardManyToOneDescriptor) and not graphql_field.args:
                graphql_field.resolve = _selected_reader(descriptor.field, graphql_field.resolve)
            elif isinstance(descriptor, ReverseManyToOneDescriptor) and is_list_type(
                    get_nullable_type(graphql_field.type)):
                graphql_field.resolve = _prefetched_reader(name, graphql_field.resolve)
            else:
                continue
            switched += 1
    return switched


def _column_reader(attname: str):
    def read(source, _info):
        return getattr(source, attname)
    return read


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
