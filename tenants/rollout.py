"""Migration rollout over every tenant schema, in time linear in the number of tenants.

django-tenants' `migrate_schemas` is O(N²) and slow even for a no-op (DESIGN.md section 3): Django's
`MigrationRecorder.has_table()` lists every table visible in the search path, and each tenant run
builds the migration graph and renders every model state again. Here the template is migrated first
(signups during the rollout already get the new schema), two queries read the migration state of every
tenant schema (one more per 500 tenants) so that current tenants are skipped without any per-tenant work,
and the others are migrated by forked workers: the model states each migration step needs are computed once for all the
tenants at the same migration state, and only the SQL runs per tenant. A failed tenant is reported and
left as it was (each migration is atomic); running the rollout again continues with the tenants that
are still behind.
"""

import hashlib
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context

from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

from tenants import pool, schemas
from tenants.selectors import tenant_schema_names


def has_table_by_lookup(recorder: MigrationRecorder) -> bool:
    """`MigrationRecorder.has_table` as one catalog lookup of the current schema's table."""
    if recorder._has_table:
        return True
    schema_name = getattr(recorder.connection, "schema_name", None) or "public"
    with recorder.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{schemas.quote(schema_name)}.django_migrations"])
        recorder._has_table = cursor.fetchone()[0]
    return recorder._has_table


def install_has_table_lookup() -> None:
    MigrationRecorder.has_table = has_table_by_lookup


# Schemas per UNION ALL statement reading migration states: one statement for a thousand tenants would plan slowly.
STATES_PER_QUERY = 500


def migration_states(schema_names: list[str]) -> dict[str, str | None]:
    """Each existing schema's migration state (a digest of its applied migrations; None without a
    django_migrations table): one catalog query, then one UNION ALL per 500 schemas, whatever their number.
    (No `query_to_xml` trick to make it a single statement: the embedded PostgreSQL is built without libxml.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname, to_regclass(format('%%I.django_migrations', nspname)) IS NOT NULL "
                       "FROM pg_namespace WHERE nspname = ANY(%s)", [list(schema_names)])
        found = dict(cursor.fetchall())
        states: dict[str, str | None] = {name: None for name, migrated in found.items() if not migrated}
        migrated = sorted(name for name, has_table in found.items() if has_table)
        for start in range(0, len(migrated), STATES_PER_QUERY):
            chunk = migrated[start:start + STATES_PER_QUERY]
            cursor.execute(" UNION ALL ".join(
                "SELECT %s, md5(string_agg(app || '.' || name, ',' ORDER BY app, name)) "
                f"FROM {schemas.quote(name)}.django_migrations" for name in chunk), chunk)
            states.update(cursor.fetchall())
    return states


@dataclass
class RolloutReport:
    target: str
    current: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def rollout(*, workers: int = 2, schema_names: list[str] | None = None, on_result=None) -> RolloutReport:
    """Migrate the template, refresh its cached DDL, then every tenant schema that is behind it.

    `on_result(schema_name, error)` is called as each tenant finishes (error None on success).
    """
    template = schemas.template_schema_name()
    schemas.create_empty_schema(template)
    error = migrate_schema(template)
    if error:
        raise RuntimeError(f"the template schema failed to migrate, no tenant was touched:\n{error}")
    schemas.cache_template_ddl()
    # Spares copied before this migration would give new tenants the old schema: dropped, refilled later.
    pool.discard_stale()
    names = tenant_schema_names() if schema_names is None else list(schema_names)
    states = migration_states([template, *names])
    report = RolloutReport(target=states[template])
    behind = []
    for name in names:
        if name not in states:
            report.failed[name] = "its schema does not exist"
        elif states[name] == report.target:
            report.current.append(name)
        else:
            behind.append(name)
    for name, error in _migrate_all(behind, workers):
        if error:
            report.failed[name] = error
        else:
            report.migrated.append(name)
        if on_result:
            on_result(name, error)
    return report


def _migrate_all(schema_names: list[str], workers: int):
    if workers <= 1 or len(schema_names) <= 1:
        for name in schema_names:
            yield name, migrate_schema(name)
        return
    _prepare(schema_names[0])
    # Forked workers inherit the prepared states; none may inherit an open connection (one socket, two users).
    connections.close_all()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        futures = {pool.submit(migrate_schema, name): name for name in schema_names}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as crash:  # a worker that died (killed, out of memory) fails the tenants it held
                yield futures[future], f"worker crashed: {crash!r}"


# Rendered model states by applied-migrations set: rendering is the costly step of a migration run (seconds
# for our models) and tenants behind the template are normally all at the same state.
_start_states: dict[str, ProjectState] = {}


def _state_key(executor: MigrationExecutor) -> str:
    return hashlib.md5(repr(sorted(executor.loader.applied_migrations)).encode()).hexdigest()


def _start_state(executor: MigrationExecutor) -> ProjectState:
    key = _state_key(executor)
    if key not in _start_states:
        # Django's own starting point for a forward migration (MigrationExecutor.migrate with state=None).
        state = executor._create_project_state(with_applied_migrations=True)
        state.apps  # noqa: B018 (rendered here, once)
        _start_states[key] = state
    return _start_states[key].clone()


def _prepare(schema_name: str) -> None:
    connection.set_schema(schema_name)
    try:
        executor = MigrationExecutor(connection)
        _compiled(executor, executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # noqa: S110 (only a head start: the workers meet the same error and report it per tenant)
        pass
    finally:
        connection.set_schema_to_public()


# Per starting state and plan: each migration's operations with the model states before and after each one.
# They are the same for every tenant at that state: computed once, only the SQL then runs per tenant (moving
# a state forward re-renders the changed model and all its relations, most of the cost of a small migration).
_compiled_plans: dict[tuple, list] = {}


def _compiled(executor: MigrationExecutor, plan) -> list:
    key = (_state_key(executor), tuple((migration.app_label, migration.name) for migration, _ in plan))
    if key not in _compiled_plans:
        state = _start_state(executor)
        steps = []
        for migration, _backwards in plan:
            operations = []
            for operation in migration.operations:
                before = state.clone()
                operation.state_forwards(migration.app_label, state)
                operations.append((operation, before, state.clone()))
            steps.append((migration, operations))
        _compiled_plans[key] = steps
    return _compiled_plans[key]


def _apply(executor: MigrationExecutor, migration, operations) -> None:
    """Django's MigrationExecutor.apply_migration and Migration.apply, with the states given."""
    with connection.schema_editor(atomic=migration.atomic) as editor:
        for operation, before, after in operations:
            atomic_operation = operation.atomic or (migration.atomic and operation.atomic is not False)
            if not editor.atomic_migration and atomic_operation:
                with transaction.atomic(connection.alias):
                    operation.database_forwards(migration.app_label, editor, before, after)
            else:
                operation.database_forwards(migration.app_label, editor, before, after)
        recorded = not editor.deferred_sql
        if recorded:
            executor.record_migration(migration)
    if not recorded:
        executor.record_migration(migration)


def migrate_schema(schema_name: str) -> str | None:
    """Apply the missing migrations to one schema; what failed and where, or None."""
    applying = None
    try:
        connection.set_schema(schema_name, include_public=False)
        # Created in the schema itself (the search path holds only it).
        MigrationRecorder(connection).ensure_schema()
        connection.set_schema(schema_name)
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if any(backwards for _migration, backwards in plan):
            raise RuntimeError("this schema has migrations applied that are no longer on disk to reach")
        final_state = None
        for migration, operations in _compiled(executor, plan):
            applying = migration
            _apply(executor, migration, operations)
            final_state = operations[-1][2] if operations else final_state
        applying = None
        if plan:
            apps_state = final_state or _start_state(executor)
            emit_post_migrate_signal(0, False, connection.alias, apps=apps_state.apps, plan=plan)
        return None
    except Exception as failure:
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()  # a lost connection fails this tenant, not the next ones
        where = f"{applying}: " if applying else ""
        return f"{where}{type(failure).__name__}: {failure}".strip() + "\n" + traceback.format_exc(limit=-3)
    finally:
        connection.set_schema_to_public()
