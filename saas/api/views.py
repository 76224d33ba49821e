"""The GraphQL endpoints: `/graphql/` on the public host and on every tenant host."""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from saas.api.context import build_context


class TenantGraphQLView(GraphQLView):
    """Sessions are CSRF-checked; bearer tokens and cookie-less calls (nothing to forge) are not."""

    # Exempt from the middleware's blanket check: the check below applies it to sessions only.
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.method == "POST":
            refusal = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
            if refusal is not None:
                return refusal
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request, response):
        return build_context(request, response)

class PublicGraphQLView(GraphQLView):
    def get_context(self, request, response):
        return build_context(request, response)
