"""The actions of a record page: the verbs the API offers in the record's `availableActions` (quote → order,
order → invoice, send, accept, confirm, issue, record a payment, post, convert…), and a document's PDF and sending
it by email — each one mutation of the API, its refusals shown as they come. When a verb may run, and why not, is
the API's to say: nothing here knows a status."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from web import gql
from web.app import meta
from web.app.forms import Field, declared_field, payload_errors, run_mutation, to_variables
from web.app.labels import enum_label
from web.app.pages import member_page, render_page
from web.app.records import _node


@dataclass(frozen=True)
class Action:
    """How the record page runs a verb the API offers in `availableActions` (which says when and whether)."""

    operation: str = ""  # the mutation, called with the record's id and `variables`
    page: str = ""  # or a form of its own (URL name), the payment's
    opens_result: bool = False  # the page of the record the mutation answers comes next (the new order…)
    primary: bool = False
    variables: dict = field(default_factory=dict)


ACTIONS = {
    "Quote": {"send": Action("QuoteSend"), "accept": Action("QuoteAccept", primary=True),
              "refuse": Action("QuoteRefuse"), "to_order": Action("QuoteToOrder", opens_result=True, primary=True)},
    "SalesOrder": {"confirm": Action("OrderConfirm", primary=True),
                   "to_invoice": Action("OrderToInvoice", opens_result=True, primary=True),
                   "cancel": Action("OrderCancel")},
    "Invoice": {"issue": Action("InvoiceIssue", primary=True),
                "record_payment": Action(page="record-payment", primary=True)},
    "CreditNote": {"issue": Action("CreditNoteIssue", primary=True)},
    "JournalEntry": {"post": Action("EntryPost", primary=True), "reverse": Action("EntryReverse", opens_result=True)},
    "Lead": {"convert": Action("LeadConvert", primary=True, variables={"createDeal": False})},
}
DOCUMENTS = {"Quote", "SalesOrder", "Invoice", "CreditNote"}  # rendered as a PDF and sent by email


def actions_for(record: dict) -> dict | None:
    """The buttons of a record page (RecordPage's `__typename` and `availableActions`), or None: each verb the API
    offers and the web knows how to run, disabled with the API's reason when unavailable."""
    typename = record.get("__typename")
    known = ACTIONS.get(typename, {})
    verbs = []
    for offered in record.get("availableActions") or []:
        action = known.get(offered["verb"])
        if action is None:
            continue
        verbs.append({**offered, "key": offered["verb"].replace("_", "-"), "primary": action.primary,
                      "url": reverse(action.page, args=[record["id"]]) if action.page else ""})
    document = typename in DOCUMENTS
    if not verbs and not document:
        return None
    return {"verbs": verbs, "email": document, "pdf": document}


def _document(request, record_id: str) -> dict:
    document = _node(request, "DocumentState", {"id": record_id})
    if document["__typename"] not in DOCUMENTS:
        raise Http404
    return document


def _refused(request, payload: dict) -> None:
    for message in payload.get("messages") or []:
        messages.error(request, message["message"])


@member_page
@require_POST
def record_action(request, record_id: str, action: str):
    """One verb of the record's type, or a document's PDF (`pdf`); back to a record page with what happened."""
    if action == "pdf":
        document = _document(request, record_id)
        payload = run_mutation(request, "DocumentRender", {"id": document["id"]})
        if gql.failed(payload):
            _refused(request, payload)
            return HttpResponseRedirect(reverse("record", args=[document["id"]]))
        return HttpResponseRedirect(payload["url"])
    record = _node(request, "DocumentState", {"id": record_id})
    key = action.replace("-", "_")
    verb = ACTIONS.get(record["__typename"], {}).get(key)
    offered = next((offer for offer in record["availableActions"] if offer["verb"] == key), None)
    if verb is None or not verb.operation or offered is None:
        raise Http404
    page = reverse("record", args=[record["id"]])
    payload = run_mutation(request, verb.operation, {"id": record["id"], **verb.variables})
    if gql.failed(payload):
        _refused(request, payload)
        return HttpResponseRedirect(page)
    messages.success(request, _("%(action)s: done.") % {"action": offered["label"]})
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
