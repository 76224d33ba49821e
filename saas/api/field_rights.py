"""Field rights on reads: a field the actor's profile hides answers null and a FIELD_HIDDEN error.

Layouts, header and key fields already leave hidden fields out (saas.access.rights.field_access); this covers a
field asked for by name (`account { phone }`), whichever way it is resolved — the column fast path included.
"""

from functools import cache

from django.utils.translation import gettext as _
from strawberry_django.fields.field import StrawberryDjangoField

from graphql import GraphQLError, GraphQLObjectType, default_field_resolver, get_nullable_type
from saas.access import modules
from saas.access.rights import field_access
from saas.records import registry


class FieldHidden(GraphQLError):
    def __init__(self, field_name: str):
        super().__init__(_("You may not see this field (%(field)s).") % {"field": field_name},
                         extensions={"code": "FIELD_HIDDEN"})


@cache
def _modules_by_type() -> dict[str, str]:
    return {record_type.graphql_type: record_type.key for record_type in registry.all_types()}


def model_field_names(graphql_type: GraphQLObjectType) -> dict[str, str]:
    """GraphQL field name → the model field it reads, for the fields of a record type backed by one."""
    names = {}
    for name, graphql_field in graphql_type.fields.items():
        field = graphql_field.extensions.get("strawberry-definition")
        if isinstance(field, StrawberryDjangoField) and field.origin_django_type is not None:
            names[name] = field.django_name or field.python_name
    return names


class HiddenFields:
    """Per request: the model fields of each GraphQL type the actor may not see (empty for most)."""

    def __init__(self, actor):
        self.actor = actor
        self.by_type: dict[str, frozenset] = {}

    def of(self, graphql_type: GraphQLObjectType) -> frozenset:
        hidden = self.by_type.get(graphql_type.name)
        if hidden is None:
            module = _modules_by_type().get(graphql_type.name)
            hidden = field_access(self.actor, module)[0] if module and self.actor is not None else frozenset()
            self.by_type[graphql_type.name] = hidden
        return hidden

    def check(self, graphql_type: GraphQLObjectType, field_name: str, names: dict[str, str]) -> None:
        hidden = self.of(graphql_type)
        if hidden and names.get(field_name) in hidden:
            raise FieldHidden(field_name)


def hidden_fields(context) -> HiddenFields:
    found = getattr(context, "hidden_fields", None)
    if found is None:
        found = context.hidden_fields = HiddenFields(getattr(context, "user", None))
    return found


def guard_hidden_fields(schema) -> int:
    """Make every field a profile may hide nullable (a hidden one answers null, whatever its model says) and wrap
    its resolver so it raises FieldHidden for the actors it is hidden from; returns how many fields."""
    guarded = 0
    for record_type in registry.all_types():
        graphql_type = schema._schema.type_map.get(record_type.graphql_type)
        module = modules.get(record_type.key)
        if not isinstance(graphql_type, GraphQLObjectType) or module is None:
            continue
        names = model_field_names(graphql_type)
        for name, model_name in names.items():
            if model_name not in module.fields:
                continue
            graphql_field = graphql_type.fields[name]
            graphql_field.type = get_nullable_type(graphql_field.type)
            graphql_field.resolve = _guarded(graphql_type, name, names, graphql_field.resolve or default_field_resolver)
            guarded += 1
    return guarded


def _guarded(graphql_type, field_name: str, names: dict[str, str], resolve):
    def read(source, info, **kwargs):
        hidden_fields(info.context).check(graphql_type, field_name, names)
        return resolve(source, info, **kwargs)
    # The column fast path reads `column` off the resolver; it checks the hidden fields itself.
    read.column = getattr(resolve, "column", None)
    return read
