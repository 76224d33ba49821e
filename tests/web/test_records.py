"""The record page of any record type: header, Summary, Details, Updates, related tabs, comments."""

import re

import pytest
from strawberry.relay import to_base64

from tests.web import data

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def customer(acme_admin_api) -> dict:
    account = data.account(acme_admin_api, "Invoiced Co", phone="+33 1 00 00 00 00", **data.ADDRESS)
    data.tag(acme_admin_api, account["id"], "key account")
    return account


def test_header_summary_and_tabs_with_counts(member, acme_admin_api, customer):
    data.issued_invoice(acme_admin_api, customer["id"])
    data.comment(acme_admin_api, customer["id"], "Prefers bank transfers")
    html = member.get(f"/records/{customer['id']}/").content.decode()
    assert "<h1>Invoiced Co</h1>" in html and ">key account</span>" in html
    header = html[html.index('class="header-fields"'):html.index("</dl>")]
    assert "<dt>Number</dt><dd>ACC-" in header and "<dt>Billing city</dt><dd>Lyon</dd>" in header
    assert "<dt>Payment terms (days)</dt><dd>30</dd>" in html  # a key field
    assert "Prefers bank transfers" in html
    tabs = dict(re.findall(r'data-tab="(\w+)">\s*([^<]+?)\s*(?:<span class="count">\d+</span>)?\s*</a>', html))
    assert list(tabs)[:4] == ["summary", "details", "history", "contacts"]
    assert re.search(r'data-tab="invoices">\s*Invoices <span class="count">1</span>', html)
    assert 'href="/accounts/"' in html  # the eyebrow leads back to the list


def test_details_tab_shows_the_layout_blocks(member, customer):
    fragment = member.get(f"/records/{customer['id']}/tabs/details/", **HTMX).content.decode()
    assert "<h2>Billing address</h2>" in fragment
    assert re.search(r"<dt>Billing street</dt><dd>1 rue de la Paix", fragment)
    assert "<html" not in fragment
    page = member.get(f"/records/{customer['id']}/?tab=details").content.decode()
    assert "<h2>Billing address</h2>" in page and "<h1>Invoiced Co</h1>" in page


def test_invoice_details_end_with_the_line_items_and_totals(member, acme_admin_api, customer):
    invoice = data.issued_invoice(acme_admin_api, customer["id"])
    html = member.get(f"/records/{invoice}/tabs/details/").content.decode()
    assert "<h2>Line items</h2>" in html
    assert "<td>Installation</td>" in html and "<td>Training day</td>" in html
    assert "VAT 20 % on 1,650.50" in html and "1,980.60 €" in html
    assert f'<a href="/records/{customer["id"]}/">Invoiced Co</a>' in html


def test_updates_tab_says_who_changed_what(member, acme_admin_api, customer, acme):
    data.account_update(acme_admin_api, customer, phone="+33 4 72 00 00 00")
    html = member.get(f"/records/{customer['id']}/tabs/history/").content.decode()
    assert ">Updated</span>" in html and ">Created</span>" in html
    change = re.search(r"<tr><th>Phone</th><td class=\"old\">([^<]+)</td>.*?<td class=\"new\">([^<]+)</td>", html)
    assert change.groups() == ("+33 1 00 00 00 00", "+33 4 72 00 00 00")
    assert acme.admin_email in html


def test_related_tabs_drill_down_to_the_accounting_entries(member, acme_admin_api, customer):
    invoice = data.issued_invoice(acme_admin_api, customer["id"])
    invoices = member.get(f"/records/{customer['id']}/tabs/invoices/", **HTMX).content.decode()
    assert f'href="/records/{invoice}/"' in invoices and "1 record" in invoices
    entries = member.get(f"/records/{invoice}/?tab=entries").content.decode()
    entry = re.search(r'<td class="title-cell"><a href="/records/([^"]+)/"', entries).group(1)
    lines = member.get(f"/records/{entry}/tabs/details/").content.decode()
    assert "<h2>Entry lines</h2>" in lines and "411100" in lines and "1,980.60" in lines


def test_a_related_row_opens_a_preview_with_details_and_edit(member, acme_admin_api, customer):
    invoice = data.issued_invoice(acme_admin_api, customer["id"])
    invoices = member.get(f"/records/{customer['id']}/tabs/invoices/", **HTMX).content.decode()
    assert f'hx-get="/records/{invoice}/preview/"' in invoices
    preview = member.get(f"/records/{invoice}/preview/", **HTMX).content.decode()
    assert preview.startswith("<dialog") and "Line items" in preview and "1,980.60" in preview
    assert f'href="/records/{invoice}/edit/"' in preview and f'href="/records/{invoice}/"' in preview


@pytest.mark.parametrize("record_id", ["nonsense", to_base64("Account", "acme.999999")])
def test_the_preview_of_a_record_one_cannot_see_is_404(member, record_id):
    assert member.get(f"/records/{record_id}/preview/", **HTMX).status_code == 404


def test_a_relation_the_api_does_not_list_says_so(member, customer):
    html = member.get(f"/records/{customer['id']}/tabs/leads/").content.decode()
    assert "cannot be listed here yet" in html


def test_unknown_tab_is_404(member, customer):
    assert member.get(f"/records/{customer['id']}/tabs/nonsense/").status_code == 404


def test_add_a_comment_with_htmx(member, customer):
    response = member.post(f"/records/{customer['id']}/comments/", {"body": "Called them today"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card comments" id="comments">')
    assert "Called them today" in html and '<span class="count">1</span>' in html
    assert "Called them today" in member.get(f"/records/{customer['id']}/").content.decode()


def test_an_empty_comment_is_refused_on_the_form(member, customer):
    response = member.post(f"/records/{customer['id']}/comments/", {"body": "  "}, **HTMX)
    assert response.status_code == 400
    assert "Write something." in response.content.decode()


def test_without_javascript_a_comment_returns_to_the_page(member, customer):
    response = member.post(f"/records/{customer['id']}/comments/", {"body": "Plain form"})
    assert response.status_code == 302 and response["Location"] == f"/records/{customer['id']}/"


def test_roll_up_shows_where_each_comment_was_posted(member, acme_admin_api, customer):
    invoice = data.issued_invoice(acme_admin_api, customer["id"])
    data.comment(acme_admin_api, customer["id"], "Pays late, call first")
    off = member.get(f"/records/{invoice}/comments/", {"rollup": "0"}, **HTMX).content.decode()
    assert "Pays late" not in off
    on = member.get(f"/records/{invoice}/comments/", {"rollup": "1"}, **HTMX).content.decode()
    assert "Pays late, call first" in on
    assert f'on <a href="/records/{customer["id"]}/">Account Invoiced Co</a>' in on
    assert "checked" in on


@pytest.mark.parametrize("record_id", [
    to_base64("Account", "acme.999999"),  # no such account
    to_base64("Account", "globex.1"),  # minted by another tenant
    "not-a-global-id",
    to_base64("NoSuchType", "acme.1"),
    to_base64("Tag", "acme.1"),  # a node, not a record
])
def test_a_record_one_cannot_see_is_404(member, record_id):
    assert member.get(f"/records/{record_id}/").status_code == 404
    assert member.get(f"/records/{record_id}/tabs/details/").status_code == 404


def test_record_page_without_session_goes_to_login(visitor, customer):
    response = visitor.get(f"/records/{customer['id']}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=%2Frecords%2F")


def test_files_uploaded_on_the_summary_become_documents_of_the_record(member, acme_admin_api, customer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile("brief.txt", b"The brief.", content_type="text/plain"),
             SimpleUploadedFile("plan.txt", b"The plan.", content_type="text/plain")]
    response = member.post(f"/records/{customer['id']}/documents/", {"files": files})
    assert response.status_code == 302 and response["Location"] == f"/records/{customer['id']}/"
    page = member.get(response["Location"]).content.decode()
    assert "2 documents added." in page and "brief.txt" in page and "plan.txt" in page
    documents = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Account {
      documents { totalCount } } } }""", {"id": customer["id"]})
    assert documents["data"]["node"]["documents"]["totalCount"] == 2


def test_uploading_onto_a_record_one_cannot_see_is_refused(member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member.post(f"/records/{to_base64('Account', 'acme.999999')}/documents/",
                           {"files": [SimpleUploadedFile("x.txt", b"x", content_type="text/plain")]})
    page = member.get(response["Location"]) if response.status_code == 302 else response
    assert page.status_code == 404
