"""Emails about a record: written from a template, kept on the record, sent by a job after the commit, retried
when the server is down, and shown in the record's history and timeline."""

from django.db import connection

from saas.crm import services as crm
from saas.mailing import services
from saas.mailing.enums import EmailStatus
from saas.mailing.models import SentEmail
from tests.access.conftest import staff
from tests.access.test_field_rights import restrict_sales
from tests.conftest import messages
from tests.helpers import gid
from tests.mailing.test_smtp import smtp_save
from tests.mailing.test_templates import save as template_save

SEND = """mutation($recordId: ID!, $templateId: ID!, $to: String!) {
  recordEmailSend(recordId: $recordId, templateId: $templateId, to: $to) {
  __typename ... on SentEmail { id to subject body status source }
  ... on OperationInfo { messages { field code } } } }"""
EMAILS = """query($id: ID!) { sentEmails(recordId: $id) { totalCount edges { node { to subject status error
  attempts sentAt } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on Record {
  history(first: 5) { edges { node { kind source actor { email } changes { field new } } } }
  timeline(first: 5) { edges { node { __typename ... on HistoryEvent { kind } } } } } } }"""



def make_account(acme_admin, **fields):
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "Globex & Co", "phone": "+33 1 23 45 67 89",
                                                            **fields})
    connection.set_schema_to_public()
    return account


def welcome(api) -> str:
    return template_save(api, module="accounts", name="Welcome", subject="Welcome {{ account.name }}",
                         body="Dear {{ account.name }},\nyour number is {{ record.number }}.")["id"]


def test_an_email_is_kept_on_the_record_and_sent_after_the_commit(acme, acme_admin, acme_admin_api, globex_admin_api,
                                                                   jobs, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    # given
    account = make_account(acme_admin)
    template_id = welcome(acme_admin_api)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = acme_admin_api.execute(SEND, {"recordId": gid(account), "templateId": template_id,
                                               "to": "boss@globex.example.com"})["data"]["recordEmailSend"]
    # then: stored, pending, not sent before its job runs
    assert result["status"] == "PENDING" and result["source"] == "MANUAL"
    assert result["subject"] == "Welcome Globex & Co"
    assert result["body"] == f"Dear Globex & Co,\nyour number is {account.number}."
    assert mailoutbox == []
    jobs()
    [message] = mailoutbox
    assert (message.to, message.subject, message.body) == (["boss@globex.example.com"], result["subject"],
                                                           result["body"])
    emails = acme_admin_api.execute(EMAILS, {"id": gid(account)})["data"]["sentEmails"]
    assert emails["totalCount"] == 1
    assert emails["edges"][0]["node"]["status"] == "SENT" and emails["edges"][0]["node"]["sentAt"]
    assert globex_admin_api.execute(EMAILS, {"id": gid(account)})["data"]["sentEmails"]["totalCount"] == 0
    record = acme_admin_api.execute(HISTORY, {"id": gid(account)})["data"]["node"]
    latest = record["history"]["edges"][0]["node"]
    assert (latest["kind"], latest["source"], latest["actor"]["email"]) == ("EMAILED", "MANUAL", acme.admin_email)
    changes = {change["field"]: change["new"] for change in latest["changes"]}
    assert (changes["to"], changes["subject"], changes["status"]) == ("boss@globex.example.com", result["subject"],
                                                                      "sent")
    assert record["timeline"]["edges"][0]["node"] == {"__typename": "HistoryEvent", "kind": "EMAILED"}


def test_the_job_is_queued_only_when_the_transaction_commits(acme, acme_admin, jobs, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    account = make_account(acme_admin)
    connection.set_schema("acme")
    template = services.email_template_save(actor=acme_admin, module="accounts", name="Hi", subject="Hi",
                                            body="Hi {{ account.name }}")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_email_send(actor=acme_admin, record=account, template=template, to="a@globex.example.com")
    # A rolled-back transaction never runs its on-commit callbacks: the job is queued only by them.
    assert len(callbacks) == 1
    jobs()
    assert mailoutbox == []


def test_a_server_that_is_down_is_retried_then_the_failure_is_kept(acme, acme_admin, acme_admin_api, jobs,
                                                                   closed_port, django_capture_on_commit_callbacks):
    # given
    smtp_save(acme_admin_api, ("127.0.0.1", closed_port))
    account = make_account(acme_admin)
    template_id = welcome(acme_admin_api)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        acme_admin_api.execute(SEND, {"recordId": gid(account), "templateId": template_id,
                                      "to": "a@globex.example.com"})
    jobs()
    # then
    [email] = acme_admin_api.execute(EMAILS, {"id": gid(account)})["data"]["sentEmails"]["edges"]
    assert (email["node"]["status"], email["node"]["attempts"]) == ("FAILED", services.MAX_ATTEMPTS)
    assert f"127.0.0.1:{closed_port}" in email["node"]["error"] and email["node"]["sentAt"] is None
    history = acme_admin_api.execute(HISTORY, {"id": gid(account)})["data"]["node"]["history"]["edges"]
    emailed = [event["node"] for event in history if event["node"]["kind"] == "EMAILED"]
    assert len(emailed) == 1
    assert {change["field"]: change["new"] for change in emailed[0]["changes"]}["status"] == "failed"


def test_refused_sends_leave_nothing(acme, acme_admin, acme_admin_api, globex_admin_api):
    account = make_account(acme_admin)
    template_id = welcome(acme_admin_api)
    contact_template = template_save(acme_admin_api, module="contacts", name="Contact", subject="Hi",
                                     body="Hi {{ contact.first_name }}")["id"]
    cases = [({"to": "not an address"}, {"to": "address_invalid"}),
             ({"templateId": contact_template}, {"templateId": "not_found"}),
             ({"templateId": gid(account)}, {"templateId": "not_found"})]
    for changes, expected in cases:
        variables = {"recordId": gid(account), "templateId": template_id, "to": "a@globex.example.com", **changes}
        result = acme_admin_api.execute(SEND, variables)["data"]["recordEmailSend"]
        assert messages(result) == expected, changes
    # another tenant's admin does not reach acme's record
    result = globex_admin_api.execute(SEND, {"recordId": gid(account), "templateId": template_id,
                                             "to": "a@globex.example.com"})["data"]["recordEmailSend"]
    assert messages(result) == {"recordId": "not_found"}
    connection.set_schema("acme")
    assert not SentEmail.objects.exists()


def test_a_template_may_not_carry_a_field_the_sender_may_not_see(acme, acme_admin, acme_admin_api):
    # given: the Sales profile hides the account's phone
    restrict_sales(acme_admin_api)
    _user, sales_api = staff("seller@acme.example.com", "Sales")
    account = make_account(acme_admin)
    shows_phone = template_save(acme_admin_api, module="accounts", name="Call us", subject="Hi",
                                body="We will call {{ account.phone }}")["id"]
    # when
    refused = sales_api.execute(SEND, {"recordId": gid(account), "templateId": shows_phone,
                                       "to": "a@globex.example.com"})["data"]["recordEmailSend"]
    sent = sales_api.execute(SEND, {"recordId": gid(account), "templateId": welcome(acme_admin_api),
                                    "to": "a@globex.example.com"})["data"]["recordEmailSend"]
    # then
    assert messages(refused) == {"templateId": "field_hidden"}
    assert sent["status"] == "PENDING"
    connection.set_schema("acme")
    assert list(SentEmail.objects.values_list("status", flat=True)) == [EmailStatus.PENDING]


RECIPIENT = "query($id: ID!) { emailRecipient(recordId: $id) }"


def test_the_default_recipient_is_the_records_address_else_a_link_the_user_may_see(acme, acme_admin, acme_admin_api):
    from saas.records.services.bulk import record_assign
    from tests.access.helpers import set_default

    # given: an account with a billing address, owned by the admin, and two of its contacts given to a seller,
    # one with an address of its own
    seller, seller_api = staff("seller@acme.example.com", "Sales")
    account = make_account(acme_admin, email="billing@globex.example.com")
    connection.set_schema("acme")
    silent = crm.contact_create(actor=acme_admin, fields={"last_name": "Silent", "account": account})
    direct = crm.contact_create(actor=acme_admin, fields={"last_name": "Direct", "account": account,
                                                          "email": "direct@globex.example.com"})
    for contact in (silent, direct):
        record_assign(actor=acme_admin, record=contact, owner_user=seller)
    connection.set_schema_to_public()
    set_default(acme_admin_api, "accounts", "PRIVATE")

    def recipient(api, record) -> str:
        return api.execute(RECIPIENT, {"id": gid(record)})["data"]["emailRecipient"]

    # then: a record's own address first, else its account's — for those who may see the account only
    assert recipient(acme_admin_api, account) == "billing@globex.example.com"
    assert recipient(acme_admin_api, direct) == "direct@globex.example.com"
    assert recipient(acme_admin_api, silent) == "billing@globex.example.com"
    assert recipient(seller_api, direct) == "direct@globex.example.com"
    assert recipient(seller_api, silent) == ""
    assert recipient(seller_api, account) == ""  # a record the seller may not see: nothing


def test_a_server_whose_name_now_resolves_to_a_private_address_fails_the_email_at_once_unsent(
        acme, acme_admin, acme_admin_api, jobs, dns, connects, django_capture_on_commit_callbacks):
    # given: the tenant's server resolved to a public address when saved, to a private one now
    dns["smtp.acme.example.com"] = ["93.184.215.14"]
    assert smtp_save(acme_admin_api, ("smtp.acme.example.com", 587))["__typename"] == "SmtpSettings"
    dns["smtp.acme.example.com"] = ["10.0.0.25"]
    account = make_account(acme_admin)
    template_id = welcome(acme_admin_api)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        acme_admin_api.execute(SEND, {"recordId": gid(account), "templateId": template_id,
                                      "to": "a@globex.example.com"})
    jobs()
    # then: failed on the first attempt with the refusal, nothing connected
    [email] = acme_admin_api.execute(EMAILS, {"id": gid(account)})["data"]["sentEmails"]["edges"]
    assert (email["node"]["status"], email["node"]["attempts"]) == ("FAILED", 1)
    assert "local, private and reserved networks are refused" in email["node"]["error"]
    assert connects == []
