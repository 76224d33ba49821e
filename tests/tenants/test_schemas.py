"""The template schema, its cached DDL, and tenants created from it or by migrations."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from saas.companies.models import Company, CompanyEvent
from tenants import schemas, selectors, services
from tenants.models import TemplateSchema, User


def catalog(schema: str) -> dict[str, list]:
    """Tables with their columns, indexes, constraints, triggers and functions of a schema, names normalised."""
    queries = {
        "columns": """SELECT table_name, column_name, data_type, is_nullable, column_default
                      FROM information_schema.columns WHERE table_schema = %s""",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
        "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid)
                          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s""",
        "triggers": """SELECT event_object_table, trigger_name, action_statement
                       FROM information_schema.triggers WHERE trigger_schema = %s""",
        "functions": """SELECT p.proname, md5(p.prosrc) FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s""",
    }
    result = {}
    with connection.cursor() as cursor:
        for kind, sql in queries.items():
            cursor.execute(sql, [schema])
            rows = [tuple(str(value).replace(f'"{schema}".', "").replace(f"{schema}.", "") for value in row)
                    for row in cursor.fetchall()]
            result[kind] = sorted(rows)
    return result


@pytest.mark.smoke
def test_tenant_from_template_is_identical_to_the_migrated_template(acme):
    template, tenant = catalog(schemas.template_schema_name()), catalog("acme")
    assert template["columns"] and template["triggers"]
    assert tenant == template
    assert schemas.applied_migrations("acme") == schemas.applied_migrations(schemas.template_schema_name())


def test_tenant_by_migrations_is_identical_to_the_template(db):
    admin = User.objects.create_user("slow@example.com", "a-long-enough-passphrase")
    services.tenant_create(name="Slow", slug="slow-path", admin=admin, use_template=False)
    assert catalog("slow-path") == catalog(schemas.template_schema_name())


def test_without_cached_ddl_signup_falls_back_to_migrations(db):
    TemplateSchema.objects.all().delete()
    result = services.signup(company_name="Fallback", slug="fallback", email="f@example.com",
                             password="a-long-enough-passphrase")
    assert result.tenant.schema_name == "fallback"
    assert schemas.applied_migrations("fallback") == schemas.applied_migrations(schemas.template_schema_name())
    with schema_context("fallback"):
        assert Company.objects.get().name == "Fallback"


def test_history_triggers_work_in_a_cloned_schema(acme):
    # pghistory's triggers are copied with the schema: an update of a company leaves an event.
    with schema_context("acme"):
        company = Company.objects.get()
        Company.objects.filter(pk=company.pk).update(name="Acme Industries")
        events = list(CompanyEvent.objects.filter(pgh_obj=company).values_list("pgh_label", "name"))
    assert events[-1] == ("update", "Acme Industries")
    assert ("insert", "Acme") in events


def test_sequences_continue_after_the_template_rows(acme):
    with schema_context("acme"), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM django_migrations")
        highest = cursor.fetchone()[0]
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now()) RETURNING id")
        assert cursor.fetchone()[0] == highest + 1


def test_replayed_ddl_keeps_no_reference_to_the_template(acme):
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname = 'acme' AND p.prosrc LIKE '%%tenant_template%%'""")
        assert cursor.fetchone()[0] == 0
        cursor.execute("""SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'acme' AND pg_get_expr(d.adbin, d.adrelid) LIKE '%%tenant_template%%'""")
        assert cursor.fetchone()[0] == 0


def test_template_is_hidden_from_tenant_listings(acme, globex):
    assert selectors.tenant_schema_names() == ["acme", "globex"]
    assert [t.schema_name for t in selectors.tenant_list()] == ["acme", "globex"]


def test_migrate_refreshes_the_template_cache_and_skips_current_tenants(acme, capsys):
    before = TemplateSchema.objects.get()
    call_command("migrate", interactive=False, verbosity=1)
    output = capsys.readouterr().out
    assert "0 tenant(s) migrated, 2 already current" in output
    after = TemplateSchema.objects.get()
    assert after.pk != before.pk and after.ddl == before.ddl


def test_migrate_brings_a_stale_tenant_up_to_date(acme, capsys, monkeypatch):
    # pg_dump, a separate session, would wait on the locks this test's open transaction holds on the
    # re-created tables; the cache refresh itself is covered by the test above.
    monkeypatch.setattr(schemas, "cache_template_ddl", lambda: None)
    with schema_context("acme"), connection.cursor() as cursor:
        # The last tenant app with tables is one no other depends on: drop it as a half-migrated tenant would
        # lack it.
        for app in reversed(settings.TENANT_APPS):
            label = apps.get_containing_app_config(app + ".models").label
            cursor.execute("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                           "WHERE schemaname = 'acme' AND starts_with(tablename, %s)", [f"{label}_"])
            if tables := cursor.fetchone()[0]:
                break
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", [label])
        cursor.execute(f"DROP TABLE {tables} CASCADE")
    call_command("migrate", interactive=False, verbosity=1)
    assert "1 tenant(s) migrated, 1 already current" in capsys.readouterr().out
    assert catalog("acme") == catalog(schemas.template_schema_name())
