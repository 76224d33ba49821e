"""GraphQL building blocks shared by every app's `api/`: tenant-bound relay ids, permissions, errors.

Relay global ids are bound to the tenant: primary keys repeat across schemas, so the node id carries
the schema (`<schema>.<pk>`, then base64 with the type name by Strawberry), and an id minted in
another tenant resolves to nothing here.
"""

import contextvars
import functools
from collections.abc import Iterable
from enum import Enum
from typing import Any, ClassVar

import strawberry
import strawberry_django
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case
from strawberry_django.fields.types import OperationInfo, OperationMessage
from strawberry_django.relay import resolve_model_nodes

from graphql import GraphQLError

_enums: dict[type, type[Enum]] = {}


def graphql_enum(name: str, choices) -> type[Enum]:
    """A GraphQL enum from Django `TextChoices`: `IN_PROGRESS` for the stored `in_progress`; one per choices class,
    so a type derived from a model (saas.records.api.derived) and a hand-written argument share it."""
    existing = _enums.get(choices)
    if existing is None:
        existing = _enums[choices] = strawberry.enum(Enum(name, {value.upper(): value for value in choices.values}),
                                                     name=name)
    elif existing.__name__ != name:
        raise ValueError(f"{choices.__name__} is already the GraphQL enum {existing.__name__}, not {name}")
    return existing


def enum_of_choices(choices) -> type[Enum] | None:
    """The GraphQL enum already made for a model field's `choices`, if any."""
    return next((enum for cls, enum in _enums.items() if list(cls.choices) == list(choices)), None)


class TenantNode(relay.Node):
    """A relay node whose id is only valid in the tenant that minted it."""

    # What reading this type through `node(id)` needs, for a type whose `get_queryset` does not say it (a record
    # type's applies visibility); the schema walk requires one or the other.
    node_needs: ClassVar[type["Needs"] | None] = None

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return f"{connection.schema_name}.{root.pk}"

    @classmethod
    def resolve_node(cls, node_id: str, *, info: Info, required: bool = False):
        return cls.resolve_nodes(info=info, node_ids=[node_id], required=required)[0]

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        node_ids = list(node_ids)
        local_ids = [local_pk(node_id) for node_id in node_ids]
        wanted = [pk for pk in local_ids if pk is not None]
        found = resolve_model_nodes(cls, info=info, node_ids=wanted, required=False) if wanted else []
        by_pk = {pk: node for pk, node in zip(wanted, found, strict=True)}
        return [by_pk.get(pk) if pk is not None else None for pk in local_ids]


def local_pk(node_id: str) -> str | None:
    """The primary key in a node id minted by the current tenant, else None."""
    schema, _, pk = str(node_id).rpartition(".")
    if schema != connection.schema_name or not pk.isdigit():
        return None
    return pk


_refusal: contextvars.ContextVar = contextvars.ContextVar("needs_refusal")


class Needs(BasePermission):
    """What a query or mutation field needs, declared next to it in one form (a schema walk fails on a field
    without one): a module right (`needs(module, action)`, the module fixed or read from an argument),
    the tenant's admins (`IsTenantAdmin`), any member (`IsMember`) or anyone (`Anyone`, for signing in).

    The check and an API token's scopes both follow from it: a token only narrows what its member may do —
    a module right within the token's scopes, admin fields within `admin:` (or `*:`), and a member's own
    mutations only with some write scope (a read token changes nothing).
    """

    kind: str = "member"
    module: str | None = None
    action: str | None = None
    # Where the module comes from when it is not fixed: an argument naming a module (`input.module`), or one
    # holding record ids (`id`, `ids`, `input.recordId`) whose types name their modules.
    module_argument: str | None = None
    record_argument: str | None = None

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        # One instance serves every request: the refusal waits for `on_unauthorized` in a context variable.
        try:
            self.check(info, kwargs)
        except _Refusal as refusal:
            _refusal.set(refusal)
            return False
        return True

    def on_unauthorized(self):
        """A member's mutation answers its payload's coded refusal (`forbidden`), as services do; anything else, a
        GraphQL error with the code in its extensions."""
        refusal = _refusal.get()
        if refusal.mutation:
            return OperationInfo(messages=[OperationMessage(
                kind=OperationMessage.Kind.PERMISSION, message=refusal.message, field=None, code=refusal.code.lower())])
        raise GraphQLError(refusal.message, extensions={"code": refusal.code})

    def allows(self, info: Info) -> bool:
        """Whether the request may read what this declaration guards (a `node(id)` of a declaring type)."""
        try:
            self.check(info, {})
        except _Refusal:
            return False
        return True

    def check(self, info: Info, kwargs: dict) -> None:
        if self.kind == "anyone":
            return
        writes = info.operation.operation.value == "mutation"
        # Refused as data only where the payload can say it (a union with OperationInfo).
        as_data = writes and getattr(info._field, "handle_errors", False)
        if getattr(info.context, "membership", None) is None:
            user = getattr(info.context, "user", None)
            _refuse("UNAUTHENTICATED", _("Authentication required: log in or send an API token (Authorization: "
                                         "Bearer).") if user is None or not user.is_authenticated
                    else _("This identity is not a member of this company."), mutation=False)
        authority = _authority()
        actor = info.context.user
        if self.kind == "admin":
            if not (info.context.membership.is_admin and authority.admin_allows(actor, write=writes)):
                # As before declarations were one form: an admin-only field refuses with a GraphQL error.
                _refuse("FORBIDDEN", _("Only the administrators of this company may do this."), mutation=False)
        elif self.kind == "member":
            if writes and not authority.member_writes(actor):
                _refuse("FORBIDDEN", _("This API token may only read."), mutation=as_data)
        else:
            modules = self.modules(kwargs)
            if not all(authority.allows(actor, module, self.action) for module in modules):
                _refuse("FORBIDDEN", _("You are not allowed to do this (%(action)s on %(module)s).") % {
                    "action": self.action, "module": ", ".join(sorted(modules))}, mutation=as_data)

    def modules(self, kwargs: dict) -> set[str]:
        """The modules the right is needed on, for these arguments (an unknown id names none: its resolver
        answers "not found", as for a record one may not see)."""
        if self.module is not None:
            return {self.module}
        name = self.module_argument or self.record_argument
        value: Any = kwargs
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        values = value if isinstance(value, list | tuple) else [value]
        if self.module_argument:
            return {str(item) for item in values if item}
        authority = _authority()
        return {module for item in values if item
                for module in [authority.module_of_type(getattr(item, "type_name", None))] if module}


class IsMember(Needs):
    """Any member of this tenant (session or API token)."""

    kind = "member"


class IsTenantAdmin(Needs):
    """The tenant's administrators: settings, roles, members, workflows."""

    kind = "admin"


class Anyone(Needs):
    """No identity needed: signing up, logging in, resetting a password, accepting an invitation."""

    kind = "anyone"


class _Refusal(Exception):
    def __init__(self, code: str, message: str, *, mutation: bool):
        super().__init__(message)
        self.code, self.message, self.mutation = code, message, mutation


def _refuse(code: str, message: str, *, mutation: bool):
    raise _Refusal(code, message, mutation=mutation)


@functools.cache
def needs(module: str | None, action: str, *, module_argument: str | None = None,
          record_argument: str | None = None) -> type[Needs]:
    """The declaration of a module right: `needs("quotes", "edit")`, or with `module=None` the module named by
    an argument (`module_argument="input.module"`) or by the types of record ids (`record_argument="ids"`)."""
    if (module is None) == (module_argument is None and record_argument is None):
        raise TypeError("needs() takes a module, or the argument that names it")
    name = "Needs_" + "_".join(str(part) for part in (module, module_argument, record_argument, action) if part)
    return type(name, (Needs,), {"kind": "right", "module": module, "action": action,
                                 "module_argument": module_argument, "record_argument": record_argument})


class Authority:
    """Answers the declarations; installed by the composition root (saas.api), which knows the access rules and
    the record types — this kernel imports neither."""

    def allows(self, actor, module: str, action: str) -> bool:
        raise NotImplementedError

    def admin_allows(self, actor, *, write: bool) -> bool:
        raise NotImplementedError

    def member_writes(self, actor) -> bool:
        raise NotImplementedError

    def module_of_type(self, type_name: str | None) -> str | None:
        raise NotImplementedError


_installed: list[Authority] = []


def install_authority(authority: Authority) -> None:
    _installed[:] = [authority]


def _authority() -> Authority:
    if not _installed:
        raise RuntimeError("No Authority installed: build the schema through saas.api")
    return _installed[0]


def global_pk(global_id, type_names: str | Iterable[str]) -> str | None:
    """The local primary key of a global id of one of `type_names` minted by this tenant, else None."""
    names = {type_names} if isinstance(type_names, str) else set(type_names)
    if global_id is None or global_id.type_name not in names:
        return None
    return local_pk(global_id.node_id)


def mutation(resolver):
    """A mutation's body: one durable transaction, refusals reported by GraphQL field names."""
    wrapped = camel_case_errors(resolver)

    @functools.wraps(resolver)
    def in_transaction(*args, **kwargs):
        with transaction.atomic(durable=True):
            return wrapped(*args, **kwargs)

    return in_transaction



def verb(needed: type[Needs], description: str | None = None):
    """One business verb of the graph: a mutation needing `needed`, in one durable transaction, answering
    `<Name>Payload` = the result | OperationInfo with coded field errors."""
    def decorate(resolver):
        return strawberry_django.mutation(handle_django_errors=True, description=description,
                                          permission_classes=[needed])(mutation(resolver))
    return decorate

def camel_case_errors(resolver):
    """Report a ValidationError's fields by their GraphQL names (`company_name` → `companyName`), codes kept."""

    @functools.wraps(resolver)
    def wrapper(*args, **kwargs):
        try:
            return resolver(*args, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(
                    {field if field == NON_FIELD_ERRORS else ".".join(to_camel_case(p) for p in field.split(".")):
                     errors for field, errors in error.error_dict.items()}
                ) from error
            # As a dict, each of several non-field errors keeps its own code (strawberry-django reports the
            # list's code, None, for every message of a plain list).
            raise ValidationError({NON_FIELD_ERRORS: error.error_list}) from error

    return wrapper


def lazy_connection(type_name: str, module: str):
    """A connection to a type of a module above this one, named lazily: the import dependency keeps pointing
    downwards, and the type resolves when the schema is built."""
    from typing import Annotated

    from strawberry_django.relay import DjangoListConnection

    return DjangoListConnection[Annotated[type_name, strawberry.lazy(module)]]
