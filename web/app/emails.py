"""The "Send email" action of a record page: one of the templates of the record's module, to an address (the
record's own, else its contact's or its customer's), sent by the API (recordEmailSend) after its transaction; the
email then shows in the record's Emails block and, once its outcome is known, in its Updates."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web import gql
from web.app.pages import member_page, render_page
from web.app.records import _node


@member_page
@require_http_methods(["GET", "POST"])
def record_email_send(request, record_id: str):
    """Choose a template and a recipient, send; back to the record page, where the email is listed."""
    record = _node(request, "RecordEmailForm", {"id": record_id})
    offer = gql.run(request, "RecordEmailTemplates", {"id": record["id"], "module": record["module"]["key"]})
    templates = offer["emailTemplates"]
    values = {"template": request.GET.get("template") or (templates[0]["id"] if templates else ""),
              "to": offer["emailRecipient"]}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {"template": request.POST.get("template", ""), "to": request.POST.get("to", "").strip()}
        if values["template"] not in {template["id"] for template in templates}:
            errors = {"templateId": [_("Choose a template.")]}
        else:
            payload = gql.run(request, "RecordEmailSend", {"recordId": record["id"], "templateId": values["template"],
                                                           "to": values["to"]})["recordEmailSend"]
            if not gql.failed(payload):
                messages.success(request, _("Email “%(subject)s” to %(to)s: it is on its way.")
                                 % {"subject": payload["subject"], "to": payload["to"]})
                return HttpResponseRedirect(reverse("record", args=[record["id"]]))
            errors = gql.form_errors(payload)
    return render_page(request, "web/app/record_email.html", {
        "record": record, "templates": templates, "values": values, "errors": errors,
        "general": errors.get("", []) + errors.get("recordId", []),
    }, title=_("Send email"), status=400 if errors else 200)
