"""Automation seen by the company's administrators: the event log (who did what, from where) and the planner
(every scheduled job, its last and next run)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.pages import render_page
from web.app.settings import admin_page

PAGE_SIZE = 50
EVENT_KINDS = {
    "LOGIN": gettext_lazy("Login"), "LOGIN_FAILED": gettext_lazy("Failed login"),
    "API_TOKEN_USE": gettext_lazy("API token use"), "IMPORT": gettext_lazy("Import"),
    "EXPORT": gettext_lazy("Export"), "WORKFLOW_RUN": gettext_lazy("Workflow run"),
    "SETTINGS_CHANGE": gettext_lazy("Settings change"),
}
JOB_STATUSES = {
    "SCHEDULED": (gettext_lazy("Scheduled"), "neutral"), "QUEUED": (gettext_lazy("Queued"), "neutral"),
    "RUNNING": (gettext_lazy("Running"), "warn"), "SUCCEEDED": (gettext_lazy("Succeeded"), "good"),
    "FAILED": (gettext_lazy("Failed"), "bad"), "PAUSED": (gettext_lazy("Paused"), "neutral"),
}


def _day_start(day: str, days_after: int = 0) -> str | None:
    """A date typed in the filter form as the API's DateTime: that day's start (or a later one's), my time zone."""
    try:
        date = dt.date.fromisoformat(day) + dt.timedelta(days=days_after)
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(date, dt.time.min)).isoformat()


@admin_page
def event_log(request):
    """The company's event log, newest first, filtered by kind, person and days (the `to` day included)."""
    chosen = {name: request.GET.get(name, "") for name in ("kind", "actor", "from", "to")}
    event_filter = {"kind": chosen["kind"] if chosen["kind"] in EVENT_KINDS else None,
                    "actor": chosen["actor"] or None, "from": _day_start(chosen["from"]),
                    "to": _day_start(chosen["to"], days_after=1)}
    answer = gql.run(request, "EventLog", {"filter": event_filter, "first": PAGE_SIZE,
                                           "after": request.GET.get("after") or None})
    events = [dict(edge["node"], kind_label=EVENT_KINDS.get(edge["node"]["kind"], edge["node"]["kind"]))
              for edge in answer["events"]["edges"]]
    people = [owner for owner in answer["owners"] if owner["__typename"] == "User"]
    return render_page(request, "web/app/settings/event_log.html", {
        "events": events, "page": answer["events"], "chosen": chosen, "kinds": EVENT_KINDS.items(),
        "people": people}, title=_("Event log"))


@admin_page
def planner(request):
    """Every scheduled job of the company: schedule, last and next run, status, last error."""
    jobs = [dict(job, status_label=JOB_STATUSES[job["status"]][0], tone=JOB_STATUSES[job["status"]][1])
            for job in gql.run(request, "Planner")["scheduledJobs"]]
    return render_page(request, "web/app/settings/planner.html", {"jobs": jobs}, title=_("Planner"))
