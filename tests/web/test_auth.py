"""Logging in and out of a tenant's host; pages send visitors without a session to login and back."""

from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from tenants.models import Membership, Tenant, User
from tests.conftest import PASSWORD


def test_login_page_renders(visitor):
    response = visitor.get("/login/?next=/accounts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="password"' in html and 'value="/accounts/"' in html


def test_wrong_password_shows_the_error_and_keeps_the_email(visitor, acme):
    response = visitor.post("/login/", {"email": acme.admin_email, "password": "nope", "next": "/accounts/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wrong email or password." in html
    assert f'value="{acme.admin_email}"' in html and 'value="/accounts/"' in html


def test_login_goes_to_next_and_sets_the_users_language(visitor, acme):
    response = visitor.post("/login/", {"email": acme.admin_email, "password": PASSWORD, "next": "/invoices/"})
    assert response.status_code == 302 and response["Location"] == "/invoices/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert visitor.get("/invoices/").status_code == 200


def test_next_may_not_leave_the_host(visitor, acme):
    response = visitor.post("/login/", {"email": acme.admin_email, "password": PASSWORD,
                                        "next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_page_without_session_goes_to_login_and_back(visitor):
    response = visitor.get("/accounts/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Faccounts%2F%3Fq%3Dx"


def test_an_htmx_fragment_without_session_sends_the_page_to_login(visitor):
    response = visitor.get("/accounts/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://acme.localhost/contacts/")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=%2Fcontacts%2F"


def test_a_member_of_another_company_cannot_log_in_here(visitor, globex):
    response = visitor.post("/login/", {"email": globex.admin_email, "password": PASSWORD})
    assert response.status_code == 400
    assert "not a member of this company" in response.content.decode()


def test_logout_closes_the_session(member):
    assert member.get("/").status_code == 200
    response = member.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert member.get("/").status_code == 302


def test_language_switch_translates_the_shell(member):
    response = member.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/"})
    assert response.status_code == 302
    html = member.get("/accounts/").content.decode()
    assert '<html lang="fr">' in html


def test_switch_company_hands_a_one_time_login_to_the_other_host(member, acme, globex):
    # given: acme's admin is also a member of globex
    Membership.objects.create(user=User.objects.get(email=acme.admin_email),
                              tenant=Tenant.objects.get(schema_name="globex"))
    assert "Globex" in member.get("/").content.decode()
    # when
    response = member.post("/switch/", {"slug": "globex"})
    # then: the link opens a session on globex's host, once
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.hostname == globex.host and target.path == "/auth/switch/"
    other = Client(HTTP_HOST=globex.host)
    landing = other.get(f"{target.path}?{target.query}")
    assert landing.status_code == 302 and landing["Location"] == "/"
    assert other.get("/").status_code == 200
    assert Client(HTTP_HOST=globex.host).get(f"{target.path}?{target.query}").status_code == 403
