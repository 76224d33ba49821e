"""API tokens in the graph."""

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from saas.access import error_codes, selectors, services
from saas.access.api.types import ApiTokenCreated, ApiTokenType
from saas.core.graph import IsMember, camel_case_errors, local_pk


@strawberry.type
class AccessQuery:
    @strawberry_django.field(permission_classes=[IsMember], description="The tokens of this identity.")
    def api_tokens(self, info: Info) -> list[ApiTokenType]:
        return selectors.api_token_list(actor=info.context.user)


@strawberry.type
class AccessMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Issue an API token acting as the current identity.")
    @camel_case_errors
    def api_token_create(self, info: Info, name: str, expires_at: datetime | None = None) -> ApiTokenCreated:
        issued = services.api_token_create(actor=info.context.user, name=name, expires_at=expires_at)
        return ApiTokenCreated(token=issued.token, secret=issued.secret)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Revoke one of this identity's tokens.")
    def api_token_revoke(self, info: Info, id: relay.GlobalID) -> ApiTokenType:
        pk = local_pk(id.node_id) if id.type_name == "ApiToken" else None
        token = selectors.api_token_get_for_actor(actor=info.context.user, token_id=pk) if pk else None
        if token is None:
            raise ValidationError({"id": ValidationError(_("No such token."), code=error_codes.NOT_FOUND)})
        return services.api_token_revoke(actor=info.context.user, token=token)
