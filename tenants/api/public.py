"""The public host's graph: signing up a company."""

import strawberry
import strawberry_django
from strawberry.types import Info

from saas.core.graph import Anyone, camel_case_errors
from saas.core.http import client_address
from tenants import selectors, services
from tenants.api.types import SignupInput, SignupSuccess, SlugAvailability


@strawberry.type
class PublicQuery:
    @strawberry.field(permission_classes=[Anyone], description="Whether a company could sign up under this address.")
    def slug_available(self, slug: str) -> SlugAvailability:
        slug = slug.strip().lower()
        refusal = services.slug_check(slug)
        if refusal is None:
            return SlugAvailability(slug=slug, available=True)
        return SlugAvailability(slug=slug, available=False, code=refusal.code, message=refusal.messages[0])


@strawberry.type
class PublicMutation:
    @strawberry_django.mutation(permission_classes=[Anyone],
                                handle_django_errors=True, description="A company signs up by itself.")
    @camel_case_errors
    def signup(self, info: Info, input: SignupInput) -> SignupSuccess:
        request = info.context.request
        result = services.signup(
            company_name=input.company_name, slug=input.slug, email=input.email, password=input.password,
            language=input.language, client_address=client_address(request),
        )
        return SignupSuccess(
            tenant=result.tenant, url=selectors.tenant_url(result.tenant), created_user=result.created_user
        )
