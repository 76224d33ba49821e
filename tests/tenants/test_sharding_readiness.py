"""Citus schema-based sharding readiness, read from the live catalog of migrated tenant schemas.

With schema-based sharding each tenant schema becomes a distributed schema living whole on one node, moved
by the rebalancer. That holds only if keys are 64-bit (or uuid), if no tenant table points into another
tenant's schema, and if the public tables that tenant tables point to can be made reference tables (copied
to every node): that list is pinned here, so that a new one is a decision, not an accident.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from saas.settings.apps import TENANT_APPS
from tenants.selectors import tenant_schema_names

WIDE_TYPES = {"bigint", "uuid"}

# Public tables that tenant tables name: each becomes a Citus reference table (copied to every node, every
# write to it a distributed transaction). The identities are one: the users that records are owned by,
# created by and assigned to. Pinned per table, not per field: one more `user_fk` is no new decision, one
# more public table is. These references carry no database constraint (a constraint would make deleting one
# identity lock every referencing table of every tenant schema): no foreign key leaves a tenant schema.
REFERENCE_TABLES = {"tenants_user"}

# Keys that stay 32-bit on purpose: contenttypes declares AutoField in its own migrations, and its table holds
# one row per model of the code, far from the 32-bit limit (and no tenant table has a foreign key to it).
NARROW_BY_DESIGN = {("django_content_type", "id", "integer")}


def tenant_schemas() -> list[str]:
    return [*tenant_schema_names(), settings.TEMPLATE_SCHEMA_NAME]


def key_columns(schemas: list[str]) -> set[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every primary-key and foreign-key column of the schemas."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL) "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey) AS k(attnum) "
            "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
            "WHERE con.contype IN ('p', 'f') AND n.nspname = ANY(%s)", [schemas])
        return set(cursor.fetchall())


def foreign_keys_leaving(schemas: list[str]) -> set[tuple[str, str, str, str]]:
    """(schema, table, referenced schema, referenced table) of foreign keys from the schemas to other schemas."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT n.nspname, c.relname, rn.nspname, r.relname "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class r ON r.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace "
            "WHERE con.contype = 'f' AND n.nspname = ANY(%s) AND rn.nspname <> n.nspname", [schemas])
        return set(cursor.fetchall())


@pytest.fixture
def schemas(acme, globex) -> list[str]:
    names = tenant_schemas()
    assert {"acme", "globex", settings.TEMPLATE_SCHEMA_NAME} <= set(names)
    return names


def test_every_primary_and_foreign_key_column_of_tenant_schemas_is_64_bit_or_uuid(schemas):
    columns = key_columns(schemas)
    assert len({(table, column) for _schema, table, column, _type in columns}) > 100  # the catalog was read
    narrow = {(table, column, type_) for _schema, table, column, type_ in columns if type_ not in WIDE_TYPES}
    assert sorted(narrow) == sorted(NARROW_BY_DESIGN)


def test_every_sequence_of_tenant_schemas_counts_in_64_bits(schemas):
    # A bigint column fed by a 32-bit sequence still stops at 2^31 rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT sequencename, data_type::text FROM pg_sequences WHERE schemaname = ANY(%s)",
                       [schemas])
        sequences = dict(cursor.fetchall())
    assert len(sequences) > 50
    narrow = {name for name, type_ in sequences.items() if type_ != "bigint"}
    assert narrow == {f"{table}_{column}_seq" for table, column, _type in NARROW_BY_DESIGN}


def test_no_foreign_key_from_a_tenant_schema_into_another_tenant_schema(schemas):
    crossing = {key for key in foreign_keys_leaving(schemas) if key[2] in schemas}
    assert crossing == set()


def test_no_foreign_key_constraint_leaves_a_tenant_schema(schemas):
    assert foreign_keys_leaving(schemas) == set()


def test_tenant_models_name_only_the_pinned_public_reference_tables_without_constraint():
    tenant_labels = {config.label for config in apps.get_app_configs() if config.name in TENANT_APPS}
    public = [(model._meta.label, field.name, field.related_model._meta.db_table, field.db_constraint)
              for model in apps.get_models()
              if model._meta.app_label in tenant_labels and model._meta.managed and not model._meta.proxy
              for field in model._meta.concrete_fields
              if field.is_relation and field.related_model._meta.app_label not in tenant_labels]
    assert len(public) > 50  # every owner, creator, author, assignee…
    assert {table for _model, _field, table, _constraint in public} == REFERENCE_TABLES
    assert [(model, field) for model, field, _table, constraint in public if constraint] == []
    # No longer in the catalog's foreign keys read by the 64-bit test above: checked on the models.
    assert {field.db_type(connection) for model in apps.get_models() if model._meta.app_label in tenant_labels
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model._meta.db_table in REFERENCE_TABLES} == {"bigint"}
