"""Background upkeep of the public schema: the pool of spare tenant schemas (tenants.pool)."""

from django.db import close_old_connections
from procrastinate.contrib.django import app

from tenants import pool

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
