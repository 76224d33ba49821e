"""Email for the company's administrators: the templates of each module (merge fields checked by the API on save)
and the company's own mail server (SMTP), with a test send that says why it failed. The password of the server is
write-only: the API never gives it back, and the form never shows what was typed.

Also what a record page shows of email: the templates its "Send email" action offers, and the latest emails sent
about the record (web.app.emails sends them)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.pages import render_page
from web.app.settings import admin_page, saved

DEFAULT_MODULE = "accounts"
TEMPLATE_FIELDS = ("module", "name", "subject", "body")
SECURITIES = (("STARTTLS", gettext_lazy("TLS (STARTTLS)")), ("SSL", gettext_lazy("SSL/TLS")),
              ("NONE", gettext_lazy("None")))
SMTP_FIELDS = ("host", "port", "security", "username", "fromAddress")
DEFAULT_PORT = "587"
EMAIL_TONES = {"SENT": "good", "FAILED": "bad", "PENDING": "warn"}


def _by_module(templates: list[dict], modules: list[dict]) -> list[dict]:
    """Templates grouped under their module, in the order of the modules."""
    return [{"module": module, "templates": [t for t in templates if t["module"] == module["key"]]}
            for module in modules if any(t["module"] == module["key"] for t in templates)]


@admin_page
def email_templates(request):
    """Every template (or one module's), grouped by module; deleted from here."""
    module = request.GET.get("module") or ""
    if request.method == "POST":
        payload = gql.run(request, "EmailTemplateDelete", {"id": request.POST.get("id", "")})["emailTemplateDelete"]
        if gql.failed(payload):
            for message in payload["messages"]:
                messages.error(request, message["message"])
        else:
            messages.success(request, _("Email template deleted."))
        return HttpResponseRedirect(request.get_full_path())
    data = gql.run(request, "EmailTemplateSettings", {"module": module or None})
    if module and module not in {m["key"] for m in data["modules"]}:
        raise Http404
    return render_page(request, "web/app/settings/email_templates.html", {
        "modules": data["modules"], "module": module, "groups": _by_module(data["emailTemplates"], data["modules"]),
    }, title=_("Email templates"))


def merge_field_groups(fields: list[str]) -> list[dict]:
    """`invoice.number`, `account.name`, `account.email`… grouped by what they start from: the record itself (the
    API lists its own fields first), then each record it links to."""
    groups: dict[str, list[str]] = {}
    for path in fields:
        groups.setdefault(path.partition(".")[0], []).append(path)
    return [{"root": root, "fields": paths, "is_record": index == 0}
            for index, (root, paths) in enumerate(groups.items())]


@admin_page
def email_template_edit(request, template_id: str | None = None):
    """Create or change a template: module, name, subject, body; the merge fields of the module are listed beside
    it. A refusal (an unknown merge field…) is shown on its field, with everything typed kept."""
    data = gql.run(request, "EmailTemplateSettings", {"module": None})
    stored = None
    if template_id:
        stored = next((t for t in data["emailTemplates"] if t["id"] == template_id), None)
        if stored is None:
            raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "") for name in TEMPLATE_FIELDS}
        # Browsers post a textarea's line breaks as CRLF; the email is written with the template's own breaks.
        typed["body"] = typed["body"].replace("\r\n", "\n")
        template_input = {**typed, "id": template_id} if template_id else typed
        payload = gql.run(request, "EmailTemplateSave", {"input": template_input})["emailTemplateSave"]
        if not gql.failed(payload):
            messages.success(request, _("Email template saved."))
            return HttpResponseRedirect(f"{reverse('settings-email-templates')}?module={payload['module']}")
        errors = gql.form_errors(payload)
    elif stored:
        typed = {name: stored[name] for name in TEMPLATE_FIELDS}
    else:
        typed = dict.fromkeys(TEMPLATE_FIELDS, "")
        typed["module"] = DEFAULT_MODULE
    if request.method == "GET" and request.GET.get("module"):
        # The module chosen in the form (htmx asks again for the merge fields of the new choice).
        typed["module"] = request.GET["module"]
    modules = data["modules"]
    if request.method == "GET" and typed["module"] not in {m["key"] for m in modules}:
        raise Http404
    fields = gql.run(request, "EmailMergeFields", {"module": typed["module"]})["emailMergeFields"]
    return render_page(request, "web/app/settings/email_template_form.html", {
        "template": typed, "stored": stored, "errors": errors, "modules": modules,
        "merge_fields": merge_field_groups(fields),
        "other_errors": [message for field, found in errors.items() if field not in TEMPLATE_FIELDS
                         for message in found],
    }, title=_("Edit email template") if stored else _("New email template"), status=400 if errors else 200)


def _smtp_input(post) -> tuple[dict, dict]:
    """What the SMTP form typed (to show again, the password left out) and the SmtpSettingsInput it makes."""
    typed = {name: post.get(name, "").strip() for name in SMTP_FIELDS}
    port = typed["port"] or DEFAULT_PORT
    smtp = {**typed, "port": int(port) if port.isdigit() else -1}  # -1: refused by the API with its own message
    if smtp["security"] not in dict(SECURITIES):
        smtp["security"] = "STARTTLS"
    password = post.get("password", "")
    if post.get("clearPassword") == "on":
        smtp["password"] = ""
    elif password:
        smtp["password"] = password
    # else: left out, the stored password is kept
    return typed, smtp


@admin_page
def smtp_settings(request):
    """The company's mail server: saved (the password only when one is typed), tested, or forgotten (the platform's
    mail service sends again)."""
    me = gql.run(request, "Me")["me"]
    current = gql.run(request, "SmtpSettingsForm")["smtpSettings"]
    values = {name: "" if current is None or current[name] is None else str(current[name]) for name in SMTP_FIELDS}
    if current is None:
        values.update(port=DEFAULT_PORT, security="STARTTLS")
    errors: dict[str, list[str]] = {}
    test = {"to": me["user"]["email"], "sent": None, "errors": []}
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "save":
        values, smtp = _smtp_input(request.POST)
        payload = gql.run(request, "SmtpSettingsSave", {"input": smtp})["smtpSettingsSave"]
        if not gql.failed(payload):
            messages.success(request, _("Mail server saved."))
            return saved(request)
        errors = gql.form_errors(payload)
    elif request.method == "POST" and action == "delete":
        payload = gql.run(request, "SmtpSettingsDelete")["smtpSettingsDelete"]
        if not gql.failed(payload):
            messages.success(request, _("Mail server forgotten: the platform's mail service sends your email."))
            return saved(request)
        errors = gql.form_errors(payload)
    elif request.method == "POST" and action == "test":
        test["to"] = request.POST.get("to", "").strip()
        payload = gql.run(request, "SmtpTest", {"to": test["to"]})["smtpTest"]
        if gql.failed(payload):
            test["errors"] = [message["message"] for message in payload["messages"]]
        else:
            test["sent"] = payload["to"]
    return render_page(request, "web/app/settings/smtp.html", {
        "current": current, "values": values, "errors": errors, "securities": SECURITIES, "test": test,
        "other_errors": [message for field, found in errors.items() if field not in (*SMTP_FIELDS, "password")
                         for message in found],
    }, title=_("Email (SMTP)"), status=400 if errors or test["errors"] else 200)


def sent_emails(emails: dict) -> dict:
    """The Emails block of a record's Summary (its latest emails), each with the tone of its status."""
    return {"totalCount": emails["totalCount"],
            "items": [{**edge["node"], "tone": EMAIL_TONES.get(edge["node"]["status"], "neutral")}
                      for edge in emails["edges"]]}
