import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from saas.access import models, selectors
from saas.core.graph import TenantNode


@strawberry_django.type(models.ApiToken, name="ApiToken")
class ApiTokenType(TenantNode):
    name: str
    prefix: str = strawberry_django.field(description="The first characters of the secret, to recognise it.")
    created_at: strawberry.auto
    expires_at: strawberry.auto
    revoked_at: strawberry.auto
    last_used_at: strawberry.auto

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.api_token_list(actor=info.context.user)


@strawberry.type
class ApiTokenCreated:
    token: ApiTokenType
    secret: str = strawberry.field(description="Shown once: send it as `Authorization: Bearer <secret>`.")
