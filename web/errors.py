"""The product's own error pages (400, 403, 404, 500), in the visitor's language, for both URL confs.

They render without a request context: no context processor runs (no session, no database), so the 500 page
still renders when the database is what failed, and an error raised before the locale middleware (an unknown host)
still finds the language in the cookie or the Accept-Language header.
"""

from django.http import HttpResponse
from django.template import loader
from django.utils import translation


def _page(request, template: str, status: int) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        body = loader.get_template(template).render({"status": status})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return _page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def server_error(request):
    return _page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form posted without its token (expired page, cookies refused, another site)."""
    return _page(request, "403_csrf.html", 403)


def not_found(request, *args, **kwargs):
    """A path that exists on another host only (the platform admin on a tenant's host)."""
    return page_not_found(request)
