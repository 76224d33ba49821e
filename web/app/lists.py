"""List pages of record types: one declaration per type (its operation, columns, searchable fields), one view.

Each list runs its named operation of `graphql/operations/app/web/` (root field aliased `list`), with the
text filter as `iContains` lookups joined by OR, the tag filter, the ordering and relay pagination.
"""

import base64
import binascii
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from web import gql
from web.app.pages import member_page, render_page

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    path: str  # in the node, dotted: "account.name"
    label: str
    kind: str = "text"  # title | text | ref | date | money | enum | bool | percent
    sort: str = ""  # the ordering field of the GraphQL type, when the list sorts on this column


@dataclass(frozen=True)
class RecordList:
    key: str  # the URL: /<key>/
    title: str
    operation: str
    columns: tuple[Column, ...]
    search: tuple[str, ...] = ()  # GraphQL filter paths matched by the text box; none: no filter input
    default_sort: str = ""  # "name", or "-date" for newest first
    filters: bool = True  # the operation takes `filters` (tag, text)
    module: str = ""  # the record engine's module key, when it is not the URL's key with underscores

    @property
    def module_key(self) -> str:
        return self.module or self.key.replace("-", "_")

    def sorts(self) -> set[str]:
        return {column.sort for column in self.columns if column.sort} | ({self.default_sort.lstrip("-")} - {""})


def _title(sort="number"):
    return Column("number", _("Number"), "title", sort)


ACCOUNT = Column("account.name", _("Account"), "ref")
LISTS = {spec.key: spec for spec in (
    RecordList("accounts", _("Accounts"), "AccountList", (
        Column("name", _("Name"), "title", "name"), Column("number", _("Number"), sort="number"),
        Column("billingCity", _("City"), sort="billingCity"), Column("phone", _("Phone")),
        Column("email", _("Email"))),
        search=("name", "number", "billingCity"), default_sort="name"),
    RecordList("contacts", _("Contacts"), "ContactList", (
        Column("displayName", _("Name"), "title", "lastName"), Column("number", _("Number"), sort="number"),
        ACCOUNT, Column("jobTitle", _("Job title")), Column("email", _("Email")), Column("phone", _("Phone"))),
        search=("lastName", "firstName", "email", "number", "account.name"), default_sort="lastName"),
    RecordList("leads", _("Leads"), "LeadList", (
        Column("displayName", _("Name"), "title", "lastName"), Column("company", _("Company"), sort="company"),
        Column("email", _("Email")), Column("status", _("Status"), "enum", "status"),
        Column("leadSource", _("Source"), "enum")),
        search=("lastName", "company", "email", "city"), default_sort="-createdAt"),
    RecordList("deals", _("Deals"), "DealList", (
        Column("name", _("Name"), "title", "name"), ACCOUNT, Column("stage", _("Stage"), "enum"),
        Column("amount", _("Amount"), "money", "amount"), Column("probability", _("Probability"), "percent"),
        Column("expectedCloseDate", _("Expected close"), "date", "expectedCloseDate")),
        search=("name", "account.name"), default_sort="-expectedCloseDate"),
    RecordList("quotes", _("Quotes"), "QuoteList", (
        _title(), ACCOUNT, Column("date", _("Date"), "date", "date"),
        Column("validUntil", _("Valid until"), "date"), Column("status", _("Status"), "enum"),
        Column("totalExclVat", _("Total excl. VAT"), "money"),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat")),
        search=("number", "account.name"), default_sort="-date"),
    RecordList("orders", _("Orders"), "SalesOrderList", (
        _title(), ACCOUNT, Column("date", _("Date"), "date", "date"), Column("status", _("Status"), "enum"),
        Column("customerReference", _("Customer reference")),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat")),
        search=("number", "customerReference", "account.name"), default_sort="-date", module="sales_orders"),
    RecordList("invoices", _("Invoices"), "InvoiceList", (
        Column("displayName", _("Number"), "title", "number"), ACCOUNT,
        Column("issueDate", _("Issue date"), "date", "issueDate"), Column("dueDate", _("Due date"), "date"),
        Column("status", _("Status"), "enum"), Column("paymentStatus", _("Payment"), "enum"),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat"),
        Column("amountDue", _("Amount due"), "money")),
        search=("number", "account.name"), default_sort="-createdAt"),
    RecordList("credit-notes", _("Credit notes"), "CreditNoteList", (
        Column("displayName", _("Number"), "title"), ACCOUNT, Column("invoice.number", _("Invoice"), "ref"),
        Column("issueDate", _("Issue date"), "date"), Column("status", _("Status"), "enum"),
        Column("totalInclVat", _("Total incl. VAT"), "money")), filters=False),
    RecordList("payments", _("Payments"), "PaymentList", (
        _title(sort=""), ACCOUNT, Column("date", _("Date"), "date"), Column("method", _("Method"), "enum"),
        Column("reference", _("Reference")), Column("amount", _("Amount"), "money"),
        Column("unallocated", _("Unallocated"), "money")), filters=False),
    RecordList("products", _("Products"), "ProductList", (
        Column("name", _("Name"), "title", "name"), Column("sku", _("SKU"), sort="sku"),
        Column("salePrice", _("Sale price"), "money", "salePrice"), Column("vatRate.rate", _("VAT"), "percent"),
        Column("unit.code", _("Unit")), Column("active", _("Active"), "bool")),
        search=("name", "sku"), default_sort="name"),
    RecordList("services", _("Services"), "ServiceList", (
        Column("name", _("Name"), "title", "name"), Column("sku", _("SKU"), sort="sku"),
        Column("salePrice", _("Sale price"), "money", "salePrice"), Column("vatRate.rate", _("VAT"), "percent"),
        Column("unit.code", _("Unit")), Column("active", _("Active"), "bool")),
        search=("name", "sku"), default_sort="name"),
    RecordList("journal-entries", _("Journal entries"), "JournalEntryList", (
        _title(), Column("journal.code", _("Journal")), Column("date", _("Date"), "date", "date"),
        Column("label", _("Label")), Column("pieceRef", _("Piece")), Column("party.name", _("Party"), "ref"),
        Column("status", _("Status"), "enum")),
        search=("number", "pieceRef"), default_sort="-date"),
)}


def list_url(module_key: str) -> str:
    """The list page of a record engine's module, or the home page when it has none yet."""
    spec = next((spec for spec in LISTS.values() if spec.module_key == module_key), None)
    return reverse("record-list", kwargs={"key": spec.key}) if spec else reverse("tenant-home")


def _at(node: dict, path: str):
    value = node
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _nested(path: str, lookup: dict) -> dict:
    for part in reversed(path.split(".")):
        lookup = {part: lookup}
    return lookup


def text_filter(paths: tuple[str, ...], text: str) -> dict | None:
    """`{a: {iContains}, OR: {b: {iContains}, OR: …}}`: a record matches when one of the fields contains the text."""
    found = None
    for path in reversed(paths):
        condition = _nested(path, {"iContains": text})
        found = condition if found is None else {**condition, "OR": found}
    return found


def _offset(cursor: str | None) -> int | None:
    """The position a relay cursor stands for (`arrayconnection:<n>`, the relay convention Strawberry follows)."""
    try:
        return int(base64.b64decode(cursor or "").decode().rpartition(":")[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def variables(spec: RecordList, params) -> dict:
    found: dict = {}
    if params.get("before"):
        found.update(last=PAGE_SIZE, before=params["before"])
    else:
        found.update(first=PAGE_SIZE, after=params.get("after") or None)
    sort = params.get("sort") or spec.default_sort
    if sort.lstrip("-") in spec.sorts():
        found["ordering"] = [{sort.lstrip("-"): "DESC" if sort.startswith("-") else "ASC"}]
    if spec.filters:
        text, tag = params.get("q", "").strip(), params.get("tag", "").strip()
        conditions = text_filter(spec.search, text) if text and spec.search else None
        if tag:
            conditions = {"tag": tag, "AND": conditions} if conditions else {"tag": tag}
        found["filters"] = conditions
    return found


def cells(spec: RecordList, node: dict) -> list[dict]:
    row = []
    for column in spec.columns:
        value = _at(node, column.path)
        cell = {"kind": column.kind, "value": value, "currency": node.get("currency") or ""}
        if column.kind == "title":
            cell["url"] = reverse("record", args=[node["id"]])
        elif column.kind == "ref":
            target = _at(node, column.path.rpartition(".")[0])
            cell["url"] = reverse("record", args=[target["id"]]) if target and target.get("id") else ""
        row.append(cell)
    return row


@member_page
def record_list(request, key: str):
    spec = LISTS.get(key)
    if spec is None:
        raise Http404
    page = gql.run(request, spec.operation, variables(spec, request.GET))["list"]
    sort = request.GET.get("sort") or spec.default_sort
    info = page["pageInfo"]
    start = _offset(info["startCursor"])
    end = _offset(info["endCursor"])
    return render_page(request, "web/app/list.html", {
        "spec": spec, "page": page, "sort": sort,
        "rows": [{"node": edge["node"], "cells": cells(spec, edge["node"])} for edge in page["edges"]],
        "query": request.GET.get("q", ""), "tag": request.GET.get("tag", ""),
        "range": (start + 1, end + 1) if start is not None and end is not None else None,
        "columns": [{"label": c.label, "sort": c.sort, "kind": c.kind,
                     "direction": "asc" if sort == c.sort else "desc" if sort == f"-{c.sort}" else ""}
                    for c in spec.columns],
    }, title=spec.title)
