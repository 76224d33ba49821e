"""Every page of the web app renders for a member (tenant host) or a visitor (public host)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web import data
from tests.web.test_mailing_pages import welcome_template
from tests.web.test_workflow_import_pages import dry_run_import, saved_workflow

SKIPPED = {
    # not pages: actions (POST), files, the API, health checks, the language switch, one-time links
    "logout", "tenant-switch", "tenant-switch-login", "document-download", "set_language", "healthz",
    "record-list-bulk", "saved-filter-save", "saved-filter-delete",
    "record-action", "password-change", "record-documents", "record-workflow-run", "my-api-tokens-revoke-all",
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
    workflow = saved_workflow(acme_admin_api)
    profile = acme_admin_api.execute("{ profiles { id } }")["data"]["profiles"][0]["id"]
    email_template = welcome_template(acme_admin_api)
    return {
        "tenant-home": ["/"],
        "login": ["/login/"],
        "preferences": ["/preferences/"],
        "invitation": ["/invitation/MQ.not-a-token/"],
        "password-reset": ["/password-reset/", "/password-reset/?email=someone%40example.com"],
        "password-reset-confirm": ["/password-reset/MQ.not-a-token/"],
        "settings-users": ["/settings/users/"],
        "settings-roles": ["/settings/roles/"],
        "settings-profiles": ["/settings/profiles/"],
        "settings-profile": [f"/settings/profiles/{profile}/"],
        "settings-sharing": ["/settings/sharing/"],
        "settings-teams": ["/settings/teams/"],
        "settings-company": ["/settings/company/"],
        "settings-numbering": ["/settings/numbering/"],
        "settings-layouts": [f"/settings/layouts/?module={key}" for key in ("accounts", "invoices", "leads")],
        "settings-custom-fields": ["/settings/custom-fields/", "/settings/custom-fields/?module=deals"],
        "settings-tags": ["/settings/tags/"],
        "settings-api-tokens": ["/settings/api-tokens/"],
        "settings-lead-conversion": ["/settings/lead-conversion/"],
        "settings-event-log": ["/settings/event-log/", "/settings/event-log/?kind=LOGIN&from=2026-01-01&to=2026-12-31"],
        "settings-planner": ["/settings/planner/"],
        "settings-workflows": ["/settings/workflows/", "/settings/workflows/?module=invoices"],
        "settings-workflow-new": ["/settings/workflows/new/", "/settings/workflows/new/?module=deals"],
        "settings-workflow-edit": [f"/settings/workflows/{workflow}/"],
        "settings-workflow-runs": [f"/settings/workflows/{workflow}/runs/"],
        "settings-email-templates": ["/settings/email-templates/", "/settings/email-templates/?module=invoices"],
        "settings-email-template-new": ["/settings/email-templates/new/",
                                        "/settings/email-templates/new/?module=invoices"],
        "settings-email-template-edit": [f"/settings/email-templates/{email_template}/"],
        "settings-smtp": ["/settings/email/"],
        "record-import": ["/contacts/import/", "/accounts/import/"],
        "import": [f"/imports/{dry_run_import(acme_admin_api)}/"],
        "search": ["/search/", "/search/?q=every"],
        "record-list": [f"/{key}/" for key in data.list_keys()],
        "record-list-export": [f"/{key}/export.csv" for key in data.list_keys()],
        "record": [f"/records/{record}/" for record in (account["id"], invoice)],
        "record-tab": [f"/records/{record}/tabs/{tab}/" for record in (account["id"], invoice)
                       for tab in ("summary", "details", "history")] + [f"/records/{invoice}/tabs/entries/"],
        "record-comments": [f"/records/{invoice}/comments/?rollup=1"],
        "record-preview": [f"/records/{invoice}/preview/"],
        "record-new": [f"/{key}/new/" for key in data.form_keys()],
        "record-edit": [f"/records/{record}/edit/" for record in (account["id"], invoice)],
        "record-lines": [f"/records/{invoice}/lines/"],
        "record-payment": [f"/records/{invoice}/payment/"],
        "record-email": [f"/records/{invoice}/email/"],
        "record-email-send": [f"/records/{record}/send-email/" for record in (account["id"], invoice)],
        "form-quick": ["/accounts/quick-create/?field=accountId", "/products/quick-create/?field=itemId"],
        "form-lookup": ["/lookup/accounts/?q=every", "/lookup/items/?q=widget"],
        "entry-new": ["/journal-entries/new/"],
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
