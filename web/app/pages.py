"""What every page of the tenant web app shares: the session check, the shell (navigation, user menu)."""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from web import gql
from web.app import meta


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    kwargs: dict | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.kwargs)


# The record types' entries come from their declarations (area, rank, list); then the settings.
SETTINGS = (_("Settings"), (
    NavEntry(_("Preferences"), "preferences"), NavEntry(_("API tokens"), "settings-api-tokens"),
    NavEntry(_("Users"), "settings-users"), NavEntry(_("Roles"), "settings-roles"),
    NavEntry(_("Profiles"), "settings-profiles"), NavEntry(_("Sharing"), "settings-sharing"),
    NavEntry(_("Teams"), "settings-teams"), NavEntry(_("Company details"), "settings-company"),
    NavEntry(_("Numbering formats"), "settings-numbering"), NavEntry(_("Layouts"), "settings-layouts"),
    NavEntry(_("Custom fields"), "settings-custom-fields"), NavEntry(_("Tags"), "settings-tags"),
    NavEntry(_("Lead conversion"), "settings-lead-conversion"), NavEntry(_("Event log"), "settings-event-log"),
    NavEntry(_("Planner"), "settings-planner"), NavEntry(_("Workflows"), "settings-workflows"),
    NavEntry(_("Email templates"), "settings-email-templates"), NavEntry(_("Email (SMTP)"), "settings-smtp")))


def _areas(request) -> list[tuple[str, list[NavEntry]]]:
    from web.app.lists import record_lists  # lists are pages too: they import this module

    areas: dict[str, list[NavEntry]] = {}
    by_path = meta.catalog(request).by_path
    for key, spec in record_lists(request).items():
        areas.setdefault(by_path[key]["areaLabel"], []).append(NavEntry(spec.title, "record-list", {"key": key}))
    return [*areas.items(), SETTINGS]


def navigation(request) -> list[dict]:
    path = request.path
    return [{"label": area, "entries": [{"label": e.label, "url": e.url, "active": path.startswith(e.url)}
                                        for e in entries]}
            for area, entries in _areas(request)]


def login_url(next_path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': next_path})}"


def member_page(view):
    """A page for members: without a session (or once it expired) the visitor logs in and comes back.

    The check is the API's own: an operation answering UNAUTHENTICATED.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            meta.catalog(request)  # what lists, forms and labels are built from: read once per process
            return view(request, *args, **kwargs)
        except gql.Unauthenticated:
            if request.htmx:
                # A fragment's URL is no page to come back to: the page that asked for it is.
                return HttpResponseClientRedirect(login_url(request.htmx.current_url_abs_path or "/"))
            return HttpResponseRedirect(login_url(request.get_full_path()))

    return wrapper


def render_page(request, template: str, context: dict, *, title: str, status: int = 200, me: dict | None = None):
    """A full page inside the shell; an htmx request for the same URL gets the page's content only. A page whose
    operation read the shell's `me` already (the record page) hands it over."""
    if request.htmx and not request.htmx.boosted:
        return render(request, template, {**context, "title": title, "base": "web/app/fragment.html"},
                      status=status)
    me = me or gql.run(request, "Me")["me"]
    others = [m["tenant"] for m in me["memberships"] if m["tenant"]["slug"] != me["tenant"]["slug"]]
    return render(request, template, {
        **context, "title": title, "base": "web/app/shell.html", "me": me, "other_tenants": others,
        "navigation": navigation(request),
    }, status=status)
