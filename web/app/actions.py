"""The actions of a sales document's record page: quote → order, order → invoice, send, accept, confirm, issue,
record a payment, the PDF and sending it by email — each one mutation of the API, its refusals shown as they come
(issuing without the customer's SIREN once e-invoicing applies, accepting an expired quote…)."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from web import gql
from web.app import meta
from web.app.forms import Field, declared_field, payload_errors, run_mutation, to_variables
from web.app.labels import enum_label
from web.app.pages import member_page, render_page
from web.app.records import _node


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    operation: str
    statuses: tuple[str, ...]  # the statuses of the document that offer it
    opens_result: bool = False  # the page of the record the mutation answers comes next (the new order…)
    primary: bool = False


ACTIONS = {
    "Quote": (
        Action("send", gettext_lazy("Mark as sent"), "QuoteSend", ("DRAFT",)),
        Action("accept", gettext_lazy("Accept"), "QuoteAccept", ("DRAFT", "SENT"), primary=True),
        Action("to-order", gettext_lazy("Convert to order"), "QuoteToOrder", ("ACCEPTED",), True, primary=True),
    ),
    "SalesOrder": (
        Action("confirm", gettext_lazy("Confirm"), "OrderConfirm", ("DRAFT",), primary=True),
        Action("to-invoice", gettext_lazy("Invoice"), "OrderToInvoice", ("CONFIRMED", "PARTIALLY_INVOICED"), True,
               primary=True),
    ),
    "Invoice": (Action("issue", gettext_lazy("Issue"), "InvoiceIssue", ("DRAFT",), primary=True),),
    "CreditNote": (Action("issue", gettext_lazy("Issue"), "CreditNoteIssue", ("DRAFT",), primary=True),),
}
STATUS_FIELDS = {"Quote": "quoteStatus", "SalesOrder": "orderStatus", "Invoice": "invoiceStatus",
                 "CreditNote": "creditNoteStatus"}


def actions_for(record: dict) -> dict | None:
    """What the record page offers for a document (RecordPage's `__typename` and header status), or None."""
    typename = record.get("__typename")
    if typename not in ACTIONS:
        return None
    status = next((str(field["raw"]).upper() for field in record.get("header", []) if field["field"] == "status"),
                  "")
    return {
        "verbs": [action for action in ACTIONS[typename] if status in action.statuses],
        "payment": typename == "Invoice" and status == "ISSUED",
        "email": True, "pdf": True,
    }


def _document(request, record_id: str) -> dict:
    document = _node(request, "DocumentState", {"id": record_id})
    if document["__typename"] not in ACTIONS:
        raise Http404
    document["status"] = document.get(STATUS_FIELDS[document["__typename"]])
    return document


def _refused(request, payload: dict) -> None:
    for message in payload.get("messages") or []:
        messages.error(request, message["message"])


@member_page
@require_POST
def record_action(request, record_id: str, action: str):
    """One verb of the document's pipeline, or its PDF (`pdf`); back to a record page with what happened."""
    document = _document(request, record_id)
    page = reverse("record", args=[document["id"]])
    if action == "pdf":
        payload = run_mutation(request, "DocumentRender", {"id": document["id"]})
        if gql.failed(payload):
            _refused(request, payload)
            return HttpResponseRedirect(page)
        return HttpResponseRedirect(payload["url"])
    verb = next((a for a in ACTIONS[document["__typename"]] if a.key == action), None)
    if verb is None:
        raise Http404
    payload = run_mutation(request, verb.operation, {"id": document["id"]})
    if gql.failed(payload):
        _refused(request, payload)
        return HttpResponseRedirect(page)
    messages.success(request, _("%(action)s: done.") % {"action": verb.label})
    return HttpResponseRedirect(reverse("record", args=[payload["id"]]) if verb.opens_result else page)


PAYMENT_FIELDS = {"amount": Field("decimal", required=True), "date": Field("date"), "reference": Field()}


def _payment_fields(request) -> dict[str, Field]:
    """The payment's fields, its methods as the payment's declaration gives them."""
    method = declared_field(meta.catalog(request).field("payments", "method"))
    return {**PAYMENT_FIELDS, "method": Field("choice", choices=method.choices)}


@member_page
@require_http_methods(["GET", "POST"])
def record_payment(request, record_id: str):
    """Record a payment of an issued invoice: amount (what is due, unless told), date, method, reference."""
    document = _document(request, record_id)
    if document["__typename"] != "Invoice":
        raise Http404
    values = {"amount": document["amountDue"], "date": "", "method": "TRANSFER", "reference": ""}
    errors, general = {}, []
    fields = _payment_fields(request)
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in fields}
        variables, errors = to_variables(fields, values)
        if not errors:
            payload = run_mutation(request, "PaymentRecord", {"input": {
                **variables, "accountId": document["account"]["id"],
                "allocations": [{"invoiceId": document["id"], "amount": variables["amount"]}]}})
            if not gql.failed(payload):
                messages.success(request, _("Payment %(number)s recorded.") % {"number": payload["number"]})
                return HttpResponseRedirect(reverse("record", args=[document["id"]]))
            errors, general, _conflict = payload_errors(fields, payload)
    return render_page(request, "web/app/action_form.html", {
        "document": document, "action": "payment", "values": values, "errors": errors, "general": general,
        "methods": [{"value": m, "label": enum_label(m)} for m in fields["method"].choices],
        "heading": _("Record a payment for %(invoice)s") % {"invoice": document["displayName"]},
    }, title=_("Record a payment"), status=400 if errors or general else 200)


@member_page
@require_http_methods(["GET", "POST"])
def record_email(request, record_id: str):
    """Send the document's PDF by email: to the addresses given (by default its contact's, else the customer's),
    with a message."""
    document = _document(request, record_id)
    default = ((document.get("contact") or {}).get("email") or (document.get("account") or {}).get("email") or "")
    values = {"to": default, "message": ""}
    errors, general = {}, []
    if request.method == "POST":
        values = {"to": request.POST.get("to", "").strip(), "message": request.POST.get("message", "").strip()}
        recipients = [address.strip() for address in values["to"].replace(";", ",").split(",") if address.strip()]
        payload = run_mutation(request, "DocumentSend", {"id": document["id"], "to": recipients or None,
                                                         "message": values["message"]})
        if not gql.failed(payload):
            messages.success(request, _("Sent to %(recipients)s.") % {"recipients": ", ".join(payload["recipients"])})
            return HttpResponseRedirect(reverse("record", args=[document["id"]]))
        errors = gql.form_errors(payload)
        general = errors.pop("", []) + errors.pop("id", [])
    return render_page(request, "web/app/action_form.html", {
        "document": document, "action": "email", "values": values, "errors": errors, "general": general,
        "heading": _("Send %(document)s by email") % {"document": document["displayName"]},
    }, title=_("Send by email"), status=400 if errors or general else 200)
