"""`Authorization: Bearer <token>`: integrators authenticate with an API token of the current tenant.

The request then acts as the token's user, within the token's scopes (the user carries its token to the
access rules), and every use lands in the token's event log: when, which operation, from which address.
"""

import json
import re

from django.db import connection
from django.http import JsonResponse
from django_tenants.utils import get_public_schema_name

from saas.access.services import api_token_authenticate, api_token_event_record

OPERATION = re.compile(r"\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if header[:7].lower() != "bearer ":
            return self.get_response(request)
        if connection.schema_name == get_public_schema_name():
            return _refused("API tokens are accepted on tenant hosts only.")
        token = api_token_authenticate(secret=header[7:].strip())
        if token is None:
            # A token from another tenant is simply not in this schema: refused like an unknown one.
            return _refused("Invalid, expired or revoked API token.")
        token.user.acting_token = token
        request.user = token.user
        request.api_token = token
        # A bearer token is not sent by browsers on their own: no CSRF exposure.
        request._dont_enforce_csrf_checks = True
        response = self.get_response(request)
        api_token_event_record(token=token, operation=operation_name(request), address=request.META.get(
            "REMOTE_ADDR"), status=response.status_code)
        return response


def operation_name(request) -> str:
    """The GraphQL operation a request ran: its `operationName`, else the first named operation of its query."""
    try:
        if request.content_type == "multipart/form-data":
            body = json.loads(request.POST.get("operations") or "{}")
        elif request.method == "GET":
            body = request.GET
        else:
            body = json.loads(request.body or b"{}")
    except Exception:  # noqa: BLE001  (a malformed or unreadable body is logged unnamed, never refused here)
        return ""
    if not isinstance(body, dict):
        return ""
    name = body.get("operationName")
    if not name:
        found = OPERATION.search(str(body.get("query") or ""))
        name = found.group(2) if found else ("anonymous" if body.get("query") else "")
    return str(name)[:200]


def _refused(message: str) -> JsonResponse:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JsonResponse(body, status=401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
