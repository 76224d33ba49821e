"""The home page's dashboard: sales this month, overdue invoices, pipeline by stage, my activities."""

import re

from django.db import connection
from django.utils import timezone

from saas.sales.selectors import invoice_sales_by_month
from tests.web import data

DASHBOARD = """query { dashboard { salesByMonth(months: 3) { month amount } overdueInvoices { count amountDue }
  myActivities { overdue today later undated } } }"""
DEAL = """mutation($input: DealInput!) { dealCreate(input: $input) { __typename } }"""
ACTIVITY = """mutation($input: ActivityInput!) { activityCreate(input: $input) { __typename } }"""


def test_dashboard_query_sums_issued_invoices_and_overdue_ones(acme_admin_api):
    # given: an invoice issued on 2 March 2026 (due 30 days later, so overdue from April on), and a draft
    customer = data.account(acme_admin_api, "Dashboard Co", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    acme_admin_api.execute(data.INVOICE_CREATE, {"a": customer["id"]})
    # when
    figures = acme_admin_api.execute(DASHBOARD)["data"]["dashboard"]
    # then: three months ending with this one; the overdue amount is the invoice's total incl. VAT
    months = figures["salesByMonth"]
    assert len(months) == 3 and months[-1]["month"] == timezone.localdate().replace(day=1).isoformat()
    assert figures["overdueInvoices"] == {"count": 1, "amountDue": "1980.60"}
    assert figures["myActivities"] == {"overdue": 0, "today": 0, "later": 0, "undated": 0}


def test_sales_by_month_counts_issued_invoices_by_month_of_issue(acme, acme_admin_api, acme_admin):
    customer = data.account(acme_admin_api, "Monthly Co", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    connection.set_schema("acme")
    months = invoice_sales_by_month(actor=acme_admin, months=2, today=timezone.datetime(2026, 3, 15).date())
    assert [(month.isoformat(), str(amount)) for month, amount in months] == [
        ("2026-02-01", "0.00"), ("2026-03-01", "1650.50")]


def test_home_page_draws_the_widgets(member, acme_admin_api):
    # given
    customer = data.account(acme_admin_api, "Piped Co", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    assert acme_admin_api.execute(DEAL, {"input": {"name": "Big deal", "accountId": customer["id"],
                                                   "amount": "5000"}})["data"]["dealCreate"][
        "__typename"] == "Deal"
    past = (timezone.now() - timezone.timedelta(days=2)).isoformat()
    assert acme_admin_api.execute(ACTIVITY, {"input": {"subject": "Call back", "recordIds": [customer["id"]],
                                                       "dueAt": past}})["data"]["activityCreate"]["__typename"] == \
        "Activity"
    # when
    html = member.get("/").content.decode()
    # then
    for widget in ("widget-sales", "widget-overdue", "widget-pipeline", "widget-activities"):
        assert f'id="{widget}"' in html
    assert html.count('<svg class="chart"') == 2
    assert "1,980.60 €" in html  # overdue amount
    assert re.search(r"<title>Prospecting: 5,000.00</title>", html)
    assert "Call back" in html


def test_live_search_answers_a_dropdown_and_the_full_page_lists_all(member, acme_admin_api):
    account = data.account(acme_admin_api, "Livesearch Widgets")
    live = member.get("/search/", {"q": "livesearch", "live": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'<a href="/records/{account["id"]}/"><span>Livesearch Widgets</span>' in live
    assert "<aside" not in live and 'href="/search/?q=livesearch"' in live
    assert member.get("/search/", {"q": "", "live": "1"}, HTTP_HX_REQUEST="true").content.decode().strip() == ""
    page = member.get("/search/", {"q": "livesearch"}).content.decode()
    assert "Livesearch Widgets" in page and "<aside" in page
