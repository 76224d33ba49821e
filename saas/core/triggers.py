"""The two database functions every history trigger calls, without an exception block on their usual path.

django-pgtrigger's `public._pgtrigger_should_ignore()` (called first by every pgtrigger trigger, pghistory's
included) reads `pgtrigger.ignore` inside `BEGIN … EXCEPTION WHEN OTHERS`; the setting is unset or empty
except inside `pgtrigger.ignore()`, so the read fails and the block's subtransaction is rolled back on every
row a trigger fires for. A subtransaction's rollback scans the transaction's whole queue of deferred trigger
events (PostgreSQL's `AfterTriggerEndSubXact`), and every inserted row queues a check per deferred foreign
key: in one long transaction (an "all or nothing" import) each row then costs in proportion to the rows
before it. django-pghistory's `_pgh_attach_context()` (one per tenant schema) reads its settings the same
way. The versions below read the settings with `current_setting(name, true)`, which returns NULL instead of
failing, and behave as the packages' own otherwise (pgtrigger 4.17, pghistory 3.9).

Both packages reinstall their version: pgtrigger with every trigger a migration installs, pghistory from its
own migrations. Ours is installed by the migration `core.0001_trigger_functions` in every tenant schema (the
template's is copied to new tenants), and again after every migration run (`post_migrate`).
"""

from django.db import connections, transaction

SHOULD_IGNORE = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT := NULLIF(CURRENT_SETTING('pgtrigger.ignore', TRUE), '');
    BEGIN
        IF _pgtrigger_ignore IS NULL THEN
            RETURN FALSE;
        END IF;
        -- Inside pgtrigger.ignore() only: a value that is not an array ignores nothing, as pgtrigger's does.
        BEGIN
            RETURN trigger_name = ANY(_pgtrigger_ignore::TEXT[]);
        EXCEPTION WHEN OTHERS THEN
            RETURN FALSE;
        END;
    END;
$$ LANGUAGE plpgsql;
"""

# Created in the current schema, as pghistory does; the table is found through the search path when called.
ATTACH_CONTEXT = """
CREATE OR REPLACE FUNCTION {schema}._pgh_attach_context()
RETURNS UUID AS $$
    DECLARE
        _pgh_context_id UUID := NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), '');
        _pgh_context_metadata JSONB := NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), '');
    BEGIN
        IF _pgh_context_id IS NULL OR _pgh_context_metadata IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
            VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
            ON CONFLICT (id) DO UPDATE
                SET metadata = EXCLUDED.metadata,
                    updated_at = EXCLUDED.updated_at
                WHERE pghistory_context.metadata != EXCLUDED.metadata;
        RETURN _pgh_context_id;
    END;
$$ LANGUAGE plpgsql;
"""

# Serializes our replacements of the shared `public` function (rollout workers migrate tenants in parallel, and
# two concurrent CREATE OR REPLACE of one function fail with "tuple concurrently updated").
_LOCK = 0x7067_7472  # "pgtr"


def install_trigger_functions(using: str = "default") -> None:
    """Install both functions (the context one in the current schema, when it holds pghistory's table), each
    only when its installed body differs from ours."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cursor.execute("SELECT current_schema(), to_regclass(format('%I.pghistory_context', current_schema()))")
        schema, context_table = cursor.fetchone()
        wanted = [("public", "_pgtrigger_should_ignore", SHOULD_IGNORE)]
        if context_table is not None:
            wanted.append((schema, "_pgh_attach_context", ATTACH_CONTEXT.format(schema=_quote(schema))))
        for namespace, name, sql in wanted:
            cursor.execute("SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                           "WHERE n.nspname = %s AND p.proname = %s", [namespace, name])
            installed = cursor.fetchone()
            if installed is None or installed[0].strip() != _body(sql):
                cursor.execute(sql)


def reinstall_after_migrate(using: str = "default", **kwargs) -> None:
    """`post_migrate` receiver: put our versions back over those the migrations just installed."""
    install_trigger_functions(using)


def _body(sql: str) -> str:
    return sql.split("$$")[1].strip()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
