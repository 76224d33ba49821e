"""The public host: landing page, signup with a live subdomain check, errors on the fields."""

import pytest

from tests.conftest import PASSWORD


def test_landing_page_has_the_signup_form(public_visitor):
    response = public_visitor.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("companyName", "slug", "email", "password", "language"):
        assert f'name="{name}"' in html
    assert 'hx-get="/signup/slug/"' in html and ".localhost</span>" in html


@pytest.mark.parametrize(("slug", "answer"), [
    ("brand-new", "brand-new.localhost is available"),
    ("acme", "This address is already taken."),
    ("admin", "This address is reserved."),
    ("A b", "3 to 40 lowercase letters"),
])
def test_live_subdomain_check(public_visitor, slug, answer):
    response = public_visitor.get("/signup/slug/", {"slug": slug}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and answer in response.content.decode()


def test_errors_are_shown_on_the_fields_and_what_was_typed_stays(public_visitor):
    response = public_visitor.post("/signup/", {"companyName": "Initech", "slug": "acme", "language": "fr",
                                                "email": "bill@initech.example", "password": "short"})
    assert response.status_code == 400
    html = response.content.decode()
    slug_field = html[html.index('id="id_slug"'):html.index('id="id_email"')]
    assert "This address is already taken." in slug_field
    assert 'value="Initech"' in html and 'value="acme"' in html and 'value="bill@initech.example"' in html
    assert '<option value="fr" selected>' in html
    assert 'type="password" value=' not in html  # a password is never sent back


def test_signup_redirects_to_the_new_company_login(public_visitor):
    response = public_visitor.post("/signup/", {"companyName": "Initech", "slug": "initech", "language": "en",
                                                "email": "bill@initech.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "http://initech.localhost/login/?email=bill%40initech.example"
    login = public_visitor.get("/login/?email=bill%40initech.example", HTTP_HOST="initech.localhost")
    assert 'value="bill@initech.example"' in login.content.decode()
    logged_in = public_visitor.post("/login/", {"email": "bill@initech.example", "password": PASSWORD},
                                    HTTP_HOST="initech.localhost")
    assert logged_in.status_code == 302
    assert "Initech" in public_visitor.get("/", HTTP_HOST="initech.localhost").content.decode()
