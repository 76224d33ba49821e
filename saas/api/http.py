"""Bad requests to the GraphQL endpoints answer a GraphQL error, quickly, never a server error.

Strawberry answers a malformed request with a plain-text 400, and a body that is not UTF-8, JSON nested past
Python's recursion limit or a multipart map of the wrong shape with a 500. Here every request-level refusal is
a JSON body `{"data": null, "errors": [{"message", "extensions": {"code"}}]}` with its HTTP status, and a body
over `GRAPHQL_MAX_BODY_BYTES` is refused from its Content-Length, before it is read (multipart uploads are held
to Django's DATA_UPLOAD_MAX_MEMORY_SIZE for their fields and to the document limits for their files).
"""

from cross_web import HTTPException
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError

CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def graphql_error_response(message: str, status: int) -> JsonResponse:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": CODES.get(status, "BAD_REQUEST")}}]}
    return JsonResponse(body, status=status)


class GraphQLRequestGuard:
    """Mixed into the GraphQL views, before strawberry's `GraphQLView`."""

    def dispatch(self, request, *args, **kwargs):
        if "multipart/form-data" not in request.content_type and body_length(request) > settings.GRAPHQL_MAX_BODY_BYTES:
            return graphql_error_response(
                f"The request body is over the limit of {settings.GRAPHQL_MAX_BODY_BYTES} bytes.", 413)
        try:
            return self.run(request=request)
        except HTTPException as error:
            return graphql_error_response(error.reason, error.status_code)

    def parse_http_body(self, request_adapter):
        try:
            return super().parse_http_body(request_adapter)
        except HTTPException:
            raise
        except RequestDataTooBig as error:
            raise HTTPException(413, "The request body is over the size limit.") from error
        except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
            raise HTTPException(400, "The request body is not valid JSON (UTF-8).") from error
        except (SuspiciousOperation, MultiPartParserError, RecursionError, TypeError, AttributeError,
                IndexError) as error:
            # Too many fields, JSON nested past the recursion limit, a body or map of the wrong shape.
            raise HTTPException(400, "Malformed GraphQL request: expected a JSON object with `query` (and "
                                     "`variables`, `operationName`), or a multipart request "
                                     "(`operations`, `map`, files).") from error

    def execute_operation(self, request, context, root_value, sub_response):
        # Operations that come over HTTP spend their identity's cost budget (saas.api.rate_limit); the web
        # app's own documents, run in-process, have bounded costs (tests/api/test_limits.py).
        context.rate_limited = True
        return super().execute_operation(request, context, root_value, sub_response)


def body_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
