"""A suspended tenant answers a clear error to every request, before any authentication."""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from tenants.enums import TenantStatus


class TenantStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and getattr(tenant, "status", TenantStatus.ACTIVE) == TenantStatus.SUSPENDED:
            message = _("This company's account is suspended. Contact support to reactivate it.")
            if request.path.startswith("/graphql"):
                body = {"data": None, "errors": [{"message": message, "extensions": {"code": "TENANT_SUSPENDED"}}]}
                return JsonResponse(body, status=403)
            return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
