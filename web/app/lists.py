"""List pages of record types: one declaration per type (its operation, columns, searchable fields), one view.

Each list runs its named operation of `graphql/operations/app/web/` (root field aliased `list`), with the
text filter as `iContains` lookups joined by OR, the tag filter, the ordering and relay pagination.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas.core.pagination import RELAY_PREFIX, cursor_offset
from web import gql
from web.app.pages import member_page, render_page

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    path: str  # in the node, dotted: "account.name"; a custom field: "custom.<key>"
    label: str
    kind: str = "text"  # title | text | ref | date | money | enum | bool | percent
    sort: str = ""  # the ordering field of the GraphQL type, when the list sorts on this column
    default: bool = True  # shown until the user picks the columns
    field_type: str = ""  # a custom field's type (text, number, decimal, date, boolean, choice)
    choices: tuple[str, ...] = ()  # a custom choice field's values


@dataclass(frozen=True)
class RecordList:
    key: str  # the URL: /<key>/
    title: str
    operation: str
    columns: tuple[Column, ...]
    search: tuple[str, ...] = ()  # GraphQL filter paths matched by the text box; none: no filter input
    default_sort: str = ""  # "name", or "-date" for newest first
    module: str = ""  # the record engine's module key, when it is not the URL's key with underscores

    @property
    def module_key(self) -> str:
        return self.module or self.key.replace("-", "_")

    def visible(self, chosen: list[str]) -> tuple[Column, ...]:
        """The columns the user picked (the title column always first), or the default ones."""
        picked = [column for column in self.columns[1:] if column.path in chosen]
        return (self.columns[0], *(picked or [column for column in self.columns[1:] if column.default]))

    def sorts(self) -> set[str]:
        return {column.sort for column in self.columns if column.sort} | ({self.default_sort.lstrip("-")} - {""})

    def custom_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.path.startswith(CUSTOM))

    def filter_params(self) -> tuple[str, ...]:
        """The page's filter parameters: text, tag, owner, and one per custom field (`custom.<key>=value`)."""
        return (*FILTER_PARAMS, *(column.path for column in self.custom_columns()))


def _title(sort="number"):
    return Column("number", _("Number"), "title", sort)


def _more(*columns: Column) -> tuple[Column, ...]:
    """Columns offered in the column picker but hidden until chosen; every record has an owner and timestamps."""
    return tuple(Column(c.path, c.label, c.kind, c.sort, default=False) for c in (
        *columns, Column("owner", _("Owner"), "owner"), Column("createdAt", _("Created"), "date"),
        Column("updatedAt", _("Updated"), "date")))


ACCOUNT = Column("account.name", _("Account"), "ref")
LISTS = {spec.key: spec for spec in (
    RecordList("accounts", _("Accounts"), "AccountList", (
        Column("name", _("Name"), "title", "name"), Column("number", _("Number"), sort="number"),
        Column("billingCity", _("City"), sort="billingCity"), Column("phone", _("Phone")),
        Column("email", _("Email")), *_more(Column("siren", _("SIREN")), Column("vatNumber", _("VAT number")),
                                            Column("industry", _("Industry")), Column("website", _("Website")))),
        search=("name", "number", "billingCity"), default_sort="name"),
    RecordList("contacts", _("Contacts"), "ContactList", (
        Column("displayName", _("Name"), "title", "lastName"), Column("number", _("Number"), sort="number"),
        ACCOUNT, Column("jobTitle", _("Job title")), Column("email", _("Email")), Column("phone", _("Phone")),
        *_more(Column("mobile", _("Mobile")))),
        search=("lastName", "firstName", "email", "number", "account.name"), default_sort="lastName"),
    RecordList("leads", _("Leads"), "LeadList", (
        Column("displayName", _("Name"), "title", "lastName"), Column("company", _("Company"), sort="company"),
        Column("email", _("Email")), Column("status", _("Status"), "enum", "status"),
        Column("leadSource", _("Source"), "enum"), *_more(Column("phone", _("Phone")), Column("city", _("City")))),
        search=("lastName", "company", "email", "city"), default_sort="-createdAt"),
    RecordList("deals", _("Deals"), "DealList", (
        Column("name", _("Name"), "title", "name"), ACCOUNT, Column("stage", _("Stage"), "enum"),
        Column("amount", _("Amount"), "money", "amount"), Column("probability", _("Probability"), "percent"),
        Column("expectedCloseDate", _("Expected close"), "date", "expectedCloseDate"), *_more()),
        search=("name", "account.name"), default_sort="-expectedCloseDate"),
    RecordList("quotes", _("Quotes"), "QuoteList", (
        _title(), ACCOUNT, Column("date", _("Date"), "date", "date"),
        Column("validUntil", _("Valid until"), "date"), Column("status", _("Status"), "enum"),
        Column("totalExclVat", _("Total excl. VAT"), "money"),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat"), *_more()),
        search=("number", "account.name"), default_sort="-date"),
    RecordList("orders", _("Orders"), "SalesOrderList", (
        _title(), ACCOUNT, Column("date", _("Date"), "date", "date"), Column("status", _("Status"), "enum"),
        Column("customerReference", _("Customer reference")),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat"), *_more()),
        search=("number", "customerReference", "account.name"), default_sort="-date", module="sales_orders"),
    RecordList("invoices", _("Invoices"), "InvoiceList", (
        Column("displayName", _("Number"), "title", "number"), ACCOUNT,
        Column("issueDate", _("Issue date"), "date", "issueDate"), Column("dueDate", _("Due date"), "date"),
        Column("status", _("Status"), "enum"), Column("paymentStatus", _("Payment"), "enum"),
        Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat"),
        Column("amountDue", _("Amount due"), "money"), *_more(Column("totalExclVat", _("Total excl. VAT"), "money"))),
        search=("number", "account.name"), default_sort="-createdAt"),
    RecordList("credit-notes", _("Credit notes"), "CreditNoteList", (
        Column("displayName", _("Number"), "title", "number"), ACCOUNT,
        Column("invoice.number", _("Invoice"), "ref"), Column("issueDate", _("Issue date"), "date", "issueDate"),
        Column("status", _("Status"), "enum"), Column("totalInclVat", _("Total incl. VAT"), "money", "totalInclVat"),
        *_more()),
        search=("number", "account.name"), default_sort="-createdAt"),
    RecordList("payments", _("Payments"), "PaymentList", (
        _title(), ACCOUNT, Column("date", _("Date"), "date", "date"), Column("method", _("Method"), "enum"),
        Column("reference", _("Reference")), Column("amount", _("Amount"), "money", "amount"),
        Column("unallocated", _("Unallocated"), "money"), *_more()),
        search=("number", "reference", "account.name"), default_sort="-date"),
    RecordList("products", _("Products"), "ProductList", (
        Column("name", _("Name"), "title", "name"), Column("sku", _("SKU"), sort="sku"),
        Column("salePrice", _("Sale price"), "money", "salePrice"), Column("vatRate.rate", _("VAT"), "percent"),
        Column("unit.code", _("Unit")), Column("active", _("Active"), "bool"),
        *_more(Column("purchasePrice", _("Purchase price"), "money"))),
        search=("name", "sku"), default_sort="name"),
    RecordList("services", _("Services"), "ServiceList", (
        Column("name", _("Name"), "title", "name"), Column("sku", _("SKU"), sort="sku"),
        Column("salePrice", _("Sale price"), "money", "salePrice"), Column("vatRate.rate", _("VAT"), "percent"),
        Column("unit.code", _("Unit")), Column("active", _("Active"), "bool"),
        *_more(Column("purchasePrice", _("Purchase price"), "money"))),
        search=("name", "sku"), default_sort="name"),
    RecordList("journal-entries", _("Journal entries"), "JournalEntryList", (
        _title(), Column("journal.code", _("Journal")), Column("date", _("Date"), "date", "date"),
        Column("label", _("Label")), Column("pieceRef", _("Piece")), Column("party.name", _("Party"), "ref"),
        Column("status", _("Status"), "enum"), *_more()),
        search=("number", "pieceRef"), default_sort="-date"),
)}


ADD_LABELS = {
    "accounts": _("Add account"), "contacts": _("Add contact"), "leads": _("Add lead"), "deals": _("Add deal"),
    "quotes": _("Add quote"), "orders": _("Add order"), "invoices": _("Add invoice"),
    "credit-notes": _("Add credit note"), "payments": _("Add payment"), "products": _("Add product"),
    "services": _("Add service"), "journal-entries": _("Add journal entry"),
}


CUSTOM = "custom."
CUSTOM_KINDS = {"date": "date", "boolean": "bool"}  # how a custom field's values show in a cell


def with_custom_fields(request, spec: RecordList) -> RecordList:
    """The list with its module's custom fields as columns, for a page that does not run the list operation
    (which reads them itself: `customFieldDefinitions`)."""
    return with_custom_columns(spec, gql.run(request, "CustomFieldColumns", {"module": spec.module_key})[
        "customFieldDefinitions"])


def with_custom_columns(spec: RecordList, definitions: list[dict]) -> RecordList:
    """The list with its module's custom fields as columns (offered in the picker, sortable, filterable)."""
    custom = tuple(Column(f"{CUSTOM}{d['key']}", d["label"], CUSTOM_KINDS.get(d["fieldType"], "text"),
                          f"{CUSTOM}{d['key']}", default=False, field_type=d["fieldType"],
                          choices=tuple(d["choices"] or ())) for d in definitions)
    return replace(spec, columns=(*spec.columns, *custom)) if custom else spec


def with_custom_values(node: dict) -> dict:
    """The node with its custom values under `custom` (`{key: value}`), where the columns' paths find them."""
    node["custom"] = {value["field"].removeprefix(CUSTOM): value["raw"] for value in node.get("customFields") or ()}
    return node


def list_url(module_key: str) -> str:
    """The list page of a record engine's module, or the home page when it has none yet."""
    spec = next((spec for spec in LISTS.values() if spec.module_key == module_key), None)
    return reverse("record-list", kwargs={"key": spec.key}) if spec else reverse("tenant-home")


def value_at(node: dict, path: str):
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
    return cursor_offset(cursor, RELAY_PREFIX) if cursor else None


FILTER_PARAMS = ("q", "tag", "owner")  # what a saved filter remembers, besides the columns and the sort


def conditions(spec: RecordList, params) -> dict | None:
    """The operation's `filters` from the page's parameters: text (OR over the searchable fields), tag, owner,
    and the custom fields'."""
    found = []
    text, tag, owner = (params.get(name, "").strip() for name in FILTER_PARAMS)
    if text and spec.search:
        found.append(text_filter(spec.search, text))
    if tag:
        found.append({"tag": tag})
    if owner:
        found.append({"owner": owner})  # the API answers a malformed id as bad input: the 400 page
    # `custom.<key>=…`, read by the field's type by the API, which refuses a value of another type (the 400 page).
    for name in sorted(params):
        if name.startswith(CUSTOM) and (value := params.get(name, "").strip()):
            found.append({"custom": {"key": name.removeprefix(CUSTOM), "matches": value}})
    combined = None
    for condition in reversed(found):
        combined = condition if combined is None else {**condition, "AND": combined}
    return combined


def variables(spec: RecordList, params, *, page_size: int | None = None) -> dict:
    found: dict = {"filters": conditions(spec, params)}
    if params.get("before"):
        found.update(last=page_size or PAGE_SIZE, before=params["before"])
    else:
        found.update(first=page_size or PAGE_SIZE, after=params.get("after") or None)
    sort = params.get("sort") or spec.default_sort
    field, direction = sort.lstrip("-"), "DESC" if sort.startswith("-") else "ASC"
    if field in spec.sorts() or field.startswith(CUSTOM):
        found["ordering"] = [{"custom": {"key": field.removeprefix(CUSTOM), "direction": direction}}
                             if field.startswith(CUSTOM) else {field: direction}]
    return found


def owner_name(owner: dict | None) -> str:
    if not owner:
        return ""
    return owner.get("name") or owner.get("fullName") or owner.get("email") or ""


def cells(columns: tuple[Column, ...], node: dict) -> list[dict]:
    row = []
    for column in columns:
        value = value_at(node, column.path)
        cell = {"kind": column.kind, "value": value, "currency": node.get("currency") or ""}
        if column.kind == "title":
            cell["url"] = reverse("record", args=[node["id"]])
        elif column.kind == "ref":
            target = value_at(node, column.path.rpartition(".")[0])
            cell["url"] = reverse("record", args=[target["id"]]) if target and target.get("id") else ""
        elif column.kind == "owner":
            cell.update(kind="text", value=owner_name(value))
        row.append(cell)
    return row


def chosen_columns(spec: RecordList, params) -> tuple[Column, ...]:
    return spec.visible(params.getlist("cols"))


def list_spec(key: str) -> RecordList:
    spec = LISTS.get(key)
    if spec is None:
        raise Http404
    return spec


def view_params(spec: RecordList, params) -> dict:
    """The parameters that make a view of the list (filters, sort, columns), as a saved filter stores them."""
    picked = params.getlist("cols")
    return {"filters": {name: params[name].strip() for name in spec.filter_params() if params.get(name, "").strip()},
            "columns": [column.path for column in spec.visible(picked)[1:]] if picked else [],
            "sort": params.get("sort", "")}


def view_query(saved: dict) -> str:
    """The list URL's query string of a saved view."""
    pairs = [*saved["filters"].items(), *(("cols", path) for path in saved["columns"])]
    if saved["sort"]:
        pairs.append(("sort", saved["sort"]))
    return urlencode(pairs)


def can_import(request, module: str) -> bool:
    """Whether the user may import CSV files into the module (its IMPORT right)."""
    rights = {right["module"]: right["actions"] for right in gql.run(request, "MyRights")["myRights"]}
    return "IMPORT" in rights.get(module, ())


@member_page
def record_list(request, key: str):
    spec = list_spec(key)
    data = gql.run(request, spec.operation, variables(spec, request.GET))
    spec, page = with_custom_columns(spec, data["customFieldDefinitions"]), data["list"]
    for edge in page["edges"]:
        with_custom_values(edge["node"])
    sort = request.GET.get("sort") or spec.default_sort
    info = page["pageInfo"]
    start = _offset(info["startCursor"])
    end = _offset(info["endCursor"])
    columns = chosen_columns(spec, request.GET)
    current = view_query(view_params(spec, request.GET))
    context = {
        "spec": spec, "page": page, "sort": sort,
        "rows": [{"node": edge["node"], "cells": cells(columns, edge["node"])} for edge in page["edges"]],
        "query": request.GET.get("q", ""), "tag": request.GET.get("tag", ""), "owner": request.GET.get("owner", ""),
        "range": (start + 1, end + 1) if start is not None and end is not None else None,
        "columns": [{"label": c.label, "sort": c.sort, "kind": c.kind,
                     "direction": "asc" if sort == c.sort else "desc" if sort == f"-{c.sort}" else ""}
                    for c in columns],
        "chosen": [column.path for column in columns],
        "export_query": request.GET.urlencode(), "add_label": ADD_LABELS[spec.key],
    }
    if not request.htmx or request.htmx.boosted:
        # The toolbar (saved filters, owners, column picker) is outside what htmx swaps: full pages only.
        saved = gql.run(request, "SavedFilters", {"module": spec.module_key})["savedFilters"]
        context.update(
            owners=[{"id": owner["id"], "name": owner_name(owner), "team": owner["__typename"] == "Team"}
                    for owner in gql.run(request, "Owners")["owners"]],
            saved_filters=[{**filter_, "query": view_query(filter_), "active": view_query(filter_) == current}
                           for filter_ in saved],
            optional_columns=spec.columns[1:], can_import=can_import(request, spec.module_key),
            custom_filters=[{"name": column.path, "label": column.label, "type": column.field_type,
                             "choices": column.choices, "value": request.GET.get(column.path, "")}
                            for column in spec.custom_columns()])
    return render_page(request, "web/app/list.html", context, title=spec.title)
