"""What every resolver knows of the request: identity, tenant, membership."""

from dataclasses import dataclass, field
from typing import Any

from strawberry.django.context import StrawberryDjangoContext

from tenants.selectors import membership_get


@dataclass
class ApiContext(StrawberryDjangoContext):
    user: Any = None
    tenant: Any = None
    membership: Any = None
    api_token: Any = None
    extra: dict = field(default_factory=dict)


def build_context(request, response) -> ApiContext:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    return ApiContext(
        request=request, response=response, user=user, tenant=tenant,
        membership=membership_get(user=user, tenant=tenant) if tenant is not None else None,
        api_token=getattr(request, "api_token", None),
    )
