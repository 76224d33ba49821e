"""Payment reminders: the planned job emails overdue invoices at 7, 15 and 30 days, once per level, from the
tenant's template, kept on the invoice; an invoice without a recipient email is listed, not fatal."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saas.audit.models import ScheduledRun
from saas.crm import services as crm
from saas.mailing.models import EmailTemplate, SentEmail
from saas.sales import tasks as sales_tasks
from saas.sales.models import Invoice, InvoiceReminder
from tests.helpers import gid
from tests.sales.test_invoices import issued_invoice
from tests.sales.test_payments import PAY
from tests.workflows.test_planner import jobs_by_key

HISTORY = """query($id: ID!) { node(id: $id) { ... on Invoice {
  timeline(first: 5) { edges { node { __typename ... on HistoryEvent { kind } } } } } } }"""


ADDRESS = {"billing_street": "1 rue de la Paix", "billing_postal_code": "69001", "billing_city": "Lyon"}


START = timezone.now()


def tick_in(days: int) -> int:
    """The tick `days` days after the test session started (the same tick whenever asked)."""
    return int((START + dt.timedelta(days=days)).timestamp())


def number_of(api, invoice: str) -> str:
    return api.execute("query($id: ID!) { node(id: $id) { ... on Invoice { number } } }", {"id": invoice})[
        "data"]["node"]["number"]


def reminders() -> list[tuple[str, int, str]]:
    connection.set_schema("acme")
    try:
        return sorted(InvoiceReminder.objects.values_list("invoice__number", "level", "email__to"))
    finally:
        connection.set_schema_to_public()


def test_overdue_invoices_get_each_reminder_once(acme, acme_admin, acme_admin_api, customer, jobs, mailoutbox):
    # given: a customer with a billing email (30 days terms): one invoice unpaid, one paid; and an invoice of a
    # customer without email (45 days terms)
    connection.set_schema("acme")
    payer = crm.account_create(actor=acme_admin, fields={"name": "Payer", "email": "billing@payer.example.com",
                                                          "payment_terms_days": 30, **ADDRESS})
    connection.set_schema_to_public()
    unpaid = issued_invoice(acme_admin_api, {"account": payer})
    paid = issued_invoice(acme_admin_api, {"account": payer})
    paying = acme_admin_api.execute(PAY, {"input": {"accountId": gid(payer), "amount": "240",
                                                    "allocations": [{"invoiceId": paid, "amount": "240"}]}})
    assert paying["data"]["paymentRecord"]["__typename"] == "Payment", paying
    silent = issued_invoice(acme_admin_api, customer)
    unpaid_number, silent_number = number_of(acme_admin_api, unpaid), number_of(acme_admin_api, silent)

    # when: 36 days later (the unpaid invoice 6 days overdue): nothing yet
    sales_tasks.invoice_reminders_everywhere(timestamp=tick_in(36))
    jobs()
    assert reminders() == [] and mailoutbox == []
    # when: 38 days later, then the same tick started again (a retry), then another tick of the same day
    sales_tasks.invoice_reminders_everywhere(timestamp=tick_in(38))
    jobs()
    sales_tasks.invoice_reminders(schema_name="acme", timestamp=tick_in(38))
    sales_tasks.invoice_reminders(schema_name="acme", timestamp=tick_in(38) + 60)
    # then: one first reminder, sent, from the template created in the tenant's language, kept on the invoice
    assert reminders() == [(unpaid_number, 1, "billing@payer.example.com")]
    [message] = mailoutbox
    assert message.to == ["billing@payer.example.com"] and unpaid_number in message.subject
    assert "240.00" in message.body and "Acme" in message.body
    connection.set_schema("acme")
    assert list(EmailTemplate.objects.filter(module="invoices").values_list("name", flat=True)) == [
        "Payment reminder"]
    assert SentEmail.objects.get().status == "sent"
    connection.set_schema_to_public()
    timeline = acme_admin_api.execute(HISTORY, {"id": unpaid})["data"]["node"]["timeline"]["edges"]
    assert {"__typename": "HistoryEvent", "kind": "EMAILED"} in [edge["node"] for edge in timeline]

    # when: 70 days later (40 days overdue; the silent invoice 25): the 3rd level directly, no second email;
    # the invoice without a recipient listed in the run's result
    sales_tasks.invoice_reminders_everywhere(timestamp=tick_in(70))
    jobs()
    # then
    assert reminders() == [(unpaid_number, 1, "billing@payer.example.com"),
                           (unpaid_number, 3, "billing@payer.example.com")]
    assert len(mailoutbox) == 2
    connection.set_schema("acme")
    runs = list(ScheduledRun.objects.filter(job="invoice_reminders").order_by("slot").values_list("status", "result"))
    connection.set_schema_to_public()
    assert [status for status, _result in runs] == ["succeeded"] * 4
    assert runs[-1][1]["no_email"] == [silent_number] and [s["level"] for s in runs[-1][1]["sent"]] == [3]
    assert runs[1][1]["no_email"] == [] and runs[2][1] == {"sent": [], "no_email": [], "refused": []}
    planned = jobs_by_key(acme_admin_api)["invoice_reminders"]
    assert (planned["status"], planned["schedule"], planned["kind"]) == ("SUCCEEDED", "0 8 * * *", "JOB")
    assert planned["lastRun"] is not None and planned["nextRun"] is not None


def test_a_reminder_level_is_sent_once_whatever_the_runs(acme, acme_admin, acme_admin_api, jobs):
    # given: a first reminder already recorded for an overdue invoice
    connection.set_schema("acme")
    payer = crm.account_create(actor=acme_admin, fields={"name": "Late", "email": "late@example.com",
                                                          "payment_terms_days": 30, **ADDRESS})
    connection.set_schema_to_public()
    issued_invoice(acme_admin_api, {"account": payer})
    sales_tasks.invoice_reminders(schema_name="acme", timestamp=tick_in(40))
    jobs()
    # when: the same level written again (a second process racing the first)
    connection.set_schema("acme")
    invoice = Invoice.objects.get(account=payer)
    assert list(InvoiceReminder.objects.filter(invoice=invoice).values_list("level", flat=True)) == [1]
    try:
        with transaction.atomic():
            InvoiceReminder.objects.create(invoice=invoice, level=1)
        raced = False
    except IntegrityError:
        raced = True
    connection.set_schema_to_public()
    # then: the database refuses it
    assert raced
