"""The line table of a sales document's edit form: add a line (a catalog item or free text, quantity, unit
price, VAT rate, discount) or remove one, through the document's line mutations (quoteLineAdd, …)."""

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web import gql
from web.app import meta
from web.app.forms import fragment_status, run_mutation, spec_for
from web.app.pages import member_page
from web.app.records import _node

EMPTY_LINE = {"itemId": "", "description": "", "quantity": "1", "unitPrice": "", "vatRate": "", "discountPercent": ""}


def _decimal(text: str):
    if text == "":
        return None
    try:
        return str(Decimal(text.replace(" ", "").replace(",", ".")))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None


def _line_input(typed: dict) -> tuple[dict, dict]:
    """The InvoiceLineInput of the typed line, or the errors of what cannot be read."""
    found, errors = {"itemId": typed["itemId"] or None, "description": typed["description"]}, {}
    for name in ("quantity", "unitPrice", "vatRate", "discountPercent"):
        try:
            value = _decimal(typed[name])
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        if value is not None:
            found[name] = value
    if not found["itemId"] and not found["description"]:
        errors["description"] = [_("Choose a product or service, or describe the line.")]
    return found, errors


@member_page
@require_http_methods(["GET", "POST"])
def record_lines(request, record_id: str):
    """The line table (htmx fragment of the edit page); POST `action=add` with the new line, or `action=remove`
    with its `position`."""
    document = _node(request, "DocumentLines", {"id": record_id})
    spec = spec_for(request, _module_of(request, document["__typename"]))
    if not spec.lines:
        raise Http404
    typed, errors, general = dict(EMPTY_LINE), {}, []
    if request.method == "POST":
        payload = None
        if request.POST.get("action") == "remove" and spec.removable_lines:
            position = request.POST.get("position", "")
            payload = run_mutation(request, f"{_operation(spec)}LineRemove", {
                f"{spec.lines}Id": document["id"], "position": int(position) if position.isdigit() else 0})
        elif request.POST.get("action") == "add":
            typed = {name: request.POST.get(name, "").strip() for name in EMPTY_LINE}
            line, errors = _line_input(typed)
            if not errors:
                payload = run_mutation(request, f"{_operation(spec)}LineAdd", {
                    f"{spec.lines}Id": document["id"], "input": line})
        if payload is not None and gql.failed(payload):
            errors, general = _line_errors(payload)
        elif payload is not None:
            typed = dict(EMPTY_LINE)
            document = _node(request, "DocumentLines", {"id": record_id})
    return render(request, "web/app/form/_lines.html", {
        "document": document, "spec": spec, "typed": typed, "errors": errors, "general": general,
        "item_label": _item_label(request, typed["itemId"]), "vat_rates": _vat_rates(request),
    }, status=fragment_status(request, errors or general))


def _line_errors(payload: dict) -> tuple[dict, list[str]]:
    """A refusal's messages on the inputs of the new line they name (`item` is the picker), the others above."""
    errors: dict[str, list[str]] = {}
    general = []
    for message in payload["messages"]:
        name = {"item": "itemId"}.get(message.get("field") or "", message.get("field") or "")
        if name in EMPTY_LINE:
            errors.setdefault(name, []).append(message["message"])
        else:
            general.append(message["message"])
    return errors, general


def _module_of(request, typename: str) -> str:
    record_type = meta.catalog(request).by_graphql_type.get(typename)
    if record_type is None:
        raise Http404
    return record_type["key"]


def _operation(spec) -> str:
    return spec.lines[:1].upper() + spec.lines[1:]


def _item_label(request, item_id: str) -> str:
    if not item_id:
        return ""
    try:
        nodes = gql.run(request, "RecordNames", {"ids": [item_id]})["nodes"]
    except gql.Unauthenticated:
        raise
    except gql.OperationError:
        return ""
    return nodes[0]["displayName"] if nodes and nodes[0] else ""


def _vat_rates(request) -> list[dict]:
    return [rate for rate in gql.run(request, "FormChoices")["vatRates"] if rate["active"]]
