"""Background upkeep of the public schema (the pool of spare tenant schemas, tenants.pool), and the fan-out of
planned jobs to every tenant."""

from django.db import close_old_connections
from procrastinate.contrib.django import app

from tenants import pool, services
from tenants.enums import TenantStatus
from tenants.selectors import tenant_list

SCHEMA_POOL_REFILL_CRON = "*/10 * * * *"


@app.periodic(cron=SCHEMA_POOL_REFILL_CRON, periodic_id="schema_pool_refill")
@app.task(name="tenants.tasks.schema_pool_refill", queueing_lock="schema_pool_refill")
def schema_pool_refill(timestamp: int | None = None) -> int:
    """Bring the pool of spare schemas back to TENANT_SPARE_SCHEMAS: queued after each signup, and every ten
    minutes in case a signup's job was lost or a rollout discarded the spares."""
    close_old_connections()
    try:
        return pool.fill()
    finally:
        close_old_connections()


@app.periodic(cron="17 3 * * *", periodic_id="sessions_purge")
@app.task(name="tenants.tasks.sessions_purge", queueing_lock="sessions_purge")
def sessions_purge(timestamp: int | None = None) -> int:
    """Each night, the expired sessions go (the table holds every host's sessions)."""
    return services.sessions_expired_purge()


def defer_in_every_active_tenant(task, **kwargs) -> None:
    """Queue a tenant task once in each active tenant, all with the same arguments (a planned job's tick)."""
    for schema_name in tenant_list(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True):
        task.defer(schema_name=schema_name, **kwargs)
