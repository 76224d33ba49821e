"""Every query and mutation field declares what it needs, in one form (saas.core.graph.Needs), and each
declaration names something real: a registered module and action, or an argument of the field."""

import pytest
from strawberry.utils.str_converters import to_camel_case

from saas.access import modules
from saas.access.enums import Action
from saas.api.public_schema import schema as public_schema
from saas.api.schema import schema as tenant_schema
from saas.core.graph import Needs, TenantNode


def _root_fields(schema):
    for root in (schema._schema.query_type, schema._schema.mutation_type):
        for name, field in root.fields.items():
            yield f"{root.name}.{name}", field


def _declarations(field) -> list[type[Needs]]:
    definition = field.extensions["strawberry-definition"]
    return [permission for permission in definition.permission_classes if issubclass(permission, Needs)]


@pytest.mark.parametrize("schema", [tenant_schema, public_schema], ids=["tenant", "public"])
def test_every_root_field_declares_exactly_one_need(schema):
    undeclared = [name for name, field in _root_fields(schema) if len(_declarations(field)) != 1]
    assert undeclared == []


@pytest.mark.parametrize("schema", [tenant_schema, public_schema], ids=["tenant", "public"])
def test_each_declaration_names_a_module_and_action_or_an_argument_of_its_field(schema):
    wrong = []
    for name, field in _root_fields(schema):
        (declared,) = _declarations(field)
        if declared.kind != "right":
            continue
        if declared.action not in Action.values:
            wrong.append((name, declared.action))
        if declared.module is not None and modules.get(declared.module) is None:
            wrong.append((name, declared.module))
        argument = declared.module_argument or declared.record_argument
        if argument is not None and to_camel_case(argument.split(".")[0]) not in field.args:
            wrong.append((name, argument))
    assert wrong == []


def test_the_public_host_needs_nothing_but_anyone():
    assert {declared.kind for _name, field in _root_fields(public_schema) for declared in _declarations(field)} == {
        "anyone"}


def test_every_node_type_says_what_reading_it_by_id_needs():
    """`node(id)` answers any type: each filters its queryset itself (record visibility) or declares a need."""
    undeclared = []
    for graphql_type in tenant_schema._schema.type_map.values():
        definition = graphql_type.extensions.get("strawberry-definition") if hasattr(
            graphql_type, "extensions") and graphql_type.extensions else None
        origin = getattr(definition, "origin", None)
        if origin is None or getattr(definition, "is_interface", False) or "Node" not in {
                interface.name for interface in getattr(graphql_type, "interfaces", ())}:
            continue
        own = [klass for klass in origin.__mro__
               if klass.__module__.startswith(("saas", "tenants")) and klass is not TenantNode]
        filters_itself = bool({"get_queryset", "resolve_nodes"} & {name for klass in own for name in vars(klass)})
        declared = getattr(origin, "node_needs", None)
        if not filters_itself and (declared is None or not issubclass(declared, Needs)):
            undeclared.append(graphql_type.name)
    assert undeclared == []
