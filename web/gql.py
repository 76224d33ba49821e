"""Run a named GraphQL operation in-process, as the request's user: the web app sees what the API gives.

Operations are the documents of `graphql/operations/**/<Name>.graphql`, one per file, named after it
(tests/api/test_contract.py). Those under `operations/public/` run against the public host's schema,
the others against the tenant schema; both with the context the API view builds, so permissions,
history context and limits are the same as for an integrator.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied

from graphql import GraphQLError, OperationDefinitionNode, parse
from saas.api.context import build_context
from saas.records import error_codes as record_codes

OPERATIONS = Path(settings.BASE_DIR) / "graphql" / "operations"
# Codes of input the page was given and the API cannot take: a malformed id or cursor, a list's filter or sort
# on a custom field the module lacks or with a value of another type (`?custom.seats=many`).
BAD_INPUT_CODES = frozenset({"BAD_USER_INPUT", record_codes.UNKNOWN_CUSTOM_FIELD, record_codes.CUSTOM_FIELD_TYPE,
                             record_codes.CUSTOM_FIELD_CHOICE})


class OperationError(Exception):
    """The operation answered GraphQL errors (a bug in a document, or an unexpected server error)."""

    def __init__(self, operation: str, errors: list):
        self.operation = operation
        self.errors = errors
        self.codes = [(error.extensions or {}).get("code") for error in errors]
        super().__init__(f"{operation}: " + "; ".join(f"{error.message} ({code})" if code else error.message
                                                      for error, code in zip(errors, self.codes, strict=True)))


class Unauthenticated(OperationError):
    """No session (or an expired one): the page sends the visitor to the login page and back."""


class Forbidden(OperationError, PermissionDenied):
    """A member without the right to this operation (FORBIDDEN)."""


class BadInput(OperationError, BadRequest):
    """What the page was given cannot be an operation's input (a malformed id in `?owner=`, a NUL character):
    the 400 page, not a server error."""


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


@cache
def _documents() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(OPERATIONS.rglob("*.graphql")):
        if path.stem in found:
            raise RuntimeError(f"Two operations are named {path.stem}: {found[path.stem]} and {path}")
        found[path.stem] = path
    return found


@cache
def document(operation_name: str) -> tuple[str, bool]:
    """The text of an operation and whether it belongs to the public host's schema."""
    path = _documents().get(operation_name)
    if path is None:
        raise LookupError(f"No graphql/operations/**/{operation_name}.graphql")
    return path.read_text(), path.relative_to(OPERATIONS).parts[0] == "public"


@cache
def variable_names(operation_name: str) -> frozenset[str]:
    """The variables an operation declares."""
    definitions = parse(document(operation_name)[0]).definitions
    return frozenset(variable.variable.name.value for definition in definitions
                     if isinstance(definition, OperationDefinitionNode) for variable in definition.variable_definitions)


def _schema(public: bool):
    # Imported on first use: building the schemas imports every domain's API.
    if public:
        from saas.api.public_schema import schema
    else:
        from saas.api.schema import schema
    return schema


def run(request, operation_name: str, variables: dict | None = None) -> dict:
    """`data` of the operation executed as the request's user; GraphQL errors raise (see the classes above).

    Business refusals of mutations are data (an `OperationInfo` payload): read them with `form_errors`.
    """
    query, public = document(operation_name)
    if _holds_nul(variables):
        # PostgreSQL text cannot hold NUL: refused before it reaches a query.
        raise BadInput(operation_name, [GraphQLError("A NUL character is not accepted.",
                                                     extensions={"code": "BAD_USER_INPUT"})])
    result = _schema(public).execute_sync(query, variable_values=variables or {}, operation_name=operation_name,
                                          context_value=build_context(request, response=None))
    if result.errors:
        codes = {(error.extensions or {}).get("code") for error in result.errors}
        failure = (Unauthenticated if "UNAUTHENTICATED" in codes else Forbidden if "FORBIDDEN" in codes
                   else BadInput if codes <= BAD_INPUT_CODES else OperationError)
        raise failure(operation_name, result.errors)
    return result.data


def form_errors(payload: dict) -> dict[str, list[str]]:
    """An `OperationInfo` payload's messages by GraphQL field name ("" for the form as a whole)."""
    errors: dict[str, list[str]] = {}
    for message in payload.get("messages") or []:
        errors.setdefault(message.get("field") or "", []).append(message["message"])
    return errors


def failed(payload: dict) -> bool:
    return payload.get("__typename") == "OperationInfo"
