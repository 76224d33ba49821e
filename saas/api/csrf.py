"""CSRF on the GraphQL endpoints: what a hostile page could make a browser send is checked.

A browser attaches the session cookie by itself, so every POST carrying it passes Django's CSRF check
(X-CSRFToken header). Without the cookie, a JSON body cannot come from another site without a CORS preflight,
which this site never grants; but a form can (multipart/form-data — the upload spec's encoding —, urlencoded,
text/plain), and such a form could log the visitor into an attacker's account (login CSRF): those are checked
too. Bearer-token requests are exempt (saas.access.middleware marks them): browsers never add that header.
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware


def csrf_refusal(request) -> JsonResponse | None:
    """A GraphQL error answer when the request needed a CSRF token and lacks a valid one, else None."""
    if request.method != "POST":
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and request.content_type == "application/json":
        return None
    if CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is None:
        return None
    message = ("CSRF check failed: send this site's csrftoken cookie back in the X-CSRFToken header, "
               "or authenticate with an API token (Authorization: Bearer).")
    return JsonResponse({"data": None, "errors": [{"message": message, "extensions": {"code": "CSRF_FAILED"}}]},
                        status=403)
