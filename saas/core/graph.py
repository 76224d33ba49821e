"""GraphQL building blocks shared by every app's `api/`: tenant-bound relay ids, permissions, errors.

Relay global ids are bound to the tenant: primary keys repeat across schemas, so the node id carries
the schema (`<schema>.<pk>`, then base64 with the type name by Strawberry), and an id minted in
another tenant resolves to nothing here.
"""

import functools
from collections.abc import Iterable
from enum import Enum
from typing import Any

import strawberry
import strawberry_django
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from strawberry import relay
from strawberry.permission import BasePermission
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case
from strawberry_django.relay import resolve_model_nodes


def graphql_enum(name: str, choices) -> type[Enum]:
    """A GraphQL enum from Django `TextChoices`: `IN_PROGRESS` for the stored `in_progress`."""
    return strawberry.enum(Enum(name, {value.upper(): value for value in choices.values}), name=name)


class TenantNode(relay.Node):
    """A relay node whose id is only valid in the tenant that minted it."""

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


class IsMember(BasePermission):
    """The request's identity is an active member of this tenant (session or API token)."""

    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if getattr(info.context, "membership", None) is not None:
            return True
        user = getattr(info.context, "user", None)
        if user is None or not user.is_authenticated:
            self.message = "Authentication required: log in or send an API token (Authorization: Bearer)."
        else:
            self.message = "This identity is not a member of this company."
        return False


class IsTenantAdmin(IsMember):
    """Tenant settings (layouts, numbering formats, custom fields) are changed by the tenant's admins."""

    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if not super().has_permission(source, info, **kwargs):
            self.error_extensions = {"code": "UNAUTHENTICATED"}
            return False
        self.error_extensions = {"code": "FORBIDDEN"}
        self.message = "Only the administrators of this company can change its settings."
        return bool(info.context.membership.is_admin)


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



def verb(description: str | None = None, admin: bool = False):
    """One business verb of the graph: a member's (or a tenant admin's) mutation in one durable transaction,
    answering `<Name>Payload` = the result | OperationInfo with coded field errors."""
    def decorate(resolver):
        return strawberry_django.mutation(handle_django_errors=True, description=description,
                                          permission_classes=[IsTenantAdmin if admin else IsMember])(mutation(resolver))
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
