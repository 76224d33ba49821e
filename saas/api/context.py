"""What every resolver knows of the request: identity, tenant, membership, and what resolvers read once per request
and share (`RequestCaches`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.django.context import StrawberryDjangoContext

from tenants.selectors import membership_get

if TYPE_CHECKING:
    from saas.records.models import CustomFieldDefinition
    from saas.records.selectors.layouts import ModuleLayout
    from tenants.models import User

# A record named by its type's key and primary key (saas.records.selectors.lookup.records_for_keys).
RecordKey = tuple[str, int]


@dataclass
class RequestCaches:
    """Reads shared by the resolvers of one request, so that a page of records costs no query per record."""

    # Comment authors and history actors, by id.
    users: dict[int, User] = field(default_factory=dict)
    # Records by the id of their RecordRef (comments' and history events' records).
    records_by_ref: dict[int, Any] = field(default_factory=dict)
    # The record on the other side of a LINKED / UNLINKED history event, by (table, event id), and those records.
    related_keys: dict[tuple[str, int], RecordKey] = field(default_factory=dict)
    related_records: dict[RecordKey, Any] = field(default_factory=dict)
    # Each module's layout for the reader (header and key fields), by module key.
    layouts: dict[str, ModuleLayout] = field(default_factory=dict)
    # Each module's custom field definitions, by module key then field key.
    custom_definitions: dict[str, dict[str, CustomFieldDefinition]] = field(default_factory=dict)


@dataclass
class ApiContext(StrawberryDjangoContext):
    user: Any = None
    tenant: Any = None
    membership: Any = None
    api_token: Any = None
    # Over HTTP, an operation spends its identity's cost budget (saas.api.rate_limit); the web app's own do not.
    rate_limited: bool = False
    caches: RequestCaches = field(default_factory=RequestCaches)


def build_context(request, response) -> ApiContext:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    return ApiContext(
        request=request, response=response, user=user, tenant=tenant,
        membership=membership_get(user=user, tenant=tenant) if tenant is not None else None,
        api_token=getattr(request, "api_token", None),
    )
