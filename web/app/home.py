"""The home page (the dashboard) and the global search (the full results page and the live dropdown)."""

from datetime import date

from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from web import gql
from web.app.charts import bar_chart
from web.app.labels import enum_label
from web.app.pages import member_page, render_page
from web.templatetags.web import money

LIVE_RESULTS = 8


@member_page
def home(request):
    """Sales of the last months, overdue invoices, the deal pipeline and my activities, from one operation."""
    data = gql.run(request, "Dashboard", {"months": 6})
    dashboard = data["dashboard"]
    months = dashboard["salesByMonth"]
    open_stages = [stage for stage in data["dealPipeline"] if stage["stage"] not in ("WON", "LOST")]
    return render_page(request, "web/app/home.html", {
        "dashboard": dashboard, "activities": data["myActivities"],
        "sales_this_month": months[-1]["amount"] if months else "0",
        "sales_chart": bar_chart([(formats.date_format(date.fromisoformat(row["month"]), "M"), row["amount"],
                                   money(row["amount"])) for row in months]),
        "pipeline_chart": bar_chart([(enum_label(stage["stage"]), stage["amount"], money(stage["amount"]))
                                     for stage in open_stages]),
        "pipeline": data["dealPipeline"],
    }, title=_("Home"))


@member_page
def search(request):
    """All records matching the text; as the live dropdown of the search box when htmx asks for `live`."""
    text = request.GET.get("q", "").strip()
    if request.htmx and request.GET.get("live"):
        results = gql.run(request, "Search", {"text": text, "first": LIVE_RESULTS})["search"] if text else []
        return render(request, "web/app/_search_live.html", {"results": results, "search_text": text})
    results = gql.run(request, "Search", {"text": text, "first": 100})["search"] if text else []
    return render_page(request, "web/app/search.html", {"results": results, "search_text": text},
                       title=_("Search"))
