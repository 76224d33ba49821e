"""List pages of record types, built from the type's declaration as the API describes it (`RecordTypes`: its
columns, searchable fields and default sort), one view for all.

Each list runs its type's named operation of `graphql/operations/app/web/` (`<Type>List`, root field aliased
`list`), with the text filter as `iContains` lookups joined by OR, the tag filter, the ordering and relay pagination.
"""

from dataclasses import dataclass, replace
from functools import cache
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import reverse

from saas.core.pagination import RELAY_PREFIX, cursor_offset
from web import gql
from web.app import meta
from web.app.pages import member_page, render_page

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    path: str  # in the node, dotted: "account.name"; a custom field: "custom.<key>"
    label: str
    kind: str = "text"  # title | text | ref | date | money | enum | bool | percent | owner
    sort: str = ""  # the ordering field of the GraphQL type, when the list sorts on this column
    default: bool = True  # shown until the user picks the columns
    field_type: str = ""  # a custom field's type (text, number, decimal, date, boolean, choice)
    choices: tuple = ()  # a custom choice field's values; a declared choice field's {value, label, tone}


@dataclass(frozen=True)
class RecordList:
    key: str  # the URL: /<key>/
    title: str
    operation: str
    columns: tuple[Column, ...]
    search: tuple[str, ...] = ()  # GraphQL filter paths matched by the text box; none: no filter input
    default_sort: str = ""  # "name", or "-date" for newest first
    module_key: str = ""  # the record engine's module key
    add_label: str = ""
    filters: tuple[dict, ...] = ()  # declared choice filters: {path, label, choices}, the path is the parameter

    def visible(self, chosen: list[str]) -> tuple[Column, ...]:
        """The columns the user picked (the title column always first), or the default ones."""
        picked = [column for column in self.columns[1:] if column.path in chosen]
        return (self.columns[0], *(picked or [column for column in self.columns[1:] if column.default]))

    def sorts(self) -> set[str]:
        return {column.sort for column in self.columns if column.sort} | ({self.default_sort.lstrip("-")} - {""})

    def custom_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.path.startswith(CUSTOM))

    def filter_params(self) -> tuple[str, ...]:
        """The page's filter parameters: text, tag, owner, one per declared filter (`status=ISSUED`) and one per
        custom field (`custom.<key>=value`)."""
        return (*FILTER_PARAMS, *(f["path"] for f in self.filters), *(column.path for column in self.custom_columns()))


# How a field kind of the API shows in a cell.
CELL_KINDS = {"LINK": "ref", "DATE": "date", "DATETIME": "date", "MONEY": "money", "CHOICE": "enum",
              "BOOLEAN": "bool", "PERCENT": "percent", "OWNER": "owner"}


def list_operation(record_type: dict) -> str | None:
    """The type's list operation, when the web app has one (a type without one has no list page yet)."""
    operation = f"{record_type['graphqlType']}List"
    try:
        gql.document(operation)
    except LookupError:
        return None
    return operation


def _list_of(record_type: dict) -> RecordList:
    columns = tuple(Column(column["path"], column["label"], "title" if position == 0 else
                           CELL_KINDS.get(column["kind"], "text"), column["sort"] or "", default=column["shown"],
                           choices=tuple(column["choices"]))
                    for position, column in enumerate(record_type["listColumns"]))
    return RecordList(record_type["path"], record_type["labelPlural"], list_operation(record_type), columns,
                      search=tuple(record_type["searchable"]), default_sort=record_type["listSort"],
                      module_key=record_type["key"], add_label=record_type["addLabel"],
                      filters=tuple(record_type["listFilters"]))


def record_lists(request) -> dict[str, RecordList]:
    """Every list page, by its address's key, in navigation order."""
    return lists_of(meta.catalog(request))


@cache
def lists_of(catalog: meta.Catalog) -> dict[str, RecordList]:
    return {t["path"]: _list_of(t) for t in catalog.types if t["listColumns"] and list_operation(t)}


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
    """The list page of a record engine's module, or the home page when it has none yet (pages read the catalog
    first: `member_page`)."""
    catalog = meta.current()
    record_type = catalog.by_key.get(module_key) if catalog else None
    if record_type is None or not record_type["listColumns"] or not list_operation(record_type):
        return reverse("tenant-home")
    return reverse("record-list", kwargs={"key": record_type["path"]})


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
    for declared in spec.filters:
        if value := params.get(declared["path"], "").strip():
            if value not in {choice["value"] for choice in declared["choices"]}:
                raise BadRequest("The filter's value is none of its field's choices.")
            found.append({declared["path"]: {"exact": value}})
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
        elif column.kind == "enum":
            choice = next((c for c in column.choices if isinstance(c, dict) and c["value"] == value), None)
            if choice:
                cell.update(label=choice["label"], tone=choice["tone"])
        row.append(cell)
    return row


def chosen_columns(spec: RecordList, params) -> tuple[Column, ...]:
    return spec.visible(params.getlist("cols"))


def list_spec(request, key: str) -> RecordList:
    spec = record_lists(request).get(key)
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
    spec = list_spec(request, key)
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
        "export_query": request.GET.urlencode(), "add_label": spec.add_label,
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
            declared_filters=[{**declared, "value": request.GET.get(declared["path"], "")}
                              for declared in spec.filters],
            custom_filters=[{"name": column.path, "label": column.label, "type": column.field_type,
                             "choices": column.choices, "value": request.GET.get(column.path, "")}
                            for column in spec.custom_columns()])
    return render_page(request, "web/app/list.html", context, title=spec.title)
