"""Passwords on a tenant's host: asking for a reset link, choosing a new password with it, changing one's own."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from web import gql
from web.app.auth import preferences_page
from web.app.pages import member_page


def password_reset(request):
    """Ask for a link by email; the page answers the same whether the email has an account or not."""
    email = request.POST.get("email", request.GET.get("email", "")).strip()
    errors: dict[str, list[str]] = {}
    sent = False
    if request.method == "POST":
        payload = gql.run(request, "PasswordResetRequest", {"email": email})["passwordResetRequest"]
        errors = gql.form_errors(payload) if gql.failed(payload) else {}
        sent = not errors
    return render(request, "web/app/password_reset.html", {
        "email": email, "errors": errors, "sent": sent, "tenant_name": request.tenant.name,
    }, status=400 if errors else 200)


def password_reset_confirm(request, token: str):
    """The emailed link: choose a new password. The person's sessions all end and a new one opens here; the page
    then lists their API tokens of every company, with one button to revoke them all."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload = gql.run(request, "PasswordResetConfirm", {
            "token": token, "newPassword": request.POST.get("newPassword", "")})["passwordResetConfirm"]
        if not gql.failed(payload):
            return _reset_done_page(request, done_email=payload["email"])
        errors = gql.form_errors(payload)
    return render(request, "web/app/password_reset_confirm.html", {
        "errors": errors, "done_email": None, "tenant_name": request.tenant.name,
    }, status=400 if errors else 200)


def _reset_done_page(request, *, done_email: str, revoked: int | None = None, errors: dict | None = None):
    return render(request, "web/app/password_reset_confirm.html", {
        "done_email": done_email, "tenant_name": request.tenant.name, "errors": errors or {},
        "tokens": gql.run(request, "MyApiTokens")["myApiTokens"], "revoked": revoked,
    }, status=400 if errors else 200)


@require_POST
@member_page
def api_tokens_revoke_all(request):
    """The reset confirmation's button: every usable API token of the person, in every company, is revoked."""
    payload = gql.run(request, "MyApiTokensRevokeAll")["myApiTokensRevokeAll"]
    email = gql.run(request, "Me")["me"]["user"]["email"]
    if gql.failed(payload):
        return _reset_done_page(request, done_email=email, errors=gql.form_errors(payload))
    return _reset_done_page(request, done_email=email, revoked=payload["count"])


@require_POST
@member_page
def password_change(request):
    """The preferences page's password form: this session stays open, the person's other sessions end."""
    payload = gql.run(request, "PasswordChange", {
        "currentPassword": request.POST.get("currentPassword", ""),
        "newPassword": request.POST.get("newPassword", "")})["passwordChange"]
    if gql.failed(payload):
        return preferences_page(request, password_errors=gql.form_errors(payload))
    return HttpResponseRedirect(f"{reverse('preferences')}?password=changed")
