"""Spare tenant schemas: copies of the template made ahead of time, renamed at signup (DESIGN.md section 3).

Replaying the template's DDL takes seconds once the template holds a hundred tables and five hundred
indexes; `ALTER SCHEMA ... RENAME` is one catalog row whatever the schema holds, and nothing in a
schema stores its own name (sequences, identity columns and triggers point to their objects by oid, the
functions' bodies use unqualified names). A signup takes the oldest spare at the template's migration
state (`FOR UPDATE SKIP LOCKED`: two signups never get the same one, neither waits for the other) and
falls back to replaying the DDL when there is none. The pool is refilled after signups by a job, by
`manage.py schema_pool --fill`, and a rollout discards the spares left behind the template.
"""

import secrets

from django.conf import settings
from django.db import connection, transaction

from tenants import schemas
from tenants.models import SpareSchema

SPARE_PREFIX = "spare_"  # never a tenant slug: slugs have no underscore
# pg_try_advisory_lock key: one filler at a time (two would overfill the pool).
FILL_LOCK = 0x5350_4152


def migration_state(schema_name: str) -> str | None:
    """A digest of the migrations applied in the schema (the rollout's state of a schema)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(string_agg(app || '.' || name, ',' ORDER BY app, name)) "
                       f"FROM {schemas.quote(schema_name)}.django_migrations")
        return cursor.fetchone()[0]


def template_state() -> str | None:
    return migration_state(schemas.template_schema_name())


def spare_take(schema_name: str) -> bool:
    """Rename a current spare to `schema_name`, in the caller's transaction; False when there is none."""
    state = template_state()
    with transaction.atomic():
        spare = (SpareSchema.objects.select_for_update(skip_locked=True).filter(state=state)
                 .order_by("id").first())
        if spare is None:
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER SCHEMA {schemas.quote(spare.schema_name)} RENAME TO {schemas.quote(schema_name)}")
        spare.delete()
    return True


def spare_count() -> int:
    """Spares a signup can take now (at the template's migration state)."""
    return SpareSchema.objects.filter(state=template_state()).count()


def spare_create() -> SpareSchema | None:
    """One more spare copied from the template's cached DDL; None when no DDL is cached or when the cached DDL
    is not at the template's migration state (a rollout in progress: its end caches the new one)."""
    name = f"{SPARE_PREFIX}{secrets.token_hex(8)}"
    with transaction.atomic():
        if not schemas.create_schema_from_template(name):
            return None
        state = migration_state(name)
        if state != template_state():
            transaction.set_rollback(True)
            return None
        return SpareSchema.objects.create(schema_name=name, state=state)


def discard_stale() -> int:
    """Drop the spares behind (or ahead of) the template's migration state; a spare being taken is left alone."""
    state = template_state()
    dropped = 0
    while True:
        with transaction.atomic():
            spare = (SpareSchema.objects.select_for_update(skip_locked=True).exclude(state=state)
                     .order_by("id").first())
            if spare is None:
                return dropped
            schemas.drop_schema(spare.schema_name)
            spare.delete()
            dropped += 1


def discard_all() -> int:
    """Drop every spare (e.g. before dropping the fleet's database objects by hand)."""
    dropped = 0
    while True:
        with transaction.atomic():
            spare = SpareSchema.objects.select_for_update(skip_locked=True).order_by("id").first()
            if spare is None:
                return dropped
            schemas.drop_schema(spare.schema_name)
            spare.delete()
            dropped += 1


def fill(target: int | None = None) -> int:
    """Bring the pool to `target` current spares (TENANT_SPARE_SCHEMAS by default), stale ones dropped first;
    the number created. Each spare is its own transaction; a second filler running at the same time returns 0."""
    target = settings.TENANT_SPARE_SCHEMAS if target is None else target
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
    try:
        discard_stale()
        created = 0
        while spare_count() < target:
            if spare_create() is None:
                break
            created += 1
        return created
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [FILL_LOCK])


def refill_later() -> None:
    """Queue one refill job once the current transaction commits (one queued at a time; none without a pool)."""
    if settings.TENANT_SPARE_SCHEMAS > 0:
        transaction.on_commit(_refill_defer)


def _refill_defer() -> None:
    from procrastinate.exceptions import AlreadyEnqueued

    from tenants.tasks import schema_pool_refill

    try:
        schema_pool_refill.defer()
    except AlreadyEnqueued:
        pass
