"""The Settings area: the company's users, numbering formats, layouts, custom fields, legal details, tags,
lead conversion mapping (its administrators), and each person's API tokens.

Every page reads and writes through the API; a page of administrators refuses other members with 403 as the API
says who is one (`me.membership.isAdmin`), and their mutations are refused by the API itself anyway.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect

from web import gql
from web.app.pages import member_page


def admin_page(view):
    """A page for the company's administrators only."""

    @member_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not gql.run(request, "Me")["me"]["membership"]["isAdmin"]:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def saved(request) -> HttpResponseRedirect:
    """After a successful save, the same page again (a reload does not post twice)."""
    return HttpResponseRedirect(request.get_full_path())


def choices_of(text: str) -> list[str]:
    """Choices typed one per line (or separated by commas)."""
    return [choice.strip() for line in text.splitlines() for choice in line.split(",") if choice.strip()]
