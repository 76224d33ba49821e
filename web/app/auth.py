"""Logging in and out of a tenant's host, switching company, the language."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from web import gql
from web.app.pages import member_page, render_page


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


def _with_language(response, request):
    """The user's language (chosen at signup, changed in the user menu) follows them into the session."""
    language = gql.run(request, "Me")["me"]["user"]["language"]
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=request.is_secure())
    return response


def login(request):
    email = request.POST.get("email", request.GET.get("email", "")).strip()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload = gql.run(request, "Login", {"email": email, "password": request.POST.get("password", "")})["login"]
        if not gql.failed(payload):
            return _with_language(HttpResponseRedirect(_next(request)), request)
        errors = gql.form_errors(payload)
    return render(request, "web/app/login.html", {
        "email": email, "next": _next(request), "errors": errors, "tenant_name": request.tenant.name,
    }, status=400 if errors else 200)


@require_POST
def logout(request):
    gql.run(request, "Logout")
    return HttpResponseRedirect(reverse("login"))


def switch_login(request):
    """Landing of a `tenantSwitch` link: the one-time token opens a session on this host."""
    payload = gql.run(request, "LoginWithToken", {"token": request.GET.get("token", "")})["loginWithToken"]
    if gql.failed(payload):
        return HttpResponse(" ".join(m["message"] for m in payload["messages"]), status=403,
                            content_type="text/plain; charset=utf-8")
    return _with_language(HttpResponseRedirect("/"), request)


@require_POST
@member_page
def switch(request):
    payload = gql.run(request, "TenantSwitch", {"slug": request.POST.get("slug", "")})["tenantSwitch"]
    if gql.failed(payload):
        return HttpResponse(" ".join(m["message"] for m in payload["messages"]), status=400,
                            content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(payload["url"])


@member_page
def preferences(request):
    return render_page(request, "web/app/preferences.html", {}, title=_("Preferences"))
