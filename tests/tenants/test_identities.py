"""Deleting an identity: refused while it holds a membership, and then cheap whatever the number of tenants."""

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError
from django_tenants.utils import schema_context

from saas.crm import services as crm
from saas.crm.models import Account
from tenants import members, selectors, services
from tenants.models import User
from tests.conftest import PASSWORD


def tenant_locks() -> list[tuple[str, str, str]]:
    """(schema, table, mode) of the locks this transaction holds on tables of tenant schemas."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE l.pid = pg_backend_pid() AND n.nspname <> ALL(%s)",
            [["public", "pg_catalog", "information_schema", "pg_toast"]])
        return cursor.fetchall()


def test_an_identity_with_records_in_tenants_is_refused_while_a_member_then_deleted_without_tenant_locks(
        acme, globex):
    leaver = services.signup(company_name="Leaver", slug="leaver", email="leaver@example.com",
                             password=PASSWORD, language="en").user
    host = services.signup(company_name="Host", slug="leaver-host", email="host@example.com",
                           password=PASSWORD, language="en")
    with schema_context("leaver-host"):
        membership = members.member_invite(actor=host.user, tenant=host.tenant, email=leaver.email)
    for slug in ("leaver", "leaver-host"):
        with schema_context(slug):
            crm.account_create(actor=leaver, fields={"name": f"Opened by the leaver in {slug}"})
    # A member, even deactivated, keeps its identity: its name stays behind its records.
    with schema_context("leaver-host"):
        members.membership_deactivate(actor=host.user, membership=membership)
    with pytest.raises(ProtectedError):
        leaver.delete()
    with schema_context("leaver-host"):
        assert Account.objects.filter(created_by=leaver).count() == 1

    # Its memberships go with their companies; then the identity can go, acme and globex still there.
    for slug in ("leaver", "leaver-host"):
        services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
    with transaction.atomic():
        # Django's foreign keys are checked at commit: check now, inside the transaction we read the locks of.
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        held = set(tenant_locks())  # the test's transaction keeps those of the signups above
        leaver.delete()
        # Before, the database checked each tenant table naming identities (70 of them) in every schema, a lock
        # each: past ~90 tenants one delete ran out of lock slots (max_locks_per_transaction).
        assert set(tenant_locks()) - held == set()
    assert not User.objects.filter(email="leaver@example.com").exists()
