"""The record page of any record type (MODULES.md section 1), through `node(id:)` and the `Record` interface.

Summary is rendered with the page; Details, Updates and the related tabs come from their own operations,
loaded by htmx when their tab is opened (or with the page, `?tab=<key>`, without JavaScript).
"""

import base64
import binascii
import re

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from strawberry.utils.str_converters import to_camel_case

from web import gql
from web.app import meta
from web.app.labels import field_label
from web.app.lists import list_url
from web.app.pages import member_page, render_page
from web.app.settings.mailing import sent_emails
from web.app.settings.workflows import manual_workflows

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _node(request, operation: str, variables: dict) -> dict:
    """The record an operation reads through `node(id:)`; a missing, forbidden or malformed id answers 404."""
    return _record_data(request, operation, variables)["node"]


def _record_data(request, operation: str, variables: dict) -> dict:
    """The data of an operation reading a record through `node(id:)`; a missing, forbidden or malformed id answers
    404."""
    try:
        data = gql.run(request, operation, variables)
    except gql.Unauthenticated:
        raise
    except gql.OperationError as error:
        # An id that is no global id fails the variable's coercion; one of an unknown type fails `node` itself.
        if all("GlobalID" in e.message or (e.path or [None])[0] == "node" for e in error.errors):
            raise Http404 from error
        raise
    node = data["node"]
    if not node or "id" not in node:
        raise Http404
    return data


def _module_of(request, record_id: str) -> str:
    """The module of the record an id names (a relay id names its type): the record page's operation needs it."""
    try:
        type_name = base64.b64decode(record_id, validate=True).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Http404 from None
    record_type = meta.catalog(request).by_graphql_type.get(type_name)
    if record_type is None:
        raise Http404
    return record_type["key"]


def _page(request, record_id: str) -> dict:
    """Everything the record page shows, in one operation (RecordPage)."""
    try:
        return _record_data(request, "RecordPage", {"id": record_id, "module": _module_of(request, record_id),
                                                    "rollUp": _roll_up(request)})
    except gql.Forbidden as error:
        # A module the reader may not see: its records are not found, as `node` answers (its emails would refuse).
        raise Http404 from error


def _roll_up(request) -> bool:
    return request.GET.get("rollup", request.POST.get("rollup", "")) in ("1", "on", "true")


def _tabs(node: dict) -> list[dict]:
    tabs = [{"key": "summary", "label": _("Summary")}, {"key": "details", "label": _("Details")},
            {"key": "history", "label": _("Updates")}]
    tabs += [{"key": tab["key"], "label": tab["label"], "count": tab["count"]}
             for tab in node["relatedTabs"] if tab["visible"]]
    return tabs


@member_page
def record_page(request, record_id: str):
    roll_up = _roll_up(request)
    data = _page(request, record_id)
    node = data["node"]
    tabs = _tabs(node)
    tab = request.GET.get("tab", "summary")
    if tab not in {t["key"] for t in tabs}:
        tab = "summary"
    admin = data["me"]["membership"]["isAdmin"]
    context = {"record": node, "tabs": tabs, "tab": tab, "roll_up": roll_up, "comments": node["comments"],
               "list_url": list_url(node["module"]["key"]),
               "manual_workflows": manual_workflows(request, node["module"]["key"], admin=admin),
               "email_templates": data["emailTemplates"], "emails": sent_emails(data["sentEmails"])}
    if tab != "summary":
        context.update(_tab_context(request, node["id"], tab))
    return render_page(request, "web/app/record.html", context, title=node["displayName"], me=data["me"])


@member_page
def record_tab(request, record_id: str, tab: str):
    """One tab's content, for htmx."""
    context = _tab_context(request, record_id, tab)
    return render(request, context.pop("template"), context)


@member_page
@require_http_methods(["POST"])
def record_documents(request, record_id: str):
    """Upload files onto the record (Summary's Documents block), then back to the page with what was refused."""
    files = request.FILES.getlist("files")
    if files:
        payload = gql.run(request, "DocumentsUpload", {"files": files, "recordIds": [record_id]})["documentsUpload"]
        if gql.failed(payload):
            for message in payload["messages"]:
                messages.error(request, message["message"])
        else:
            messages.success(request, ngettext("%(count)d document added.", "%(count)d documents added.",
                                               len(files)) % {"count": len(files)})
    return HttpResponseRedirect(reverse("record", args=[record_id]))


@member_page
def record_preview(request, record_id: str):
    """A related record's Details in a pop-up over the page it was clicked from, with Open and Edit buttons."""
    context = _tab_context(request, record_id, "details")
    context.pop("template")
    return render(request, "web/app/record/_preview.html", context)


def _tab_context(request, record_id: str, tab: str) -> dict:
    """What a tab's template needs; only Summary's holds the page's `record` (the page has its own)."""
    if tab == "summary":
        data = _page(request, record_id)
        page = data["node"]
        return {"template": "web/app/record/_summary.html", "record": page, "comments": page["comments"],
                "roll_up": _roll_up(request), "emails": sent_emails(data["sentEmails"])}
    if tab == "details":
        node = _node(request, "RecordDetails", {"id": record_id})
        layout = gql.run(request, "RecordLayout", {"module": node["module"]["key"]})["layout"]
        return {"template": "web/app/record/_details.html", "details": node,
                "blocks": details_blocks(node, layout["blocks"] if layout else []),
                "lines": node.get("lines"), "entry_lines": node.get("entryLines")}
    if tab == "history":
        node = _node(request, "RecordHistory", {"id": record_id, "after": request.GET.get("after") or None})
        return {"template": "web/app/record/_history.html", "record_id": node["id"], "history": node["history"]}
    context = {"template": "web/app/record/_related.html", "record_id": record_id, "tab": tab}
    if to_camel_case(tab) not in gql.variable_names("RecordRelated"):
        # A relation the API does not list yet (its count shows on the tab), or no tab of this record at all.
        tabs = _node(request, "RecordTabs", {"id": record_id})["relatedTabs"]
        if tab not in {related["key"] for related in tabs}:
            raise Http404
        return {**context, "related": None}
    variables = {"id": record_id, to_camel_case(tab): True, "after": request.GET.get("after") or None}
    return {**context, "related": _node(request, "RecordRelated", variables).get(to_camel_case(tab))}


def _value(field: dict | None, value) -> dict:
    """A field's value and how to show it (its declared kind says what the JSON value cannot)."""
    if isinstance(value, dict):
        if value.get("id") and value.get("displayName"):
            return {"kind": "ref", "value": value["displayName"], "url": reverse("record", args=[value["id"]])}
        text = value.get("displayName") or value.get("label") or value.get("name") or value.get("code")
        return {"kind": "text", "value": text}
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    kind = field["kind"] if field else ""
    if kind == "CHOICE":
        choice = next((c for c in field["choices"] if c["value"] == value), None)
        named = {"label": choice["label"], "tone": choice["tone"]} if choice else {}
        return {"kind": "enum", "value": value, **named}
    if kind == "MONEY":
        return {"kind": "money", "value": value}
    if isinstance(value, str) and DATE.match(value):
        return {"kind": "date", "value": value}
    if isinstance(value, str) and DATETIME.match(value):
        return {"kind": "datetime", "value": value}
    return {"kind": "text", "value": value}


def _custom_value(field: dict) -> dict:
    """A custom field's value and how to show it (its type says; a decimal stays as written, without currency)."""
    raw = field["raw"]
    if field["type"] == "boolean" and raw is not None:
        return {"kind": "bool", "value": raw}
    if field["type"] == "date" and raw is not None:
        return {"kind": "date", "value": raw}
    return {"kind": "text", "value": raw}


def details_blocks(node: dict, blocks: list[dict]) -> list[dict]:
    """The layout's blocks with the record's values; a field the operation does not read is left out."""
    type_prefix = node["__typename"][:1].lower() + node["__typename"][1:]
    catalog = meta.current()
    record_type = catalog.by_graphql_type.get(node["__typename"]) if catalog else None
    declared = record_type["fieldsByName"] if record_type else {}
    custom = {field["field"]: field for field in node.get("customFields") or ()}
    found = []
    for block in blocks:
        fields = []
        for name in block.get("fields", []):
            if name in custom:
                fields.append({"name": name, "label": custom[name]["label"], **_custom_value(custom[name])})
                continue
            camel = to_camel_case(name)
            key = camel if camel in node else f"{type_prefix}{camel[:1].upper()}{camel[1:]}"
            if key in node:
                field = declared.get(name)
                fields.append({"name": name, "label": field["label"] if field else field_label(name),
                               "currency": node.get("currency") or "", **_value(field, node[key])})
        if fields:
            found.append({"key": block.get("key"), "label": block.get("label"), "fields": fields})
    return found


@member_page
@require_http_methods(["GET", "POST"])
def record_comments(request, record_id: str):
    """The Comments block: GET with the roll-up switch, POST to add a comment (CommentAdd)."""
    errors: dict = {}
    body = ""
    if request.method == "POST":
        body = request.POST.get("body", "").strip()
        payload = gql.run(request, "CommentAdd", {"recordId": record_id, "body": body})["commentAdd"]
        if gql.failed(payload):
            errors = gql.form_errors(payload)
        else:
            body = ""
            if not request.htmx:
                return HttpResponseRedirect(reverse("record", args=[record_id]))
    node = _node(request, "RecordComments", {"id": record_id, "rollUp": _roll_up(request)})
    return render(request, "web/app/record/_comments.html", {
        "record": node, "comments": node["comments"], "roll_up": _roll_up(request), "errors": errors, "body": body,
    }, status=400 if errors else 200)
