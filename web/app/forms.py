"""Create and edit forms of the record types, generated from the module's layout (its blocks, in their order).

Each record type declares which of its fields its mutations accept and how to enter them (`FormSpec`); the
layout says where they go. What was typed survives a refusal: the form is rendered again with the API's field
errors next to the fields, and a stale `version` (someone saved the record in the meantime) is explained.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from strawberry.utils.str_converters import to_camel_case

from web import gql
from web.app import meta
from web.app.labels import enum_label, field_label
from web.app.lists import list_spec, list_url
from web.app.pages import member_page, render_page
from web.app.records import _node

CONFLICT = "conflict"


@dataclass(frozen=True)
class Field:
    kind: str = "text"  # text email url textarea int decimal date bool choice relation vat_rate unit
    input: str = ""  # the mutation's argument, when it is not the camelCased model field (accountId)
    module: str = ""  # relation: the module it points to ("items": products and services)
    choices: tuple[str, ...] = ()  # choice: the GraphQL enum's values
    on: str = "both"  # create | both: a create-only field (a quote's customer) is shown, not edited, later
    required: bool = False  # the mutation cannot run without it (a non-null argument)
    always: bool = False  # shown even when the layout's blocks do not name it (an argument of the verb only)
    label: str = ""  # the declared field's label (its verbose name), or a custom field's

    def input_name(self, name: str) -> str:
        return self.input or to_camel_case(name)


@dataclass(frozen=True)
class FormSpec:
    """What a type's forms run: its mutations (the verbs are code registered per type); the fields they edit come
    from the type's declaration (`fields`, filled per request by `spec_for`)."""

    module: str
    create: str
    update: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    flat: bool = False  # the create mutation takes the fields as arguments, not as one `input`
    lines: str = ""  # prefix of the document's line mutations (quote → quoteLineAdd)
    removable_lines: bool = True
    quick_variables: dict = field(default_factory=dict)  # what a quick create adds to the create mutation
    verb_fields: dict[str, Field] = field(default_factory=dict)  # arguments of the verb only, not of the model


MUTATIONS = {spec.module: spec for spec in (
    FormSpec("accounts", "AccountCreate", "AccountUpdate"),
    FormSpec("contacts", "ContactCreate", "ContactUpdate"),
    FormSpec("leads", "LeadCreate", "LeadUpdate"),
    FormSpec("deals", "DealCreate", "DealUpdate"),
    FormSpec("products", "ProductCreate", "ProductUpdate", quick_variables={"quickCreate": True}),
    FormSpec("services", "ServiceCreate", "ServiceUpdate", quick_variables={"quickCreate": True}),
    FormSpec("quotes", "QuoteCreate", "QuoteUpdate", flat=True, lines="quote"),
    FormSpec("sales_orders", "OrderCreate", "OrderUpdate", flat=True, lines="order"),
    FormSpec("invoices", "InvoiceCreate", "InvoiceUpdate", flat=True, lines="invoice"),
    FormSpec("credit_notes", "CreditNoteCreate", "CreditNoteUpdate", flat=True, lines="creditNote",
             removable_lines=False, verb_fields={"full": Field("bool", on="create", always=True)}),
    FormSpec("payments", "PaymentRecord", "PaymentUpdate"),
)}

# How a declared field kind is entered; a link to a record type is a relation field with quick create, a link to
# another model has its own widget.
WIDGETS = {"EMAIL": "email", "URL": "url", "LONG_TEXT": "textarea", "NUMBER": "int", "DECIMAL": "decimal",
           "MONEY": "decimal", "PERCENT": "decimal", "DATE": "date", "BOOLEAN": "bool", "CHOICE": "choice"}
LINK_WIDGETS = {"VatRate": Field("vat_rate", input="vatRateId"), "Unit": Field("unit")}


def declared_field(declared: dict) -> Field:
    """The form field of a field of the type's declaration (`RecordTypes`)."""
    options = {"on": "create" if declared["createOnly"] else "both", "required": declared["required"],
               "label": declared["label"]}
    if declared["kind"] == "LINK":
        if declared["linkModule"]:
            return Field("relation", input=f"{declared['graphqlName']}Id", module=declared["linkModule"], **options)
        return replace(LINK_WIDGETS[declared["linkType"]], **options)
    return Field(WIDGETS.get(declared["kind"], "text"), choices=tuple(c["value"] for c in declared["choices"]),
                 **options)


LABELS = {"full": gettext_lazy("Credit every line of the invoice")}


def spec_for(request, module: str) -> FormSpec:
    """The type's form: its mutations, and its declared form fields."""
    spec = MUTATIONS.get(module)
    record_type = meta.catalog(request).by_key.get(module)
    if spec is None or record_type is None:
        raise Http404
    declared = {name: declared_field(record_type["fieldsByName"][name]) for name in record_type["formFields"]}
    return replace(spec, fields={**declared, **spec.verb_fields})


def _spec_at(request, key: str) -> FormSpec:
    """The form of the type whose list is at `/<key>/`."""
    return spec_for(request, list_spec(request, key).module_key)


CUSTOM = "custom."
CUSTOM_KINDS = {"text": "text", "number": "int", "decimal": "decimal", "date": "date", "boolean": "bool",
                "choice": "choice"}


def custom_fields(layout: dict) -> dict[str, Field]:
    """The module's custom fields as form fields (`custom.<key>`): every module's mutations take them."""
    return {f"{CUSTOM}{d['key']}": Field(CUSTOM_KINDS.get(d["fieldType"], "text"), input=f"{CUSTOM}{d['key']}",
                                         choices=tuple(d["choices"] or ()), required=d["required"],
                                         label=d["label"]) for d in layout["customFieldDefinitions"]}


def _editable(spec: FormSpec, creating: bool, layout: dict) -> dict[str, Field]:
    return {**{name: f for name, f in spec.fields.items() if creating or f.on == "both"},
            **custom_fields(layout)}


# ---- values: from the record, from the form, to the mutation ---------------------------------------------


def values_of(fields: dict[str, Field], node: dict) -> dict:
    """The form's values from a record (RecordEdit): relations as {id, label}, the rest as the inputs show them."""
    values = {}
    custom = {value["field"]: value["raw"] for value in node.get("customFields") or ()}
    for name, f in fields.items():
        value = custom.get(name) if name.startswith(CUSTOM) else node.get(to_camel_case(name))
        if f.kind == "relation":
            values[name] = {"id": value["id"], "label": value["displayName"]} if value else None
        elif f.kind in ("vat_rate", "unit"):
            values[name] = (value or {}).get("id" if f.kind == "vat_rate" else "code") or ""
        elif f.kind == "bool":
            values[name] = bool(value)
        else:
            values[name] = "" if value is None else str(value)
    return values


def posted_values(request, fields: dict[str, Field]) -> dict:
    """What was typed, kept as typed; relations keep their id (their names are looked up to show them again)."""
    values = {}
    for name, f in fields.items():
        key = f.input_name(name)
        if f.kind == "bool":
            values[name] = key in request.POST
        elif f.kind == "relation":
            chosen = request.POST.get(key, "").strip()
            values[name] = {"id": chosen, "label": ""} if chosen else None
        else:
            values[name] = request.POST.get(key, "").strip()
    _name_relations(request, values, fields)
    return values


def _name_relations(request, values: dict, fields: dict[str, Field]) -> None:
    chosen = [values[name] for name, f in fields.items() if f.kind == "relation" and values.get(name)]
    if not chosen:
        return
    try:
        nodes = gql.run(request, "RecordNames", {"ids": [value["id"] for value in chosen]})["nodes"]
    except gql.Unauthenticated:
        raise
    except gql.OperationError:
        nodes = []  # an id that is no id of this graph: the mutation will say so on its field
    names = {node["id"]: node["displayName"] for node in nodes if node}
    for value in chosen:
        value["label"] = names.get(value["id"], "")


def _parse(f: Field, value):
    """The GraphQL value of a typed value; ValueError with the message to show when it is malformed."""
    if f.kind == "bool":
        return bool(value)
    if f.kind == "relation":
        return value["id"] if value else None
    if f.kind in ("int", "decimal", "date", "choice", "vat_rate", "unit") and value == "":
        return None
    if f.kind == "int":
        try:
            return int(value)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
    if f.kind == "decimal":
        try:
            return str(Decimal(value.replace(" ", "").replace(",", ".")))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if f.kind == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date (YYYY-MM-DD).")) from None
    if f.kind == "choice" and value not in f.choices:
        raise ValueError(_("Choose one of the proposed values."))
    return value


def to_variables(fields: dict[str, Field], values: dict) -> tuple[dict, dict]:
    """The mutation's input from the form's values, and the errors of values that cannot be sent as typed."""
    found, errors = {}, {}
    for name, f in fields.items():
        try:
            parsed = _parse(f, values.get(name))
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        if f.required and parsed in (None, ""):
            errors[name] = [_("This field is required.")]
            continue
        if name.startswith(CUSTOM):
            # Into the mutation's `custom` object; an emptied field is sent as null, which clears it.
            found.setdefault("custom", {})[name.removeprefix(CUSTOM)] = None if parsed == "" else parsed
            continue
        if parsed is None and f.kind == "choice":
            continue  # not chosen: the API's default (a lead keeps its source, a payment is a transfer)
        found[f.input_name(name)] = parsed
    return found, errors


def payload_errors(fields: dict[str, Field], payload: dict) -> tuple[dict, list[str], bool]:
    """A refusal's messages on the fields they name (the API names the argument or the model field), the others
    for the form as a whole, and whether the refusal is a version conflict."""
    by_input = {}
    for name, f in fields.items():
        by_input[f.input_name(name)] = name
        by_input[to_camel_case(name)] = name
    errors: dict[str, list[str]] = {}
    general, conflict = [], False
    for message in payload.get("messages") or []:
        if message.get("code") == CONFLICT:
            conflict = True
            continue
        field_name = message.get("field") or ""
        name = by_input.get(field_name) or by_input.get(field_name.split(".")[-1] if field_name else "")
        if name:
            errors.setdefault(name, []).append(message["message"])
        else:
            general.append(message["message"])
    return errors, general, conflict


def fragment_status(request, refused) -> int:
    """400 for a refused form, except to htmx, which swaps only successful answers into the page (htmx 2)."""
    return 400 if refused and not request.htmx else 200


def run_mutation(request, operation: str, variables: dict) -> dict:
    """The payload of a mutation whose root field is the only one of the operation."""
    return next(iter(gql.run(request, operation, variables).values()))


# ---- the form, as the layout arranges it ------------------------------------------------------------------


def layout_of(request, spec: FormSpec) -> dict:
    data = gql.run(request, "FormLayout", {"module": spec.module})
    if data["layout"] is None:
        raise Http404
    return {**data["layout"], "customFieldDefinitions": data["customFieldDefinitions"]}


def form_blocks(request, spec: FormSpec, layout: dict, fields: dict[str, Field], values: dict, errors: dict, *,
                names: list[str] | None = None, read_only: dict | None = None, prefix: str = "") -> list[dict]:
    """The layout's blocks with the editable fields (in the layout's order), or one block of `names` (a quick
    create, its element ids prefixed: it opens over a form with fields of the same names); fields the verb needs
    but the layout leaves out close the form."""
    blocks = [{"label": "", "fields": names}] if names is not None else [
        {"label": block.get("label"), "fields": block.get("fields", [])} for block in layout["blocks"]]
    placed = {name for block in blocks for name in block["fields"]}
    missing = [name for name, f in fields.items() if name not in placed and (f.required or f.always)]
    if missing:
        blocks.append({"label": _("Other"), "fields": missing})
    choices = _choices(request, fields)
    found = []
    for block in blocks:
        shown = []
        for name in block["fields"]:
            if name in fields:
                shown.append(_widget(spec, name, fields[name], values.get(name), errors.get(name), choices, prefix))
            elif read_only and name in read_only:
                shown.append({"name": name, "label": field_label(name), "kind": "read_only",
                              "value": read_only[name]})
        if shown:
            found.append({"label": block["label"], "fields": shown})
    return found


def _choices(request, fields: dict[str, Field]) -> dict:
    if not any(f.kind in ("vat_rate", "unit") for f in fields.values()):
        return {}
    data = gql.run(request, "FormChoices")
    return {
        "vat_rate": [{"value": rate["id"], "label": rate["label"] or f"{rate['rate']} %"}
                     for rate in data["vatRates"] if rate["active"]],
        "unit": [{"value": unit["code"], "label": unit["label"]} for unit in data["units"]],
    }


def _widget(spec: FormSpec, name: str, f: Field, value, errors, choices: dict, prefix: str) -> dict:
    widget = {"name": name, "input": f.input_name(name), "id": f"{prefix}id_{f.input_name(name)}",
              "box": f"{prefix}field-{f.input_name(name)}",
              "label": f.label or LABELS.get(name) or field_label(name),
              "kind": f.kind, "value": value, "errors": errors or [], "required": f.required, "module": f.module}
    if f.kind == "choice":
        # A custom field's choices are the tenant's own words, shown as written.
        widget["choices"] = [{"value": choice, "label": choice if name.startswith(CUSTOM) else enum_label(choice)}
                             for choice in f.choices]
    elif f.kind in choices:
        widget["choices"] = choices[f.kind]
    if f.kind == "relation":
        widget["quick"] = f.module in MUTATIONS and f.module != spec.module
        widget["quick_key"] = _list_key(f.module)
    return widget


def _list_key(module: str) -> str:
    record_type = meta.current().by_key.get(module)
    return record_type["path"] if record_type else ""


# ---- pages ------------------------------------------------------------------------------------------------


def _new_title(layout: dict) -> str:
    return _("New %(record)s") % {"record": layout["module"]["label"].lower()}


@member_page
@require_http_methods(["GET", "POST"])
def record_new(request, key: str):
    """The "+ Add <record>" form."""
    spec = _spec_at(request, key)
    layout = layout_of(request, spec)
    fields = _editable(spec, creating=True, layout=layout)
    values, errors, general = {name: _initial(request, name, f) for name, f in fields.items()}, {}, []
    if request.method == "POST":
        values = posted_values(request, fields)
        created, errors, general = _create(request, spec, fields, values)
        if created:
            # A document gets its lines on its edit page; other records are done.
            return HttpResponseRedirect(reverse("record-edit" if spec.lines else "record", args=[created["id"]]))
    else:
        _name_relations(request, values, fields)
    return render_page(request, "web/app/form.html", {
        "spec": spec, "blocks": form_blocks(request, spec, layout, fields, values, errors), "general": general,
        "cancel_url": list_url(spec.module), "heading": _new_title(layout),
        "list_title": layout["module"]["labelPlural"], "list_url": list_url(spec.module),
    }, title=_new_title(layout), status=400 if errors or general else 200)


def _initial(request, name: str, f: Field):
    """A value given in the address (`?accountId=…` from an account's page), else empty."""
    given = request.GET.get(f.input_name(name), "")
    if f.kind == "relation":
        return {"id": given, "label": ""} if given else None
    if f.kind == "bool":
        return given in ("1", "true", "on") if given else name == "full"
    return given


def _create(request, spec: FormSpec, fields: dict[str, Field], values: dict, extra: dict | None = None):
    """The created record's payload, or the errors of the fields and of the form."""
    variables, errors = to_variables(fields, values)
    if errors:
        return None, errors, []
    # Left empty: the record's defaults (a country, a validity) rather than a blank value.
    variables = {name: value for name, value in variables.items() if value not in ("", None)}
    if "custom" in variables:
        variables["custom"] = {key: value for key, value in variables["custom"].items() if value is not None}
    arguments = {**variables, **(extra or {})} if spec.flat else {"input": variables, **(extra or {})}
    payload = run_mutation(request, spec.create, arguments)
    if gql.failed(payload):
        errors, general, _conflict = payload_errors(fields, payload)
        return None, errors, general
    return payload, {}, []


@member_page
@require_http_methods(["GET", "POST"])
def record_edit(request, record_id: str):
    """The edit form of a record (and the line table of a document)."""
    node = _node(request, "RecordEdit", {"id": record_id})
    if "customer" in node:  # a deal's or a document's account (RecordEdit)
        node["account"] = node.pop("customer")
    spec = spec_for(request, node["module"]["key"])
    if not spec.update and not spec.lines:
        raise Http404
    layout = layout_of(request, spec)
    fields = _editable(spec, creating=False, layout=layout) if spec.update else {}
    values, errors, general, conflict = values_of({**spec.fields, **fields}, node), {}, [], False
    version = node["version"]
    if request.method == "POST" and spec.update:
        # What the form sent (a checkbox sends nothing when unticked); the other fields keep their value.
        sent = {name: f for name, f in fields.items() if f.kind == "bool" or f.input_name(name) in request.POST}
        values = {**values, **posted_values(request, sent)}
        variables, errors = to_variables(sent, values)
        if not errors:
            version = _int(request.POST.get("version"), node["version"])
            payload = run_mutation(request, spec.update, {"id": node["id"], "version": version, "input": variables})
            if not gql.failed(payload):
                return HttpResponseRedirect(reverse("record", args=[node["id"]]))
            errors, general, conflict = payload_errors(fields, payload)
    read_only = {name: (value or {}).get("label") if isinstance(value, dict) or value is None else value
                 for name, value in values_of(spec.fields, node).items() if name not in fields}
    title = _("Edit %(record)s") % {"record": node["displayName"]}
    return render_page(request, "web/app/form.html", {
        "spec": spec, "record": node, "version": version, "conflict": conflict, "general": general,
        "blocks": form_blocks(request, spec, layout, fields, values, errors, read_only=read_only) if fields else [],
        "read_only": [] if fields else [{"label": spec.fields[n].label or field_label(n), "value": v}
                                         for n, v in read_only.items() if v not in ("", None, False)],
        "cancel_url": reverse("record", args=[node["id"]]), "heading": title,
        "list_title": node["module"]["labelPlural"], "list_url": list_url(spec.module),
    }, title=title, status=409 if conflict else 400 if errors or general else 200)


def _int(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


@member_page
@require_http_methods(["GET", "POST"])
def quick_create(request, key: str):
    """The short create form of a related record, in a dialog over the form that needs it (htmx). Once created,
    the dialog closes and the relation field of that form (`?field=`) holds the new record."""
    spec = _spec_at(request, key)
    layout = layout_of(request, spec)
    target = request.GET.get("field", "")
    creatable = _editable(spec, creating=True, layout=layout)
    names = [name for name in layout["quickCreateFields"] if name in creatable]
    names += [name for name, f in creatable.items() if f.required and name not in names]
    fields = {name: creatable[name] for name in names}
    values, errors, general = {name: _initial(request, name, f) for name, f in fields.items()}, {}, []
    if request.method == "POST":
        values = posted_values(request, fields)
        created, errors, general = _create(request, spec, fields, values, spec.quick_variables)
        if created:
            return render(request, "web/app/form/_quick_done.html", {
                "field": target, "option": {"id": created["id"], "label": created["displayName"]}})
    blocks = form_blocks(request, spec, layout, fields, values, errors, names=names, prefix="quick-")
    for block in blocks:
        for widget in block["fields"]:
            widget["quick"] = False  # no dialog over the dialog
    return render(request, "web/app/form/_quick.html", {
        "key": key, "blocks": blocks, "general": general, "field": target, "heading": _new_title(layout),
    }, status=fragment_status(request, errors or general))


ITEMS = ["products", "services"]  # a line table's item: either


@member_page
@require_GET
def lookup(request, module: str):
    """The options of a relation field matching what was typed (the global search, restricted to the module),
    the best match chosen."""
    if module != "items" and module not in meta.catalog(request).by_key:
        raise Http404
    text = request.GET.get("q", "").strip()
    hits = gql.run(request, "Search", {"text": text, "modules": ITEMS if module == "items" else [module]})["search"] \
        if text else []
    return render(request, "web/app/form/_options.html", {
        "options": [{"id": hit["record"]["id"], "label": hit["record"]["displayName"],
                     "module": hit["record"]["module"]["label"] if module == "items" else ""} for hit in hits],
    })
