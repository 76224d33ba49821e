"""`Authorization: Bearer <token>`: integrators authenticate with an API token of the current tenant."""

from django.db import connection
from django.http import JsonResponse
from django_tenants.utils import get_public_schema_name

from saas.access.services import api_token_authenticate


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            if connection.schema_name == get_public_schema_name():
                return _refused("API tokens are accepted on tenant hosts only.")
            token = api_token_authenticate(secret=header[7:].strip())
            if token is None:
                # A token from another tenant is simply not in this schema: refused like an unknown one.
                return _refused("Invalid, expired or revoked API token.")
            request.user = token.user
            request.api_token = token
            # A bearer token is not sent by browsers on their own: no CSRF exposure.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


def _refused(message: str) -> JsonResponse:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JsonResponse(body, status=401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
