"""Planned SEPA work: each morning, in every active tenant, the invoices that come due are gathered into draft
direct-debit batches (saas.sepa.services.batches_prepare), left for an accountant to check and generate."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django import app

from saas.audit.planner import planned_job_register, scheduled_run, tick_time
from saas.core.tasks import tenant_task
from saas.sepa.services import batches_prepare
from tenants.tasks import defer_in_every_active_tenant

SEPA_BATCHES = "sepa_batches"
SEPA_BATCHES_CRON = "30 6 * * *"


@tenant_task()
def sepa_batches(*, timestamp: int) -> None:
    """One tenant's batches for one tick, run once whatever the number of starts (see `scheduled_run`); an invoice
    already in a live batch is never taken again (`collectable_invoices`)."""
    slot = tick_time(timestamp)
    with scheduled_run(job=SEPA_BATCHES, slot=slot) as run:
        if run is None:
            return
        run.result = batches_prepare(today=timezone.localdate(slot), lead_days=settings.SEPA_COLLECTION_LEAD_DAYS)


@app.periodic(cron=SEPA_BATCHES_CRON, periodic_id=SEPA_BATCHES)
@app.task(name="saas.sepa.tasks.sepa_batches_everywhere", queueing_lock="sepa_batches_everywhere")
def sepa_batches_everywhere(timestamp: int) -> None:
    """Each morning, one batch job per active tenant, all for the same tick."""
    defer_in_every_active_tenant(sepa_batches, timestamp=timestamp)


planned_job_register(key=SEPA_BATCHES, label=_("SEPA direct debit batches of the invoices coming due"),
                     periodic_task=sepa_batches_everywhere.name, tenant_task=sepa_batches.name)
