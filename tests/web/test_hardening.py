"""Web hardening: CSRF on every form and on the GraphQL endpoint, cookie flags, security headers, the login
throttle on the login page, and the password pages (reset by email, change in the preferences)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from tests.conftest import LOGIN, PASSWORD, GraphQLClient

TEMPLATES = Path(django_settings.BASE_DIR) / "web" / "templates"
NEW_PASSWORD = "another-long-passphrase"


def templates():
    return sorted(TEMPLATES.rglob("*.html"))


def test_every_form_that_posts_carries_a_csrf_token():
    missing = []
    for path in templates():
        html = path.read_text()
        for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", html, re.S):
            posts = re.search(r'method="post"|hx-post=', form.group(1), re.I)
            if posts and "{% csrf_token %}" not in form.group(2):
                missing.append(f"{path.relative_to(TEMPLATES)}: <form{form.group(1)[:60]}…>")
    assert missing == []


def test_no_template_holds_an_inline_script_or_event_handler():
    """The Content-Security-Policy refuses them (script-src 'self'): behaviours live in static files."""
    found = []
    for path in templates():
        html = path.read_text()
        found += [f"{path.name}: {match.group(0)[:60]}" for match in re.finditer(
            r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|hx-on[:-]", html, re.I)]
    assert found == []


def test_a_form_posted_without_its_csrf_token_is_refused(acme):
    browser = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    assert browser.post("/login/", {"email": acme.admin_email, "password": PASSWORD}).status_code == 403
    # with the token the login page handed out: accepted
    browser.get("/login/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/login/", {"email": acme.admin_email, "password": PASSWORD,
                                        "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.post("/preferences/", {"language": "fr"}).status_code == 403


def test_graphql_calls_with_the_session_cookie_need_the_csrf_token(acme):
    browser = Client(enforce_csrf_checks=True)
    api = GraphQLClient(acme.host, client=browser)
    assert api.execute(LOGIN, {"email": acme.admin_email, "password": PASSWORD})["data"]["login"]["__typename"] == (
        "LoginSuccess")
    refused = api.post("{ me { user { email } } }")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"


def test_a_cross_site_form_cannot_log_a_visitor_in(acme):
    """Login CSRF: a hostile page's form (multipart, as the upload spec allows) carries no cookie and no token."""
    browser = Client(enforce_csrf_checks=True)
    operations = json.dumps({"query": LOGIN, "variables": {"email": acme.admin_email, "password": PASSWORD}})
    response = browser.post("/graphql/", {"operations": operations, "map": "{}"}, HTTP_HOST=acme.host)
    assert response.status_code == 403
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies


def test_cookie_less_json_calls_need_no_csrf_token(acme):
    browser = Client(enforce_csrf_checks=True)
    public = GraphQLClient("localhost", client=browser).post('{ slugAvailable(slug: "free-co") { available } }')
    login = GraphQLClient(acme.host, client=browser).post(LOGIN, {"email": acme.admin_email, "password": PASSWORD})
    assert public.status_code == login.status_code == 200
    assert login.json()["data"]["login"]["__typename"] == "LoginSuccess"


def test_pages_and_the_api_send_the_security_headers(visitor, acme_admin_api):
    page = visitor.get("/login/")
    api = acme_admin_api.post("{ me { user { email } } }")
    policy = page["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'self'"):
        assert directive in policy
    assert "form-action 'self' http://localhost:* http://*.localhost:*" in policy
    for response in (page, api):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response  # plain HTTP here


def settings_under(env: dict) -> dict:
    """The security settings computed from the environment, as a fresh process would read them."""
    code = ("import json; from saas.settings import base as s; print(json.dumps({name: getattr(s, name, None) "
            "for name in ('HTTPS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
            "'SESSION_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
            "'CONTENT_SECURITY_POLICY')}))")
    base = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "PUBLIC_URL_SCHEME", "HTTPS"}}
    result = subprocess.run([sys.executable, "-c", code], env={**base, "SECRET_KEY": "x", **env},
                            capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR)
    return json.loads(result.stdout)


def test_https_deployments_get_secure_cookies_hsts_and_the_redirect():
    production = settings_under({"BASE_DOMAIN": "example.com"})
    plain = settings_under({"BASE_DOMAIN": "example.com", "PUBLIC_URL_SCHEME": "http", "PUBLIC_URL_PORT": "8000"})
    assert production["HTTPS"] and production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and production["SECURE_SSL_REDIRECT"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "form-action 'self' https://example.com https://*.example.com;" in production["CONTENT_SECURITY_POLICY"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["SESSION_COOKIE_SAMESITE"] == "Lax"
    # served over plain HTTP (compose.yaml): cookies must not be Secure, or no login would hold
    assert not (plain["HTTPS"] or plain["SESSION_COOKIE_SECURE"] or plain["SECURE_SSL_REDIRECT"])
    assert plain["SECURE_HSTS_SECONDS"] == 0


@pytest.fixture
def https(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_over_https_cookies_are_secure_http_only_and_lax_and_hsts_is_sent(acme, https):
    browser = Client(HTTP_HOST=acme.host)
    response = browser.post("/login/", {"email": acme.admin_email, "password": PASSWORD}, secure=True)
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert response.status_code == 302
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # behind the proxy: X-Forwarded-Proto says HTTPS; plain HTTP is redirected, health checks are not
    assert browser.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert browser.get("/login/")["Location"] == f"https://{acme.host}/login/"
    assert browser.get("/healthz").status_code == 200


@pytest.fixture
def throttle(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_FAILURES_PER_ADDRESS = 10
    cache.clear()
    yield
    cache.clear()


def test_the_login_page_says_when_to_try_again_after_too_many_failures(visitor, acme, throttle):
    for _attempt in range(2):
        assert visitor.post("/login/", {"email": acme.admin_email, "password": "wrong"}).status_code == 400
    response = visitor.post("/login/", {"email": acme.admin_email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts: try again in 15 minutes." in response.content.decode()


def test_a_forgotten_password_is_reset_through_the_pages(visitor, acme, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    login_page = visitor.get(f"/login/?email={acme.admin_email}").content.decode()
    assert 'href="/password-reset/?email=admin%40acme.example.com"' in login_page
    with django_capture_on_commit_callbacks(execute=True):
        asked = visitor.post("/password-reset/", {"email": acme.admin_email})
    assert "a link to choose a new password is on its way" in asked.content.decode()
    [mail] = mailoutbox
    link = re.search(r"http://acme\.localhost(/password-reset/\S+/)", mail.body).group(1)
    assert visitor.get(link).status_code == 200
    weak = visitor.post(link, {"newPassword": "short"})
    assert weak.status_code == 400 and "id_newPassword_errors" in weak.content.decode()
    done = visitor.post(link, {"newPassword": NEW_PASSWORD})
    assert done.status_code == 200 and "Your password has been changed." in done.content.decode()
    assert visitor.post("/login/", {"email": acme.admin_email, "password": NEW_PASSWORD}).status_code == 302
    # the link is spent
    assert "Ask for a new link" in visitor.post(link, {"newPassword": "third-long-passphrase"}).content.decode()


def test_changing_the_password_in_the_preferences_logs_the_other_sessions_out(member, acme):
    other = Client(HTTP_HOST=acme.host)
    assert other.post("/login/", {"email": acme.admin_email, "password": PASSWORD}).status_code == 302
    assert 'action="/preferences/password/"' in member.get("/preferences/").content.decode()
    wrong = member.post("/preferences/password/", {"currentPassword": "wrong", "newPassword": NEW_PASSWORD})
    assert wrong.status_code == 400 and "This is not your current password." in wrong.content.decode()
    response = member.post("/preferences/password/", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/preferences/?password=changed"
    assert "Your password has been changed." in member.get(response["Location"]).content.decode()
    assert other.get("/")["Location"] == "/login/?next=%2F"
