"""Planned sales upkeep: each morning, in every active tenant, invoice the subscription periods that are due and
expire the quotes past their validity date (what `manage.py invoice_subscriptions` does by hand); then send the
payment reminders of overdue invoices (saas.sales.reminders)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django import app

from saas.audit.planner import planned_job_register, scheduled_run, tick_time
from saas.core.tasks import tenant_task
from saas.sales.quotes import quotes_expire
from saas.sales.recurring import subscription_invoice_due
from saas.sales.reminders import invoice_reminders_send
from tenants.tasks import defer_in_every_active_tenant

SALES_UPKEEP = "sales_upkeep"
SALES_UPKEEP_CRON = "0 6 * * *"
INVOICE_REMINDERS = "invoice_reminders"
INVOICE_REMINDERS_CRON = "0 8 * * *"


@tenant_task()
def sales_upkeep(*, timestamp: int) -> None:
    """One tenant's upkeep for one tick, run once whatever the number of starts (see `scheduled_run`)."""
    slot = tick_time(timestamp)
    with scheduled_run(job=SALES_UPKEEP, slot=slot) as run:
        if run is None:
            return
        today = timezone.localdate(slot)
        invoices = subscription_invoice_due(today=today)
        run.result = {"invoices": [invoice.pk for invoice in invoices], "quotes_expired": quotes_expire(today=today)}


@app.periodic(cron=SALES_UPKEEP_CRON, periodic_id=SALES_UPKEEP)
@app.task(name="saas.sales.tasks.sales_upkeep_everywhere", queueing_lock="sales_upkeep_everywhere")
def sales_upkeep_everywhere(timestamp: int) -> None:
    """Each morning, one upkeep job per active tenant, all for the same tick."""
    defer_in_every_active_tenant(sales_upkeep, timestamp=timestamp)


planned_job_register(key=SALES_UPKEEP, label=_("Recurring invoices and expired quotes"),
                     periodic_task=sales_upkeep_everywhere.name, tenant_task=sales_upkeep.name)


@tenant_task()
def invoice_reminders(*, timestamp: int) -> None:
    """One tenant's payment reminders for one tick, run once whatever the number of starts (see `scheduled_run`);
    each (invoice, level) is sent once whatever the number of ticks (a unique constraint)."""
    slot = tick_time(timestamp)
    with scheduled_run(job=INVOICE_REMINDERS, slot=slot) as run:
        if run is None:
            return
        run.result = invoice_reminders_send(today=timezone.localdate(slot))


@app.periodic(cron=INVOICE_REMINDERS_CRON, periodic_id=INVOICE_REMINDERS)
@app.task(name="saas.sales.tasks.invoice_reminders_everywhere", queueing_lock="invoice_reminders_everywhere")
def invoice_reminders_everywhere(timestamp: int) -> None:
    """Each morning, after the upkeep, one reminder job per active tenant, all for the same tick."""
    defer_in_every_active_tenant(invoice_reminders, timestamp=timestamp)


planned_job_register(key=INVOICE_REMINDERS, label=_("Payment reminders of overdue invoices"),
                     periodic_task=invoice_reminders_everywhere.name, tenant_task=invoice_reminders.name)
