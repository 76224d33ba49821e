"""Query safety before execution: size, shape and cost of an operation, and the cost each identity may spend.

One walk over the operation to run measures what it asks for: depth, aliases, root fields, page sizes and a
cost: every object returned costs 1 (and every root field), a connection multiplies its selection's cost by its
page size (`first`/`last`, else its default page), a list of objects by its page size or its number of `ids`.
Fragments are measured once each: strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` expand every spread
again, which a chain of fragments spreading the next one twice turns into exponential time, and their
errors carry no code. The walk runs before graphql-core's validation, whose overlapping-fields rule is
quadratic in the number of aliased fields: a document over the limits is refused before that work.

Limits and their defaults are settings (README, "Configuration"); the cost is reported in the response's
`extensions.cost` as `{requested, limit, remaining}` (`remaining`: what the identity may still spend this
minute, when the rate limit applies).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django_tenants.utils import get_public_schema_name
from strawberry.extensions import SchemaExtension

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
    parse,
    value_from_ast_untyped,
)
from saas.api import rate_limit
from saas.core.database import regex_error
from saas.core.pagination import DEFAULT_PAGE, OFFSET_PREFIX, RELAY_PREFIX, Connection, cursor_offset

# Arguments that say how many items a field returns.
PAGE_ARGUMENTS = ("first", "last", "limit")
CURSOR_ARGUMENTS = ("after", "before")
REGEX_LOOKUPS = ("regex", "iRegex")
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def refused(message: str, code: str, **details) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **details})


# graphql-core's parser stops at the token limit and past the nesting Python's recursion allows with these words.
PARSER_REFUSALS = {"tokens. Parsing aborted.": "TOO_MANY_TOKENS", "nested too deeply": "QUERY_TOO_DEEP"}


@lru_cache(maxsize=256)
def parse_document(query: str, max_tokens: int) -> DocumentNode:
    """The parsed document, cached (strawberry's `ParserCache`, with coded errors)."""
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        code = next((code for words, code in PARSER_REFUSALS.items() if words in error.message),
                    "GRAPHQL_PARSE_FAILED")
        raise GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                           extensions={"code": code}) from None


@dataclass
class Shape:
    """What a selection set asks for."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0  # fields at its own level (root fields, for an operation)
    cost: int = 0
    introspection: bool = False

    def add(self, other: "Shape") -> None:
        self.depth = max(self.depth, other.depth)
        self.aliases += other.aliases
        self.fields += other.fields
        self.cost += other.cost
        self.introspection = self.introspection or other.introspection


class Measure:
    """Measures one operation of a document against a schema, with the request's variables.

    The document may be invalid (validation runs afterwards): unknown fields, types or fragments count as
    leaves, fragment cycles are cut.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: dict | None):
        self.schema = schema
        self.fragments = {definition.name.value: definition for definition in document.definitions
                          if isinstance(definition, FragmentDefinitionNode)}
        self.measured: dict[str, Shape] = {}
        self.patterns: set[str] = set()  # the regular expressions its list filters give
        self.variables = dict(variables or {}) if isinstance(variables, dict) else {}
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)

    def selection_set(self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode | None,
                      root: bool = False) -> Shape:
        shape = Shape()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                shape.add(self.field(parent, selection, root))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                shape.add(self.selection_set(self.schema.get_type(condition.name.value) if condition else parent,
                                             selection.selection_set, root))
            elif isinstance(selection, FragmentSpreadNode):
                shape.add(self.fragment(selection.name.value, root))
        return shape

    def fragment(self, name: str, root: bool) -> Shape:
        if name not in self.measured:
            definition = self.fragments.get(name)
            self.measured[name] = Shape()  # a cycle (refused by validation) measures as nothing
            if definition is not None:
                self.measured[name] = self.selection_set(self.schema.get_type(definition.type_condition.name.value),
                                                         definition.selection_set, root)
        return self.measured[name]

    def field(self, parent: GraphQLNamedType | None, node: FieldNode, root: bool) -> Shape:
        name = node.name.value
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        definition = fields.get(name)
        named = get_named_type(definition.type) if definition is not None else None
        children = self.selection_set(named, node.selection_set)
        shape = Shape(aliases=children.aliases + (1 if node.alias else 0), fields=0 if name == "__typename" else 1,
                      introspection=children.introspection or name in INTROSPECTION_FIELDS)
        if name in INTROSPECTION_FIELDS:
            # The schema's description, from memory: GraphiQL's own introspection query is deeper than the limit.
            return shape
        shape.depth = 1 + children.depth
        if definition is not None and is_composite_type(named):
            items = self.items(definition, node, named)
            # A list's items are objects; a connection is one object whose page multiplies what it holds.
            listed = is_list_type(get_nullable_type(definition.type))
            shape.cost = items * (1 + children.cost) if listed else 1 + items * children.cost
        elif root:
            shape.cost = 1
        return shape

    def items(self, definition, node: FieldNode, named: GraphQLNamedType) -> int:
        """How many items a field returns at most: its page size, or the number of ids it is given."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}

        def argument(name: str):
            if name in given:
                return value_from_ast_untyped(given[name], self.variables)
            return definition.args[name].default_value if name in definition.args else None

        if "filters" in given:
            self.patterns.update(regex_lookups(value_from_ast_untyped(given["filters"], self.variables)))
        sizes = []
        for name in PAGE_ARGUMENTS:
            if name not in definition.args:
                continue
            value = argument(name)
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if value > settings.GRAPHQL_MAX_PAGE_SIZE:
                raise refused(f"`{name}` on `{node.name.value}` is {value}: at most "
                              f"{settings.GRAPHQL_MAX_PAGE_SIZE} items per page.", "PAGE_SIZE_TOO_LARGE",
                              limit=settings.GRAPHQL_MAX_PAGE_SIZE, found=value)
            if value < 0:
                raise refused(f"`{name}` on `{node.name.value}` must not be negative.", "BAD_USER_INPUT")
            sizes.append(value)
        for name in CURSOR_ARGUMENTS:
            value = argument(name) if name in definition.args else None
            if value is not None and not is_cursor(value, named):
                raise refused(f"`{name}` on `{node.name.value}` is not a cursor of this list: give the `cursor` "
                              "(or `endCursor`) it answered.", "BAD_USER_INPUT")
        if sizes:
            return min(sizes)
        if "first" in definition.args or "last" in definition.args:
            return default_page_size(named)
        ids = argument("ids")
        return len(ids) if isinstance(ids, list) else 1


def is_cursor(value, connection: GraphQLNamedType) -> bool:
    """Whether `value` is a cursor the connection could have answered: the offset of an item, in base64 with the
    prefix of its kind (ours, or strawberry's relay connections)."""
    if not isinstance(value, str):
        return True  # a wrong type is graphql-core's to refuse, with its own message
    prefix = OFFSET_PREFIX if _is_offset_connection(connection) else RELAY_PREFIX
    return cursor_offset(value, prefix) is not None


def _is_offset_connection(connection: GraphQLNamedType) -> bool:
    definition = connection.extensions.get("strawberry-definition") if connection.extensions else None
    origin = getattr(definition, "origin", None)
    return isinstance(origin, type) and issubclass(origin, Connection)


def default_page_size(connection: GraphQLNamedType) -> int:
    """A connection's page without `first`: our offset connections give 20, strawberry's relay ones their max."""
    return DEFAULT_PAGE if _is_offset_connection(connection) else settings.GRAPHQL_MAX_PAGE_SIZE


def regex_lookups(filters) -> Iterator[str]:
    """The patterns of the `regex` and `iRegex` lookups anywhere in a list's filters."""
    if isinstance(filters, dict):
        for name, value in filters.items():
            if name in REGEX_LOOKUPS and isinstance(value, str):
                yield value
            else:
                yield from regex_lookups(value)
    elif isinstance(filters, list):
        for value in filters:
            yield from regex_lookups(value)


def check_patterns(patterns: set[str]) -> None:
    """Refuse a regular expression PostgreSQL cannot compile before the list runs it: the failed query would
    leave an enclosing transaction unusable."""
    for pattern in sorted(patterns):
        if (reason := regex_error(pattern)) is not None:
            raise refused(f"This regular expression is not valid: {reason}.", "BAD_USER_INPUT", pattern=pattern)


def check_shape(shape: Shape, operation: OperationDefinitionNode) -> None:
    """Refuse an operation past a limit, with a code naming the limit."""
    checks = [
        (shape.depth, settings.GRAPHQL_MAX_DEPTH, "QUERY_TOO_DEEP", "The query is {found} levels deep"),
        (shape.aliases, settings.GRAPHQL_MAX_ALIASES, "TOO_MANY_ALIASES", "The query has {found} aliases"),
        (shape.fields, settings.GRAPHQL_MAX_ROOT_FIELDS, "TOO_MANY_ROOT_FIELDS", "The query asks {found} root fields"),
    ]
    if operation.operation == OperationType.MUTATION:
        checks.append((shape.fields, settings.GRAPHQL_MAX_MUTATIONS, "TOO_MANY_MUTATIONS",
                       "The request runs {found} mutations"))
    checks.append((shape.cost, settings.GRAPHQL_MAX_COST, "COST_EXCEEDED",
                   "The query could return {found} objects (cost, page sizes multiplied down the tree)"))
    for found, limit, code, message in checks:
        if found > limit:
            raise refused(f"{message.format(found=found)}: the limit is {limit}.", code, limit=limit, found=found)


class QueryLimits(SchemaExtension):
    """Parses within the token limit, measures the operation, refuses it past a limit, charges its cost.

    Listed before `ValidationCache`: its checks run before graphql-core's validation.
    """

    cost: dict | None = None

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        execution.graphql_document = parse_document(execution.query, settings.GRAPHQL_MAX_TOKENS)
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        operation = get_operation_ast(execution.graphql_document, execution.operation_name)
        if operation is not None:
            root = execution.schema._schema.get_root_type(operation.operation)
            measure = Measure(execution.schema._schema, execution.graphql_document, operation, execution.variables)
            shape = measure.selection_set(root, operation.selection_set, root=True)
            if shape.introspection and not may_introspect(execution.context):
                raise refused("Introspection is for authenticated members: log in or send an API token.",
                              "UNAUTHENTICATED")
            check_shape(shape, operation)
            check_patterns(measure.patterns)
            self.cost = {"requested": shape.cost, "limit": settings.GRAPHQL_MAX_COST}
            if getattr(execution.context, "rate_limited", False):
                remaining = rate_limit.charge(execution.context, shape.cost)
                if remaining is not None:
                    self.cost["remaining"] = remaining
        yield
        for error in execution.pre_execution_errors or ():
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}

    def on_execute(self) -> Iterator[None]:
        yield
        # Variables graphql-core cannot coerce to their declared types refuse the whole request, without a code.
        for error in getattr(self.execution_context.result, "errors", None) or ():
            if (error.path is None and not (error.extensions or {}).get("code")
                    and (error.original_error is None or isinstance(error.original_error, GraphQLError))):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}

    def on_operation(self) -> Iterator[None]:
        yield
        # graphql-core's "Did you mean …" names fields, arguments, types and enum values: as much of the schema as
        # introspection tells, so it is for those who may introspect.
        result = self.execution_context.result
        if result is not None and result.errors and not may_introspect(self.execution_context.context):
            result.errors = [without_suggestion(error) if error.path is None else error for error in result.errors]

    def get_results(self) -> dict:
        return {"cost": self.cost} if self.cost is not None else {}


SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """The same error without graphql-core's suggestion (a copy: validation errors are cached and shared)."""
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
                        original_error=error.original_error, extensions=error.extensions)


def may_introspect(context) -> bool:
    """Members of the tenant on tenant hosts, any logged-in identity on the public host."""
    user = getattr(context, "user", None)
    if user is None or not user.is_authenticated:
        return False
    tenant = getattr(context, "tenant", None)
    on_public_host = tenant is None or tenant.schema_name == get_public_schema_name()
    return on_public_host or getattr(context, "membership", None) is not None
