"""The rollout: tenants behind the template are migrated by forked workers, failures reported, reruns resume.

The workers have their own connections: the tenants here are committed (not inside a test transaction)
and deleted afterwards.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import schema_context

from tenants import rollout, schemas, selectors, services
from tenants.models import User

PASSWORD = "a-long-enough-passphrase"
FLEET = ["roll-a", "roll-b", "roll-c"]


@pytest.fixture
def fleet(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for slug in FLEET:
            services.signup(company_name=slug, slug=slug, email=f"admin@{slug}.example.com", password=PASSWORD)
        connection.set_schema_to_public()
        try:
            yield FLEET
        finally:
            connection.set_schema_to_public()
            for slug in FLEET:
                services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email__in=[f"admin@{slug}.example.com" for slug in FLEET]).delete()


def last_app_tables() -> tuple[str, list[str]]:
    """The last tenant app with tables (none depends on it) and its tables."""
    with connection.cursor() as cursor:
        for app in reversed(settings.TENANT_APPS):
            label = apps.get_containing_app_config(app + ".models").label
            cursor.execute("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = %s "
                           "AND starts_with(tablename, %s)", [schemas.template_schema_name(), f"{label}_"])
            if tables := [row[0] for row in cursor.fetchall()]:
                return label, tables
    raise AssertionError("no tenant app has tables")


def put_behind(schema_name: str, *, drop_tables: bool) -> None:
    """Forget the last app's migrations; keeping its tables makes re-applying them fail (a half-done tenant)."""
    label, tables = last_app_tables()
    with schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", [label])
        if drop_tables:
            cursor.execute(f"DROP TABLE {', '.join(tables)} CASCADE")


def is_current(schema_name: str) -> bool:
    return schemas.applied_migrations(schema_name) == schemas.applied_migrations(schemas.template_schema_name())


def test_a_failed_tenant_is_reported_the_others_migrated_and_a_rerun_resumes(fleet, capsys):
    put_behind("roll-a", drop_tables=True)
    put_behind("roll-b", drop_tables=False)
    with pytest.raises(CommandError, match="1 tenant.s. failed.*roll-b"):
        call_command("rollout", workers=2)
    output = capsys.readouterr()
    # other committed tenants of the test session may be behind too: the count is not this test's
    assert re.search(r"\d+ tenant\(s\) migrated, \d+ already current, 1 failed", output.out)
    assert "roll-b: " in output.err and "already exists" in output.err
    assert is_current("roll-a") and is_current("roll-c") and not is_current("roll-b")

    put_behind("roll-b", drop_tables=True)
    report = rollout.rollout(workers=2)
    assert report.migrated == ["roll-b"] and not report.failed
    assert {"roll-a", "roll-c"} <= set(report.current)
    assert all(is_current(slug) for slug in fleet)


def test_tenants_at_the_template_state_are_found_in_two_queries(acme, globex, django_assert_max_num_queries):
    put_behind("globex", drop_tables=True)
    template = schemas.template_schema_name()
    schemas.schema_exists(template)  # back on public: the search_path change is not counted below
    with django_assert_max_num_queries(2):
        states = rollout.migration_states([template, "acme", "globex", "no-such-schema"])
    assert states["acme"] == states[template] != states["globex"]
    assert "no-such-schema" not in states


def test_the_migrations_table_is_checked_in_the_current_schema_only(acme):
    with schema_context("acme"), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_moved")
        assert not MigrationRecorder(connection).has_table()  # public's own table is not taken for it
        cursor.execute("ALTER TABLE django_migrations_moved RENAME TO django_migrations")
        assert MigrationRecorder(connection).has_table()
