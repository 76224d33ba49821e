"""The GraphQL endpoints: `/graphql/` on the public host and on every tenant host."""

from cross_web import HTTPException
from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from saas.api.context import build_context
from saas.api.csrf import csrf_refusal
from saas.api.http import GraphQLRequestGuard
from saas.core.security import csp_exempt


class CsrfCheckedGraphQLView(GraphQLRequestGuard, GraphQLView):
    """Browser sessions and form-encoded posts are CSRF-checked; bearer tokens and cookie-less JSON calls (nothing
    a hostile page can forge) are not: see saas.api.csrf."""

    # Exempt from the middleware's blanket check, which would refuse every integrator's plain JSON call.
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if (refusal := csrf_refusal(request)) is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request, response):
        return build_context(request, response)

    def render_graphql_ide(self, request):
        # GraphiQL is a development tool: with DEBUG off, a browser's GET answers 404 (decided per request, so
        # that a settings change needs no new URL conf).
        if not settings.DEBUG:
            raise HTTPException(404, "Not Found")
        return csp_exempt(super().render_graphql_ide(request))


class TenantGraphQLView(CsrfCheckedGraphQLView):
    pass


class PublicGraphQLView(CsrfCheckedGraphQLView):
    pass
