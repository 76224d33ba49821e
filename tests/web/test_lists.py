"""List pages: columns, text filter, tag filter, sort, pagination, total count, links to the record pages."""

import csv
import io
import re

import pytest

from tests.web import data
from web.app import lists


def names(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell"><a href="/records/[^"]+/">([^<]+)</a>', html)


@pytest.mark.parametrize("key", data.list_keys())
def test_every_list_renders_with_its_filters_every_column_and_every_sort(member, key):
    page = member.get(f"/{key}/")
    spec = data.list_spec(key)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{spec.title}</h1>" in html and f'href="/{key}/new/"' in html
    owner = re.search(r'<option value="([^"]+)">', html).group(1)
    every_column = [column.path for column in spec.columns]
    for sort in sorted(spec.sorts()):
        for direction in ("", "-"):
            params = {"sort": f"{direction}{sort}", "q": "zz", "tag": "vip", "owner": owner, "cols": every_column}
            assert member.get(f"/{key}/", params).status_code == 200
    assert member.get(f"/{key}/export.csv", {"cols": every_column}).status_code == 200


def test_unknown_list_is_404(member):
    assert member.get("/no-such-records/").status_code == 404


def test_accounts_filter_sort_tags_and_links(member, acme_admin_api):
    # given
    alpha = data.account(acme_admin_api, "Alpha Industries", billingCity="Lyon")
    data.account(acme_admin_api, "Beta Services", billingCity="Paris")
    data.account(acme_admin_api, "Gamma Alpha", billingCity="Nantes")
    data.tag(acme_admin_api, alpha["id"], "vip")
    # when / then: sorted by name, with the count, a link to each record page and the tags
    html = member.get("/accounts/").content.decode()
    assert names(html) == ["Alpha Industries", "Beta Services", "Gamma Alpha"]
    assert "3 records" in html and "1–3 of 3" in html
    assert f'href="/records/{alpha["id"]}/"' in html and ">vip</a>" in html
    assert names(member.get("/accounts/", {"sort": "-name"}).content.decode())[0] == "Gamma Alpha"
    assert names(member.get("/accounts/", {"q": "alpha"}).content.decode()) == ["Alpha Industries", "Gamma Alpha"]
    assert names(member.get("/accounts/", {"q": "paris"}).content.decode()) == ["Beta Services"]
    assert names(member.get("/accounts/", {"tag": "vip"}).content.decode()) == ["Alpha Industries"]
    assert names(member.get("/accounts/", {"tag": "vip", "q": "gamma"}).content.decode()) == []


def test_pagination_goes_forward_and_back(member, acme_admin_api, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    for name in ("A1", "A2", "A3", "A4", "A5"):
        data.account(acme_admin_api, name)
    first = member.get("/accounts/").content.decode()
    assert names(first) == ["A1", "A2"] and "1–2 of 5" in first
    after = re.search(r'href="\?after=([^"&]+)"', first).group(1)
    second = member.get(f"/accounts/?after={after}").content.decode()
    assert names(second) == ["A3", "A4"] and "3–4 of 5" in second
    before = re.search(r'href="\?before=([^"&]+)"', second).group(1)
    assert names(member.get(f"/accounts/?before={before}").content.decode()) == ["A1", "A2"]


def test_htmx_filter_answers_the_content_without_the_shell(member, acme_admin_api):
    data.account(acme_admin_api, "Delta")
    response = member.get("/accounts/", {"q": "del"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="list-results"' in html and names(html) == ["Delta"]
    assert "<aside" not in html and "<html" not in html


def test_quotes_and_invoices_show_amounts_statuses_and_accounts(member, acme_admin_api):
    customer = data.account(acme_admin_api, "Invoiced Co", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    html = member.get("/invoices/").content.decode()
    assert "Invoiced Co" in html and "1,980.60 €" in html and ">Issued<" in html and ">Overdue<" in html
    assert member.get("/invoices/", {"q": "invoiced"}).status_code == 200


def header(html: str) -> list[str]:
    thead = html.split("<thead", 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)][1:]


def test_chosen_columns_replace_the_default_ones(member, acme_admin_api):
    data.account(acme_admin_api, "Columned", siren="732829320", billingCity="Lyon")
    assert header(member.get("/accounts/").content.decode()) == ["Name", "Number", "City", "Phone", "Email", "Tags"]
    html = member.get("/accounts/", {"cols": ["siren", "owner", "no-such-field"]}).content.decode()
    assert header(html) == ["Name", "SIREN", "Owner", "Tags"]
    assert "732829320" in html and "admin@acme.example.com" in html


def test_owner_filter_and_bulk_assign_tag_delete(member, acme_admin_api):
    # given
    first = data.account(acme_admin_api, "Bulk One")
    second = data.account(acme_admin_api, "Bulk Two")
    data.account(acme_admin_api, "Bulk Three")
    html = member.get("/accounts/").content.decode()
    me = re.search(r'<option value="([^"]+)">', html).group(1)
    # when: tag two of them
    response = member.post("/accounts/bulk/", {"action": "tag", "tag": "Hot", "ids": [first["id"], second["id"]],
                                               "query": "sort=-name"})
    # then: back to the list as it was, with the outcome
    assert response.status_code == 302 and response["Location"] == "/accounts/?sort=-name"
    page = member.get(response["Location"]).content.decode()
    assert "2 records tagged." in page
    assert names(member.get("/accounts/", {"tag": "hot"}).content.decode()) == ["Bulk One", "Bulk Two"]
    # the owner filter: all are mine
    assert len(names(member.get("/accounts/", {"owner": me}).content.decode())) == 3
    member.post("/accounts/bulk/", {"action": "assign", "owner": me, "ids": [first["id"]]})
    # delete
    member.post("/accounts/bulk/", {"action": "delete", "ids": [second["id"]]})
    assert names(member.get("/accounts/").content.decode()) == ["Bulk One", "Bulk Three"]


def test_a_refused_bulk_action_says_why_and_changes_nothing(member, acme_admin_api):
    customer = data.account(acme_admin_api, "Keeps Invoice", **data.ADDRESS)
    invoice = data.issued_invoice(acme_admin_api, customer["id"])
    response = member.post("/invoices/bulk/", {"action": "delete", "ids": [invoice]}, follow=True)
    html = response.content.decode()
    assert "cannot be deleted" in html and "1 record" in html
    nothing = member.post("/invoices/bulk/", {"action": "", "ids": []}, follow=True).content.decode()
    assert "Select records and an action." in nothing


def test_saved_views_remember_filters_columns_and_sort(member, acme_admin_api):
    data.account(acme_admin_api, "Lyon Saved", billingCity="Lyon")
    data.account(acme_admin_api, "Paris Saved", billingCity="Paris")
    # when: the current view is saved
    response = member.post("/accounts/saved-filters/", {"name": "Lyon only", "q": "lyon", "cols": ["siren"],
                                                        "sort": "-name"})
    # then: back on the view, listed among the saved views
    assert response.status_code == 302
    assert response["Location"] == "/accounts/?q=lyon&cols=siren&sort=-name"
    html = member.get(response["Location"]).content.decode()
    assert names(html) == ["Lyon Saved"] and header(html) == ["Name", "SIREN", "Tags"]
    saved = re.search(r'<span class="chip saved active"><a href="\?([^"]+)">Lyon only</a>', html)
    assert saved and saved.group(1) == "q=lyon&amp;cols=siren&amp;sort=-name"
    # forgotten
    saved_id = re.search(r'name="id" value="([^"]+)"', html).group(1)
    member.post("/accounts/saved-filters/delete/", {"id": saved_id})
    assert "Lyon only" not in member.get("/accounts/").content.decode()
    refused = member.post("/accounts/saved-filters/", {"name": ""}, follow=True).content.decode()
    assert "1 to 60 characters" in refused


def test_csv_export_pages_through_the_filtered_list_with_localized_headers(member, acme_admin_api, monkeypatch):
    from web.app import list_actions

    monkeypatch.setattr(list_actions, "EXPORT_PAGE", 2)
    for name in ("Csv A", "Csv B", "Csv C", "Csv D", "Csv E", "Other"):
        data.account(acme_admin_api, name, billingCity="Lyon")
    response = member.get("/accounts/export.csv", {"q": "csv", "sort": "-name", "cols": ["billingCity", "owner"]})
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0] == "Name,City,Owner" and lines[1].endswith(",Lyon,admin@acme.example.com")
    assert [line.split(",")[0] for line in lines[1:]] == ["Csv E", "Csv D", "Csv C", "Csv B", "Csv A"]
    member.post("/i18n/setlang/", {"language": "fr"})
    french = b"".join(member.get("/invoices/export.csv").streaming_content).decode().lstrip("\ufeff")
    assert ",Compte,Date d'émission," in french.splitlines()[0]


def test_csv_export_neutralises_formula_cells_and_keeps_numbers(member, acme_admin_api):
    for name, city in (("=HYPERLINK(\"http://evil\")", "+33 1"), ("@SUM(A1)", "-2+3"), ("Tab\tCorp", "\tLyon")):
        data.account(acme_admin_api, name, billingCity=city)
    data.account(acme_admin_api, "-12.50", billingCity="Paris")
    response = member.get("/accounts/export.csv", {"sort": "name", "cols": ["billingCity"]})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    cells = {row[0]: row[1] for row in rows[1:]}
    assert cells["'=HYPERLINK(\"http://evil\")"] == "'+33 1"
    assert cells["'@SUM(A1)"] == "'-2+3"
    assert cells["Tab\tCorp"] == "'\tLyon"
    assert cells["-12.50"] == "Paris"


def test_list_page_sql_queries_do_not_grow_with_rows(member, acme_admin_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member.get("/invoices/", {"cols": columns}).status_code == 200
        return len(queries)

    member.get("/invoices/")
    columns = [c.path for c in data.list_spec("invoices").columns]
    customer = data.account(acme_admin_api, "Counted", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    few = count()
    for _ in range(3):
        data.issued_invoice(acme_admin_api, customer["id"])
    assert count() == few
    # The module's custom-field definitions are read once, in the list's own operation, for the columns and the
    # rows' values: one query above the bound before custom fields (23 when another operation read them again).
    assert few <= 21


@pytest.mark.parametrize("params", [{"owner": "x"}, {"q": "\x00"}, {"tag": "\x00"}, {"owner": "\x00"},
                                    {"after": "garbage"}],
                         ids=["malformed owner", "NUL in text", "NUL in tag", "NUL in owner", "not a cursor"])
def test_malformed_list_parameters_answer_the_400_page(member, params):
    response = member.get("/accounts/", params)
    assert response.status_code == 400
