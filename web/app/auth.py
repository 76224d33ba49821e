"""Logging in and out of a tenant's host, accepting an invitation, switching company, the person's preferences."""

from zoneinfo import available_timezones

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.error_codes import TOO_MANY_ATTEMPTS
from web import gql
from web.app.pages import member_page, render_page
from web.middleware import preferences_remember


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


def _with_preferences(response, request, user: dict | None = None):
    """The user's language and time zone (chosen at signup, changed in the preferences) follow them into the
    session; the language also into the cookie the user menu's switch changes."""
    user = user or gql.run(request, "Me")["me"]["user"]
    preferences_remember(request, user)
    language = user["language"]
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=request.is_secure())
    return response


def login(request):
    email = request.POST.get("email", request.GET.get("email", "")).strip()
    errors: dict[str, list[str]] = {}
    throttled = False
    if request.method == "POST":
        payload = gql.run(request, "Login", {"email": email, "password": request.POST.get("password", "")})["login"]
        if not gql.failed(payload):
            return _with_preferences(HttpResponseRedirect(_next(request)), request)
        errors = gql.form_errors(payload)
        throttled = any(message["code"] == TOO_MANY_ATTEMPTS for message in payload["messages"])
    return render(request, "web/app/login.html", {
        "email": email, "next": _next(request), "errors": errors, "tenant_name": request.tenant.name,
    }, status=429 if throttled else 400 if errors else 200)


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
    return _with_preferences(HttpResponseRedirect("/"), request)


@require_POST
@member_page
def switch(request):
    payload = gql.run(request, "TenantSwitch", {"slug": request.POST.get("slug", "")})["tenantSwitch"]
    if gql.failed(payload):
        return HttpResponse(" ".join(m["message"] for m in payload["messages"]), status=400,
                            content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(payload["url"])


def invitation(request, token: str):
    """An invited person chooses a password (and gives their name), then lands in the company."""
    full_name = request.POST.get("fullName", "").strip()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload = gql.run(request, "InvitationAccept", {
            "token": token, "password": request.POST.get("password", ""), "fullName": full_name})["invitationAccept"]
        if not gql.failed(payload):
            return _with_preferences(HttpResponseRedirect("/"), request, payload["me"]["user"])
        errors = gql.form_errors(payload)
    return render(request, "web/app/invitation.html", {
        "full_name": full_name, "errors": errors, "tenant_name": request.tenant.name,
    }, status=400 if errors else 200)


PREFERENCE_FIELDS = ("language", "timeZone", "fullName")


@member_page
def preferences(request):
    """My language, time zone and name, saved on my identity through the API."""
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in PREFERENCE_FIELDS}
        payload = gql.run(request, "MeUpdate", {"input": values})["meUpdate"]
        if not gql.failed(payload):
            return _with_preferences(HttpResponseRedirect(reverse("preferences")), request, payload["user"])
        errors = gql.form_errors(payload)
        return preferences_page(request, values=values, errors=errors)
    return preferences_page(request)


def preferences_page(request, *, values: dict | None = None, errors: dict | None = None,
                     password_errors: dict | None = None):
    """The preferences page, with the refusals of its preferences form or of its password form."""
    if values is None:
        user = gql.run(request, "Preferences")["me"]["user"]
        values = {name: user[name] for name in PREFERENCE_FIELDS}
    return render_page(request, "web/app/preferences.html", {
        "values": values, "errors": errors or {}, "languages": settings.LANGUAGES,
        "time_zones": sorted(available_timezones()), "password_errors": password_errors or {},
        "password_changed": request.GET.get("password") == "changed",
    }, title=_("Preferences"), status=400 if errors or password_errors else 200)
