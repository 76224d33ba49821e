"""What a list page does besides showing a page: save and forget views, act on a selection, export as CSV.

The actions are POSTs answered by a redirect to the list (with a message); the export streams CSV while it
pages through the same operation as the list, 100 records at a time.
"""

import csv
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from web import gql
from web.app.labels import enum_label
from web.app.lists import (
    chosen_columns,
    list_spec,
    owner_name,
    value_at,
    variables,
    view_params,
    view_query,
    with_custom_columns,
    with_custom_fields,
    with_custom_values,
)
from web.app.pages import member_page

EXPORT_PAGE = 100
BULK_ACTIONS = {
    "tag": ("RecordsTag", "recordsTag"),
    "assign": ("RecordsAssign", "recordsAssign"),
    "delete": ("RecordsDelete", "recordsDelete"),
}


def _back(request, key: str) -> HttpResponseRedirect:
    """Back to the list the form was posted from (its query string), never to another site."""
    query = request.POST.get("query", "")
    url = reverse("record-list", kwargs={"key": key})
    return HttpResponseRedirect(f"{url}?{query}" if query and "://" not in query else url)


def _report_failure(request, payload: dict) -> None:
    for field_messages in gql.form_errors(payload).values():
        for message in field_messages:
            messages.error(request, message)


@require_POST
@member_page
def saved_filter_save(request, key: str):
    """Save the list's current view (filters, columns, sort) under a name; back to it."""
    spec = with_custom_fields(request, list_spec(request, key))
    params = request.POST
    view = view_params(spec, params)
    payload = gql.run(request, "SavedFilterSave", {"module": spec.module_key, "name": params.get("name", ""),
                                                   **view})["savedFilterSave"]
    if gql.failed(payload):
        _report_failure(request, payload)
        return _back(request, key)
    messages.success(request, _("View “%(name)s” saved.") % {"name": payload["name"]})
    return HttpResponseRedirect(f"{reverse('record-list', kwargs={'key': key})}?{view_query(view)}")


@require_POST
@member_page
def saved_filter_delete(request, key: str):
    list_spec(request, key)
    payload = gql.run(request, "SavedFilterDelete", {"id": request.POST.get("id", "")})["savedFilterDelete"]
    if gql.failed(payload):
        _report_failure(request, payload)
    return _back(request, key)


@require_POST
@member_page
def bulk_action(request, key: str):
    """Tag, assign or delete the selected records through the API's bulk mutations (all or nothing)."""
    list_spec(request, key)
    action = request.POST.get("action", "")
    ids = request.POST.getlist("ids")
    if action not in BULK_ACTIONS or not ids:
        messages.error(request, _("Select records and an action."))
        return _back(request, key)
    operation, field = BULK_ACTIONS[action]
    arguments = {"ids": ids}
    if action == "tag":
        arguments["tag"] = request.POST.get("tag", "")
    elif action == "assign":
        arguments["owner"] = request.POST.get("owner", "")
    payload = gql.run(request, operation, arguments)[field]
    if gql.failed(payload):
        _report_failure(request, payload)
    else:
        count = payload["count"]
        messages.success(request, {
            "tag": ngettext("%(count)d record tagged.", "%(count)d records tagged.", count),
            "assign": ngettext("%(count)d record assigned.", "%(count)d records assigned.", count),
            "delete": ngettext("%(count)d record deleted.", "%(count)d records deleted.", count),
        }[action] % {"count": count})
    return _back(request, key)


class _Echo:
    """csv.writer writes into this and the response streams what it returns."""

    def write(self, value: str) -> str:
        return value


# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(kind: str, value):
    if kind == "owner":
        return owner_name(value)
    if kind == "enum":
        return enum_label(value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    return "" if value is None else _inert(value)


def _inert(value):
    """Text a spreadsheet would evaluate, prefixed with an apostrophe so it shows as written; numbers (a credit's
    -12.50) stay numbers."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        Decimal(value)
    except InvalidOperation:
        return "'" + value
    return value


@member_page
def export_csv(request, key: str):
    """The filtered list as CSV, with the chosen columns and headers in the user's language."""
    spec = list_spec(request, key)
    rights = {right["module"]: right["actions"] for right in gql.run(request, "MyRights")["myRights"]}
    if "EXPORT" not in rights.get(spec.module_key, ()):
        raise PermissionDenied
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("before", None)
    # The first page is read here, so a refused operation is an error page rather than a broken download.
    query = variables(spec, params, page_size=EXPORT_PAGE)
    first_data = gql.run(request, spec.operation, query)
    spec, first = with_custom_columns(spec, first_data["customFieldDefinitions"]), first_data["list"]
    columns = chosen_columns(spec, request.GET)
    logged = gql.run(request, "ListExport", {"module": spec.module_key, "columns": [c.path for c in columns],
                                             "filters": query["filters"], "rowCount": first.get("totalCount")})
    if gql.failed(logged["listExport"]):
        raise PermissionDenied

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff"  # spreadsheets read the file as UTF-8 with this mark
        yield writer.writerow([str(column.label) for column in columns])
        page = first
        while True:
            for edge in page["edges"]:
                node = with_custom_values(edge["node"])
                yield writer.writerow([_csv_value(column.kind, value_at(node, column.path)) for column in columns])
            if not page["pageInfo"]["hasNextPage"]:
                return
            params["after"] = page["pageInfo"]["endCursor"]
            page = gql.run(request, spec.operation, variables(spec, params, page_size=EXPORT_PAGE))["list"]

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    return response
