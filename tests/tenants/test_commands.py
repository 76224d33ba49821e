import pytest
from django.core.management import CommandError, call_command

from tenants import schemas, selectors
from tenants.models import Domain, Membership


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("tenant", *args, stdout=out)
    return out.getvalue()


def test_operator_creates_lists_suspends_reactivates_and_deletes_a_tenant(acme, globex):
    assert "created hooli: http://hooli.localhost/" in run(
        "create", "hooli", "--name", "Hooli", "--email", "gavin@hooli.example.com", "--password", "a-long-passphrase!")
    assert Membership.objects.get(tenant__schema_name="hooli").is_admin
    listed = run("list")
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["acme", "globex", "hooli"]
    run("suspend", "hooli")
    assert run("list", "--status", "suspended").startswith("hooli\tsuspended")
    run("reactivate", "hooli")
    assert selectors.tenant_get(slug="hooli").is_active
    with pytest.raises(CommandError, match="confirm"):
        run("delete", "hooli")
    assert schemas.schema_exists("hooli")
    run("delete", "hooli", "--yes-drop-all-data")
    assert not schemas.schema_exists("hooli")
    assert selectors.tenant_get(slug="hooli") is None
    assert not Domain.objects.filter(domain="hooli.localhost").exists()


def test_create_refuses_a_taken_slug_with_a_clear_message(acme):
    with pytest.raises(CommandError, match="already taken"):
        run("create", "acme", "--name", "Again", "--email", "admin@acme.example.com")


def test_create_by_migrations(db):
    run("create", "slowco", "--name", "Slow", "--email", "s@example.com", "--password", "a-long-passphrase!",
        "--migrations")
    assert schemas.applied_migrations("slowco") == schemas.applied_migrations(schemas.template_schema_name())


def test_unknown_tenant_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no tenant 'nope'"):
        run("suspend", "nope")
