"""A suspended tenant answers a clear error to every request, before any authentication."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tenants.enums import TenantStatus


class TenantStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and getattr(tenant, "status", TenantStatus.ACTIVE) == TenantStatus.SUSPENDED:
            # Before the locale middleware: the language comes from the cookie or Accept-Language.
            with translation.override(translation.get_language_from_request(request)):
                message = _("This company's account is suspended. Contact support to reactivate it.")
                if request.path.startswith("/graphql"):
                    body = {"data": None, "errors": [{"message": message,
                                                      "extensions": {"code": "TENANT_SUSPENDED"}}]}
                    return JsonResponse(body, status=403)
                # The product's 403 page (web/templates), rendered without a request context.
                return HttpResponse(render_to_string("tenant_suspended.html", {"status": 403, "message": message}),
                                    status=403)
        return self.get_response(request)
