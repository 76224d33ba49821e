"""The home page and the global search."""

from django.utils.translation import gettext as _

from web import gql
from web.app.pages import member_page, render_page


@member_page
def home(request):
    activities = gql.run(request, "MyActivities", {"status": "PLANNED"})["myActivities"]
    return render_page(request, "web/app/home.html", {"activities": activities}, title=_("Home"))


@member_page
def search(request):
    text = request.GET.get("q", "").strip()
    results = gql.run(request, "Search", {"text": text})["search"] if text else []
    return render_page(request, "web/app/search.html", {"results": results, "search_text": text},
                       title=_("Search"))
