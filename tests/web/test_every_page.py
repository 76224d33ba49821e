"""Every page of the web app renders for a member (tenant host) or a visitor (public host)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web import data
from web.app import lists

SKIPPED = {
    # not pages: actions (POST), files, the API, health checks, the language switch, one-time links
    "logout", "tenant-switch", "tenant-switch-login", "document-download", "set_language", "healthz",
}


def web_url_names(urlconf: str) -> set[str]:
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.callback.__module__.startswith("web."):
                yield pattern.name

    return set(walk(get_resolver(urlconf).url_patterns)) - SKIPPED


@pytest.fixture
def pages(acme_admin_api) -> dict[str, list[str]]:
    account = data.account(acme_admin_api, "Every Page Co", **data.ADDRESS)
    invoice = data.issued_invoice(acme_admin_api, account["id"])
    return {
        "tenant-home": ["/"],
        "login": ["/login/"],
        "preferences": ["/preferences/"],
        "search": ["/search/", "/search/?q=every"],
        "record-list": [f"/{key}/" for key in lists.LISTS],
        "record": [f"/records/{record}/" for record in (account["id"], invoice)],
        "record-tab": [f"/records/{record}/tabs/{tab}/" for record in (account["id"], invoice)
                       for tab in ("summary", "details", "history")] + [f"/records/{invoice}/tabs/entries/"],
        "record-comments": [f"/records/{invoice}/comments/?rollup=1"],
    }


def test_every_tenant_page_renders(member, pages):
    assert set(pages) == web_url_names("saas.urls_tenant"), "a page of the web app is not rendered by this test"
    for urls in pages.values():
        for url in urls:
            response = member.get(url)
            assert response.status_code == 200, url


def test_every_public_page_renders(public_visitor):
    pages = {"public-home": "/", "signup": "/signup/", "signup-slug": "/signup/slug/?slug=free-one"}
    assert set(pages) == web_url_names("saas.urls_public")
    for url in pages.values():
        assert public_visitor.get(url).status_code == 200, url


def test_search_finds_records_across_types(member, acme_admin_api):
    account = data.account(acme_admin_api, "Searchable Widgets")
    html = member.get("/search/", {"q": "searchable"}).content.decode()
    assert f'<a href="/records/{account["id"]}/">Searchable Widgets</a>' in html


def test_pages_are_translated_in_french(member):
    member.post("/i18n/setlang/", {"language": "fr"})
    html = member.get("/accounts/").content.decode()
    assert '<html lang="fr">' in html
