"""What production shows a stranger: the product's own error pages in French and English, no GraphiQL, the
platform admin on the public host for platform staff only, no field suggestions for anonymous GraphQL calls."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from tenants import selectors, services
from tenants.models import Membership, User
from tests.conftest import PASSWORD, GraphQLClient
from web import errors

PAGES = {
    "en": {400: "Bad request", 403: "Access denied", 404: "Page not found", 500: "Something went wrong"},
    "fr": {400: "Requête incorrecte", 403: "Accès refusé", 404: "Page introuvable", 500: "Une erreur est survenue"},
}
CSRF_TITLE = {"en": "The form has expired", "fr": "Le formulaire a expiré"}


def product_page(response, status: int, language: str, title: str | None = None) -> str:
    """The body of one of the product's error pages (not Django's), in that language."""
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert f'data-error="{status}"' in html and f'<html lang="{language}">' in html, html[:300]
    assert f"<h1>{title or PAGES[language][status]}</h1>" in html, html
    return html


@pytest.fixture(autouse=True)
def production():
    with override_settings(DEBUG=False):
        yield


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_missing_page_is_the_products_own_404_on_every_host(acme, language):
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    product_page(browser.get("/no/such/page/", HTTP_HOST=acme.host), 404, language)
    product_page(browser.get("/no-such-page/", HTTP_HOST="localhost"), 404, language)
    # an unknown host is refused before the tenant and the language are known
    product_page(browser.get("/", HTTP_HOST="nobody.localhost"), 404, language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_malformed_request_gets_the_products_400(acme, language):
    # more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses the request as suspicious
    fields = {f"field{number}": "x" for number in range(1200)}
    response = Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE=language).post("/login/", fields)
    product_page(response, 400, language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_forbidden_page_and_a_stale_form_get_the_products_403(acme, language):
    plain = User.objects.create_user("plain@acme.example.com", PASSWORD, language=language)
    Membership.objects.create(user=plain, tenant=selectors.tenant_get(slug="acme"))
    browser = Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE=language)
    assert browser.post("/login/", {"email": plain.email, "password": PASSWORD}).status_code == 302
    product_page(browser.get("/settings/planner/"), 403, language)
    stale = Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)
    product_page(stale.post("/login/", {"email": plain.email, "password": PASSWORD}), 403, language,
                 CSRF_TITLE[language])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_unexpected_error_is_the_products_500(acme, language, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("web.gql.run", broken)
    browser = Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    html = product_page(browser.post("/login/", {"email": "x@example.com", "password": "x"}), 500, language)
    assert "boom" not in html and "Traceback" not in html


def test_the_500_page_renders_without_the_database_or_a_request_context():
    # No `db` fixture: pytest-django refuses any database access here. A bare request, as when the failure
    # came before any middleware ran.
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="fr")
    product_page(errors.server_error(request), 500, "fr")


def graphiql(host: str):
    return Client().get("/graphql/", HTTP_HOST=host, HTTP_ACCEPT="text/html,application/xhtml+xml")


def test_graphiql_is_off_without_debug(acme):
    for host in (acme.host, "localhost"):
        response = graphiql(host)
        assert response.status_code == 404, host
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "graphiql" not in response.content.decode().lower()
    with override_settings(DEBUG=True):
        assert "graphiql" in graphiql(acme.host).content.decode().lower()


def test_the_admin_answers_on_the_public_host_only_and_to_platform_staff_only(acme):
    operator = User.objects.create_user("operator@example.com", PASSWORD, is_staff=True, language="en")
    Membership.objects.create(user=operator, tenant=selectors.tenant_get(slug="acme"))
    # anonymous on the public host: the admin's login page
    assert Client().get("/admin/", HTTP_HOST="localhost")["Location"].startswith("/admin/login/")
    # a person who is not platform staff cannot log into it (an acme admin here)
    outsider = Client(HTTP_HOST="localhost")
    refused = outsider.post("/admin/login/?next=/admin/", {"username": acme.admin_email, "password": PASSWORD})
    assert refused.status_code == 200 and "staff account" in refused.content.decode()
    assert outsider.get("/admin/")["Location"].startswith("/admin/login/")
    # platform staff can
    staff = Client(HTTP_HOST="localhost")
    assert staff.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
                      ).status_code == 302
    assert staff.get("/admin/").status_code == 200
    # on a tenant's host there is no admin, for anyone
    member = Client(HTTP_HOST=acme.host)
    assert member.post("/login/", {"email": operator.email, "password": PASSWORD}).status_code == 302
    for path in ("/admin/", "/admin/login/", "/admin/tenants/tenant/", "/admin"):
        for browser in (Client(HTTP_HOST=acme.host), member):
            product_page(browser.get(path, HTTP_ACCEPT_LANGUAGE="en"), 404, "en")


def test_the_admins_login_is_throttled_like_the_tenants_login(db, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    cache.clear()
    operator = User.objects.create_user("operator@example.com", PASSWORD, is_staff=True, language="en")
    browser = Client(HTTP_HOST="localhost")
    for _attempt in range(2):
        wrong = browser.post("/admin/login/", {"username": operator.email, "password": "wrong"})
        assert wrong.status_code == 200 and "staff account" in wrong.content.decode()
    locked = browser.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    assert locked.status_code == 200 and "Too many failed attempts" in locked.content.decode()
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")
    cache.clear()


TYPO = "{ mee { user { email } } }"


def test_anonymous_graphql_calls_get_no_field_suggestions(acme, acme_admin_api):
    anonymous = GraphQLClient(acme.host).execute(TYPO)
    public = GraphQLClient("localhost").execute('{ slugAvailabl(slug: "free") { available } }')
    argument = GraphQLClient(acme.host).execute("{ apiTokenEvents(fist: 1) { at } }")
    for result in (anonymous, public, argument):
        [error] = result["errors"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "Did you mean" not in error["message"], error
    assert anonymous["errors"][0]["message"] == "Cannot query field 'mee' on type 'Query'."
    # members may introspect the schema anyway: they get the suggestion (the document is cached in between)
    member = acme_admin_api.execute(TYPO)
    assert member["errors"][0]["message"] == "Cannot query field 'mee' on type 'Query'. Did you mean 'me'?"
    assert GraphQLClient(acme.host).execute(TYPO)["errors"][0]["message"] == anonymous["errors"][0]["message"]


def test_anonymous_calls_get_no_type_suggestion_either(acme, acme_admin_api):
    query = "query($s: Strin) { __typename }"
    anonymous = {error["message"] for error in GraphQLClient(acme.host).execute(query)["errors"]}
    member = {error["message"] for error in acme_admin_api.execute(query)["errors"]}
    assert "Unknown type 'Strin'." in anonymous and not any("Did you mean" in message for message in anonymous)
    assert "Unknown type 'Strin'. Did you mean 'String'?" in member


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_suspended_companys_pages_are_the_products_403(acme, language):
    services.tenant_set_status(tenant=selectors.tenant_get(slug="acme"), status="suspended")
    html = product_page(Client(HTTP_ACCEPT_LANGUAGE=language).get("/", HTTP_HOST=acme.host), 403, language,
                        {"en": "Account suspended", "fr": "Compte suspendu"}[language])
    assert {"en": "Contact support", "fr": "Contactez le support"}[language] in html
    api = GraphQLClient(acme.host).post("{ __typename }", HTTP_ACCEPT_LANGUAGE=language).json()
    assert api["errors"][0]["extensions"]["code"] == "TENANT_SUSPENDED"
