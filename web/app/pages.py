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


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    kwargs: dict | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.kwargs)


def _list(label, key: str) -> NavEntry:
    return NavEntry(label, "record-list", {"key": key})


# Grouped by area, in the order of the product's documentation (later areas join as they are built).
NAVIGATION = (
    (_("CRM"), (_list(_("Accounts"), "accounts"), _list(_("Contacts"), "contacts"), _list(_("Leads"), "leads"),
                _list(_("Deals"), "deals"))),
    (_("Sales"), (_list(_("Quotes"), "quotes"), _list(_("Orders"), "orders"), _list(_("Invoices"), "invoices"),
                  _list(_("Credit notes"), "credit-notes"), _list(_("Payments"), "payments"))),
    (_("Catalog"), (_list(_("Products"), "products"), _list(_("Services"), "services"))),
    (_("Finance"), (_list(_("Journal entries"), "journal-entries"),)),
    (_("Settings"), (NavEntry(_("Preferences"), "preferences"), NavEntry(_("API tokens"), "settings-api-tokens"),
                     NavEntry(_("Users"), "settings-users"), NavEntry(_("Roles"), "settings-roles"),
                     NavEntry(_("Profiles"), "settings-profiles"), NavEntry(_("Sharing"), "settings-sharing"),
                     NavEntry(_("Teams"), "settings-teams"),
                     NavEntry(_("Company details"), "settings-company"),
                     NavEntry(_("Numbering formats"), "settings-numbering"), NavEntry(_("Layouts"), "settings-layouts"),
                     NavEntry(_("Custom fields"), "settings-custom-fields"), NavEntry(_("Tags"), "settings-tags"),
                     NavEntry(_("Lead conversion"), "settings-lead-conversion"),
                     NavEntry(_("Event log"), "settings-event-log"), NavEntry(_("Planner"), "settings-planner"),
                     NavEntry(_("Workflows"), "settings-workflows"),
                     NavEntry(_("Email templates"), "settings-email-templates"),
                     NavEntry(_("Email (SMTP)"), "settings-smtp"))),
)


def navigation(path: str) -> list[dict]:
    return [{"label": area, "entries": [{"label": e.label, "url": e.url, "active": path.startswith(e.url)}
                                        for e in entries]}
            for area, entries in NAVIGATION]


def login_url(next_path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': next_path})}"


def member_page(view):
    """A page for members: without a session (or once it expired) the visitor logs in and comes back.

    The check is the API's own: an operation answering UNAUTHENTICATED.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except gql.Unauthenticated:
            if request.htmx:
                # A fragment's URL is no page to come back to: the page that asked for it is.
                return HttpResponseClientRedirect(login_url(request.htmx.current_url_abs_path or "/"))
            return HttpResponseRedirect(login_url(request.get_full_path()))

    return wrapper


def render_page(request, template: str, context: dict, *, title: str, status: int = 200):
    """A full page inside the shell; an htmx request for the same URL gets the page's content only."""
    if request.htmx and not request.htmx.boosted:
        return render(request, template, {**context, "title": title, "base": "web/app/fragment.html"},
                      status=status)
    me = gql.run(request, "Me")["me"]
    others = [m["tenant"] for m in me["memberships"] if m["tenant"]["slug"] != me["tenant"]["slug"]]
    return render(request, template, {
        **context, "title": title, "base": "web/app/shell.html", "me": me, "other_tenants": others,
        "navigation": navigation(request.path),
    }, status=status)
