"""Email in the web app: Settings → Email templates (merge fields checked by the API, refusals shown with what was
typed), Settings → Email (SMTP) (the password never shown again, the test send's coded failure), and a record page's
"Send email" action (the email kept on the record, then in its Updates)."""

import html
import socket

from tests.conftest import GraphQLClient
from tests.web import data
from tests.web.test_workflow_import_pages import plain_member  # noqa: F401 (a fixture)

TEMPLATES = """query($module: String) { emailTemplates(module: $module) { id module name subject body } }"""
TEMPLATE_SAVE = """mutation($input: EmailTemplateInput!) { emailTemplateSave(input: $input) {
  ... on EmailTemplate { id } ... on OperationInfo { messages { field code } } } }"""
SMTP = "{ smtpSettings { host port security username fromAddress passwordSet } }"
SMTP_SAVE = """mutation($input: SmtpSettingsInput!) { smtpSettingsSave(input: $input) { __typename } }"""
EMAILS = """query($id: ID!) { sentEmails(recordId: $id) { totalCount edges { node { to subject body status } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Record { history(first: 5) { edges { node { kind } } } } } }"""
PASSWORD = "web-s3cret-Passw0rd"


def templates(api, module: str | None = None) -> list[dict]:
    return api.execute(TEMPLATES, {"module": module})["data"]["emailTemplates"]


def welcome_template(api, module: str = "accounts") -> str:
    saved = api.execute(TEMPLATE_SAVE, {"input": {"module": module, "name": "Welcome",
                                                  "subject": "Welcome {{ account.name }}",
                                                  "body": "Dear {{ account.name }},\nwelcome aboard."}})
    return saved["data"]["emailTemplateSave"]["id"]


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_template_is_created_with_the_merge_fields_of_its_module_listed_then_edited(member, acme_admin_api):
    # given: the form lists the merge fields of the chosen module
    form = text(member.get("/settings/email-templates/new/?module=invoices"))
    assert "{{ invoice.number }}" in form and "{{ account.name }}" in form
    assert '<option value="invoices" selected>' in form
    # when
    response = member.post("/settings/email-templates/new/", {
        "module": "invoices", "name": "Reminder", "subject": "Invoice {{ invoice.number }}",
        "body": "Dear {{ account.name }},\r\nplease pay."})
    # then
    assert response.status_code == 302 and response.url == "/settings/email-templates/?module=invoices"
    [saved] = templates(acme_admin_api)
    assert (saved["module"], saved["name"]) == ("invoices", "Reminder")
    assert saved["subject"] == "Invoice {{ invoice.number }}"
    assert saved["body"] == "Dear {{ account.name }},\nplease pay."
    listed = text(member.get("/settings/email-templates/"))
    assert "Reminder" in listed and "Invoice {{ invoice.number }}" in listed and "Email template saved." in listed
    # when: edited
    edit_page = text(member.get(f"/settings/email-templates/{saved['id']}/"))
    assert 'value="Reminder"' in edit_page and "please pay." in edit_page
    response = member.post(f"/settings/email-templates/{saved['id']}/", {
        "module": "invoices", "name": "Reminder (2nd)", "subject": "Still due: {{ record.number }}", "body": "Hi"})
    assert response.status_code == 302
    assert [(t["name"], t["subject"]) for t in templates(acme_admin_api)] == [("Reminder (2nd)",
                                                                                "Still due: {{ record.number }}")]


def test_an_unknown_merge_field_is_shown_on_the_form_with_everything_typed_kept(member, acme_admin_api):
    # when
    response = member.post("/settings/email-templates/new/", {
        "module": "accounts", "name": "Hello there", "subject": "Hi {{ account.name }}",
        "body": "Dear {{ account.nmae }}, your {{ account.shoe_size }} is ready."})
    # then
    assert response.status_code == 400
    page = text(response)
    assert "Unknown merge field: account.nmae, account.shoe_size." in page
    assert 'value="Hello there"' in page and 'value="Hi {{ account.name }}"' in page
    assert ">Dear {{ account.nmae }}, your {{ account.shoe_size }} is ready.</textarea>" in page
    assert '<option value="accounts" selected>' in page
    assert templates(acme_admin_api) == []


def test_the_merge_fields_follow_the_module_chosen_in_the_form(member):
    # htmx asks the same page again with the new module and keeps its merge-fields block
    page = text(member.get("/settings/email-templates/new/?module=contacts", HTTP_HX_REQUEST="true"))
    assert 'id="merge-fields"' in page and "{{ contact.first_name }}" in page and "{{ invoice.number }}" not in page
    assert member.get("/settings/email-templates/new/?module=nothing").status_code == 404


def test_a_template_is_deleted_from_the_list(member, acme_admin_api):
    template_id = welcome_template(acme_admin_api)
    response = member.post("/settings/email-templates/?module=accounts", {"id": template_id})
    assert response.status_code == 302 and response.url == "/settings/email-templates/?module=accounts"
    assert templates(acme_admin_api) == []
    assert "No email template in this module yet." in text(member.get(response.url))


def test_smtp_settings_are_saved_and_the_password_is_never_shown_again(member, acme_admin_api):
    # when
    response = member.post("/settings/email/", {
        "action": "save", "host": "smtp.acme.example.com", "port": "465", "security": "SSL", "username": "mailer",
        "password": PASSWORD, "fromAddress": "billing@acme.example.com"})
    # then
    assert response.status_code == 302
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"] == {
        "host": "smtp.acme.example.com", "port": 465, "security": "SSL", "username": "mailer",
        "fromAddress": "billing@acme.example.com", "passwordSet": True}
    page = text(member.get("/settings/email/"))
    assert PASSWORD not in page and "A password is stored: leave this empty to keep it." in page
    assert 'value="smtp.acme.example.com"' in page and '<option value="SSL" selected>' in page
    # when: saved again without a password (kept), then refused with one typed (not echoed either)
    kept = member.post("/settings/email/", {"action": "save", "host": "smtp2.acme.example.com", "port": "587",
                                            "security": "STARTTLS", "username": "mailer", "password": "",
                                            "fromAddress": "billing@acme.example.com"})
    assert kept.status_code == 302
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"]["passwordSet"] is True
    refused = member.post("/settings/email/", {"action": "save", "host": "smtp3.acme.example.com", "port": "587",
                                               "security": "STARTTLS", "password": PASSWORD,
                                               "fromAddress": "not an address"})
    assert refused.status_code == 400
    page = text(refused)
    assert "Not an email address: not an address." in page and PASSWORD not in page
    assert 'value="smtp3.acme.example.com"' in page
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"]["host"] == "smtp2.acme.example.com"
    # when: the stored password is removed on purpose
    member.post("/settings/email/", {"action": "save", "host": "smtp2.acme.example.com", "port": "587",
                                     "security": "STARTTLS", "clearPassword": "on",
                                     "fromAddress": "billing@acme.example.com"})
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"]["passwordSet"] is False


def test_a_bad_port_is_refused_on_its_field(member, acme_admin_api):
    response = member.post("/settings/email/", {"action": "save", "host": "smtp.acme.example.com", "port": "99999",
                                                "security": "NONE", "fromAddress": "billing@acme.example.com"})
    assert response.status_code == 400
    assert "A port is a number from 1 to 65535." in text(response)
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"] is None


def test_a_failed_test_email_says_why(member, acme_admin_api, settings):
    # given: a server nothing answers at (on this machine, which tenants' servers may be here only)
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    port = closed_port()
    acme_admin_api.execute(SMTP_SAVE, {"input": {"host": "127.0.0.1", "port": port, "security": "NONE",
                                                 "fromAddress": "billing@acme.example.com"}})
    # when
    response = member.post("/settings/email/", {"action": "test", "to": "me@acme.example.com"})
    # then
    assert response.status_code == 400
    page = text(response)
    assert f"Could not reach the mail server 127.0.0.1:{port}" in page
    assert 'value="me@acme.example.com"' in page and "The test email was sent" not in page


def test_a_test_email_through_the_platform_service(member, mailoutbox):
    page = text(member.get("/settings/email/"))
    assert "the platform's mail service" in page and 'value="admin@acme.example.com"' in page  # the admin's own
    response = member.post("/settings/email/", {"action": "test", "to": "me@acme.example.com"})
    assert response.status_code == 200
    assert "The test email was sent to me@acme.example.com." in text(response)
    assert [message.to for message in mailoutbox] == [["me@acme.example.com"]]


def test_forgetting_the_mail_server(member, acme_admin_api):
    acme_admin_api.execute(SMTP_SAVE, {"input": {"host": "smtp.acme.example.com",
                                                 "fromAddress": "billing@acme.example.com"}})
    assert member.post("/settings/email/", {"action": "delete"}).status_code == 302
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"] is None


def test_an_email_is_sent_from_the_record_page_and_kept_on_the_record(member, acme_admin_api, jobs, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    # given
    account = data.account(acme_admin_api, "Globex & Co", email="boss@globex.example.com")
    template_id = welcome_template(acme_admin_api)
    page = text(member.get(f"/records/{account['id']}/"))
    assert f'href="/records/{account["id"]}/send-email/"' in page
    form = text(member.get(f"/records/{account['id']}/send-email/"))
    assert 'value="boss@globex.example.com"' in form and f'<option value="{template_id}" selected>' in form
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(f"/records/{account['id']}/send-email/", {"template": template_id,
                                                                          "to": "ceo@globex.example.com"})
    # then: kept on the record (pending), listed on its Summary
    assert response.status_code == 302 and response.url == f"/records/{account['id']}/"
    emails = acme_admin_api.execute(EMAILS, {"id": account["id"]})["data"]["sentEmails"]
    assert emails["totalCount"] == 1
    assert emails["edges"][0]["node"] == {"to": "ceo@globex.example.com", "subject": "Welcome Globex & Co",
                                          "body": "Dear Globex & Co,\nwelcome aboard.", "status": "PENDING"}
    page = text(member.get(response.url))
    assert "Welcome Globex & Co” to ceo@globex.example.com: it is on its way." in page
    assert 'id="record-emails"' in page and "To ceo@globex.example.com" in page and "Pending" in page
    # when: its job runs
    jobs()
    # then: sent, and in the record's Updates
    assert [message.to for message in mailoutbox] == [["ceo@globex.example.com"]]
    summary = text(member.get(f"/records/{account['id']}/tabs/summary/"))
    assert "Welcome Globex & Co" in summary and "Sent" in summary
    history = acme_admin_api.execute(HISTORY, {"id": account["id"]})["data"]["node"]["history"]["edges"]
    assert history[0]["node"]["kind"] == "EMAILED"
    assert "Emailed" in text(member.get(f"/records/{account['id']}/tabs/history/"))


def test_a_refused_send_is_shown_with_what_was_typed(member, acme_admin_api):
    account = data.account(acme_admin_api, "Initech")
    template_id = welcome_template(acme_admin_api)
    form = text(member.get(f"/records/{account['id']}/send-email/"))
    assert 'name="to" type="email" required' in form  # no address on the record: nothing prefilled
    response = member.post(f"/records/{account['id']}/send-email/", {"template": template_id, "to": "not-an-email"})
    assert response.status_code == 400
    page = text(response)
    assert "Not an email address: not-an-email." in page and 'value="not-an-email"' in page
    unknown = member.post(f"/records/{account['id']}/send-email/", {"template": "nope", "to": "a@initech.example.com"})
    assert unknown.status_code == 400 and "Choose a template." in text(unknown)
    assert acme_admin_api.execute(EMAILS, {"id": account["id"]})["data"]["sentEmails"]["totalCount"] == 0


def test_the_send_email_action_needs_a_template_of_the_module(member, acme_admin_api):
    account = data.account(acme_admin_api, "No Template Co")
    welcome_template(acme_admin_api, module="contacts")
    assert "/send-email/" not in text(member.get(f"/records/{account['id']}/"))
    assert "No email template for this module yet." in text(member.get(f"/records/{account['id']}/send-email/"))


def test_email_settings_are_for_administrators_and_sending_for_every_member(acme, acme_admin_api,
                                                                           plain_member):  # noqa: F811 (a fixture)
    account = data.account(acme_admin_api, "Plain Co", email="plain@plain.example.com")
    welcome_template(acme_admin_api)
    for url in ("/settings/email-templates/", "/settings/email-templates/new/", "/settings/email/"):
        assert plain_member.get(url).status_code == 403, url
    # the API refuses the settings to other members too
    assert GraphQLClient(acme.host, client=plain_member).execute(SMTP)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # templates are the company's: every member sends from them
    page = plain_member.get(f"/records/{account['id']}/")
    assert page.status_code == 200 and "/send-email/" in text(page)
    form = plain_member.get(f"/records/{account['id']}/send-email/")
    assert form.status_code == 200 and "Welcome" in text(form) and "plain@plain.example.com" in text(form)


def test_a_mail_server_on_a_private_network_is_refused_on_its_field(member, acme_admin_api, dns):
    dns["smtp.internal.example.com"] = ["192.168.0.25"]
    response = member.post("/settings/email/", {"action": "save", "host": "smtp.internal.example.com", "port": "587",
                                                "security": "STARTTLS", "fromAddress": "billing@acme.example.com"})
    assert response.status_code == 400
    assert "local, private and reserved networks are refused" in text(response)
    assert acme_admin_api.execute(SMTP)["data"]["smtpSettings"] is None
