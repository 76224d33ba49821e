import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from saas.companies.models import Company
from tenants.models import Domain, Membership, Tenant, User
from tests.conftest import PASSWORD, messages

SIGNUP = """mutation($input: SignupInput!) {
  signup(input: $input) {
    __typename
    ... on SignupSuccess { url createdUser tenant { slug name status language } }
    ... on OperationInfo { messages { kind field code message } }
  }
}"""


def signup_input(**overrides) -> dict:
    values = {"companyName": "Initech", "slug": "initech", "email": "boss@initech.example.com",
              "password": PASSWORD, "language": "fr"}
    values.update(overrides)
    return values


def footprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schema_count = cursor.fetchone()[0]
    return (Tenant.objects.count(), Domain.objects.count(), User.objects.count(), Membership.objects.count(),
            schema_count)


@pytest.mark.smoke
def test_signup_creates_tenant_domain_admin_and_company(public_api):
    # when
    result = public_api.execute(SIGNUP, {"input": signup_input()})
    # then
    payload = result["data"]["signup"]
    assert payload["__typename"] == "SignupSuccess", payload
    assert payload["url"] == "http://initech.localhost/"
    assert payload["createdUser"] is True
    assert payload["tenant"] == {"slug": "initech", "name": "Initech", "status": "ACTIVE", "language": "fr"}
    tenant = Tenant.objects.get(schema_name="initech")
    assert tenant.domains.get().domain == "initech.localhost"
    user = User.objects.get(email="boss@initech.example.com")
    assert user.language == "fr"
    membership = Membership.objects.get(user=user, tenant=tenant)
    assert (membership.kind, membership.is_admin, membership.is_active) == ("staff", True, True)
    with schema_context("initech"):
        assert list(Company.objects.values_list("name", "is_default")) == [("Initech", True)]


def test_signup_password_is_hashed_with_argon2_in_production_settings():
    from saas.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug": "Not A Slug"}, "slug", "slug_invalid"),
        ({"slug": "ab"}, "slug", "slug_invalid"),
        ({"slug": "9lives"}, "slug", "slug_invalid"),
        ({"slug": "bad--dash"}, "slug", "slug_invalid"),
        ({"slug": "www"}, "slug", "slug_reserved"),
        ({"slug": "admin"}, "slug", "slug_reserved"),
        ({"slug": "public"}, "slug", "slug_reserved"),
        ({"slug": "pg-catalog"}, "slug", "slug_reserved"),
        ({"slug": "acme"}, "slug", "slug_taken"),
        ({"email": "not-an-email"}, "email", "email_invalid"),
        ({"password": "short"}, "password", "password_weak"),
        ({"password": "1234567890123"}, "password", "password_weak"),
        ({"companyName": "  "}, "companyName", "company_name_required"),
        ({"language": "de"}, "language", "language_invalid"),
        ({"email": "admin@acme.example.com", "password": "wrong-password-here"}, "password", "password_wrong"),
    ],
)
def test_signup_refusals_are_field_errors_and_leave_nothing_behind(public_api, acme, overrides, field, code):
    # given
    before = footprint()
    # when
    result = public_api.execute(SIGNUP, {"input": signup_input(**overrides)})
    # then
    payload = result["data"]["signup"]
    assert payload["__typename"] == "OperationInfo"
    assert messages(payload)[field] == code
    assert all(message["message"] for message in payload["messages"])
    assert footprint() == before


def test_signup_reports_every_bad_field_at_once(public_api):
    result = public_api.execute(SIGNUP, {"input": signup_input(slug="www", email="nope", companyName="")})
    assert messages(result["data"]["signup"]) == {
        "slug": "slug_reserved", "email": "email_invalid", "companyName": "company_name_required"}


def test_a_failure_after_the_schema_was_created_rolls_everything_back(public_api, monkeypatch):
    # given: the default data step fails once the schema exists
    from saas.core import tenancy

    def broken_initializer(seed):
        raise RuntimeError("default data failed")

    monkeypatch.setattr(tenancy, "_initializers", [*tenancy._initializers, broken_initializer])
    before = footprint()
    # when
    result = public_api.execute(SIGNUP, {"input": signup_input()})
    # then
    assert result["data"] is None or result["data"]["signup"] is None
    assert result["errors"]
    assert footprint() == before


def test_existing_identity_with_its_password_gets_a_second_company(public_api, acme):
    result = public_api.execute(SIGNUP, {"input": signup_input(email="ADMIN@acme.example.com", slug="acme-two")})
    payload = result["data"]["signup"]
    assert payload["__typename"] == "SignupSuccess", payload
    assert payload["createdUser"] is False
    user = User.objects.get(email="admin@acme.example.com")
    assert sorted(user.memberships.values_list("tenant__schema_name", flat=True)) == ["acme", "acme-two"]


def test_slug_available_tells_why_not(public_api, acme):
    query = "query($slug: String!) { slugAvailable(slug: $slug) { slug available code message } }"
    free = public_api.execute(query, {"slug": "Brand-New"})["data"]["slugAvailable"]
    taken = public_api.execute(query, {"slug": "acme"})["data"]["slugAvailable"]
    reserved = public_api.execute(query, {"slug": "tenant_template"})["data"]["slugAvailable"]
    assert free == {"slug": "brand-new", "available": True, "code": None, "message": None}
    assert (taken["available"], taken["code"]) == (False, "slug_taken")
    assert (reserved["available"], reserved["code"]) == (False, "slug_invalid")


def test_template_schema_slug_is_refused_even_when_spelled_as_a_schema(public_api):
    result = public_api.execute(SIGNUP, {"input": signup_input(slug="tenant_template")})
    assert messages(result["data"]["signup"])["slug"] in {"slug_invalid", "slug_reserved"}


@override_settings(SIGNUP_RATE_PER_HOUR=2)
def test_signup_is_throttled_per_client_address(public_api):
    from django.core.cache import cache

    cache.clear()
    first = public_api.execute(SIGNUP, {"input": signup_input(slug="one-co")}, REMOTE_ADDR="10.9.9.9")
    second = public_api.execute(SIGNUP, {"input": signup_input(slug="two-co")}, REMOTE_ADDR="10.9.9.9")
    third = public_api.execute(SIGNUP, {"input": signup_input(slug="three-co")}, REMOTE_ADDR="10.9.9.9")
    other = public_api.execute(SIGNUP, {"input": signup_input(slug="four-co")}, REMOTE_ADDR="10.9.9.8")
    assert first["data"]["signup"]["__typename"] == "SignupSuccess"
    assert second["data"]["signup"]["__typename"] == "SignupSuccess"
    assert third["data"]["signup"]["messages"][0]["code"] == "throttled"
    assert other["data"]["signup"]["__typename"] == "SignupSuccess"
    cache.clear()


def test_messages_follow_the_requested_language(public_api):
    result = public_api.execute(SIGNUP, {"input": signup_input(slug="www")}, HTTP_ACCEPT_LANGUAGE="fr")
    message = result["data"]["signup"]["messages"][0]["message"]
    assert message == "Cette adresse est réservée."
