"""List pages: columns, text filter, tag filter, sort, pagination, total count, links to the record pages."""

import re

import pytest

from tests.web import data
from web.app import lists


def names(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell"><a href="/records/[^"]+/">([^<]+)</a>', html)


@pytest.mark.parametrize("key", list(lists.LISTS))
def test_every_list_renders_with_its_filter_and_every_sort(member, key):
    spec = lists.LISTS[key]
    page = member.get(f"/{key}/")
    assert page.status_code == 200
    assert f"<h1>{spec.title}</h1>" in page.content.decode()
    for sort in sorted(spec.sorts()):
        for direction in ("", "-"):
            params = {"sort": f"{direction}{sort}", "q": "zz", "tag": "vip"} if spec.filters else {
                "sort": f"{direction}{sort}"}
            assert member.get(f"/{key}/", params).status_code == 200


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
