"""Operators export a tenant, restore it under another slug and delete tenants completely: commands, audited."""

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from saas.core.tenancy import tenant_cache_key
from saas.crm import services as crm
from saas.imports.tasks import import_run
from saas.records.models import Document
from saas.records.services import documents
from tenants import schemas, selectors, services
from tenants.models import Domain, Membership, Session, TenantAuditEvent, User
from tests.conftest import PASSWORD, SessionTenant, logged_in

CONTRACT = b"%PDF-1.4\n% the signed contract\n"
ACCOUNTS = """{ accounts(first: 10, ordering: [{name: ASC}]) { totalCount edges { node { name number
  documents { edges { node { fileName sha256 url } } } } } } }"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    # Files are found by their folder: leftovers of earlier runs in the shared test folder must not count.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def tenant_with_data(slug: str) -> User:
    """A tenant with two accounts, one of them with an uploaded document."""
    admin = services.signup(company_name=slug.capitalize(), slug=slug, email=f"bill@{slug}.example.com",
                            password=PASSWORD, language="en").user
    connection.set_schema(slug)
    penetrode = crm.account_create(actor=admin, fields={"name": "Penetrode"})
    crm.account_create(actor=admin, fields={"name": "Chotchkie's"})
    documents.document_upload(actor=admin, records=[penetrode],
                              upload=SimpleUploadedFile("contract.pdf", CONTRACT, content_type="application/pdf"))
    connection.set_schema_to_public()
    return admin


def accounts_seen_on(host_slug: str, admin: User) -> list[dict]:
    result = logged_in(SessionTenant(host_slug, admin.email)).execute(ACCOUNTS)
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"]["accounts"]["edges"]]


def test_an_exported_tenant_restored_under_another_slug_reads_the_same_through_graphql(db, tmp_path):
    # given
    admin = tenant_with_data("initech")
    archive = tmp_path / "initech.tar.gz"
    # when
    exported = run("tenant_export", "initech", str(archive), "--actor", "ops@example.com")
    restored = run("tenant_restore", str(archive), "initrode")
    # then
    assert exported.startswith(f"exported initech to {archive}:")
    assert restored == f"restored {archive} as initrode: http://initrode.localhost/\n"
    original, copy = accounts_seen_on("initech", admin), accounts_seen_on("initrode", admin)
    assert [(account["name"], account["number"]) for account in copy] == [
        (account["name"], account["number"]) for account in original]
    [document] = [edge["node"] for account in copy for edge in account["documents"]["edges"]]
    assert document["fileName"] == "contract.pdf"
    api = logged_in(SessionTenant("initrode", admin.email))
    download = api.client.get(document["url"], HTTP_HOST="initrode.localhost")
    assert b"".join(download.streaming_content) == CONTRACT
    connection.set_schema("initrode")
    assert Document.objects.get().file.name.startswith("initrode/documents/")
    connection.set_schema_to_public()
    assert Domain.objects.filter(domain="initrode.localhost", tenant__schema_name="initrode").exists()
    assert Membership.objects.get(tenant__schema_name="initrode").user == admin
    trail = list(TenantAuditEvent.objects.order_by("id").values_list("actor", "action", "tenant_slug"))
    assert trail[-2:] == [("ops@example.com", "export", "initech"), (services.operator_name(), "restore", "initrode")]


def test_restored_numbering_continues_where_the_export_left_it(db, tmp_path):
    admin = tenant_with_data("initech")
    archive = tmp_path / "initech.tar.gz"
    run("tenant_export", "initech", str(archive))
    run("tenant_restore", str(archive), "initrode")
    numbers = []
    for slug in ("initech", "initrode"):
        connection.set_schema(slug)
        numbers.append(crm.account_create(actor=admin, fields={"name": "Next"}).number)
    connection.set_schema_to_public()
    assert numbers[0] == numbers[1]
    manifest = json.load(tarfile.open(archive).extractfile("manifest.json"))
    assert {table["name"]: table["rows"] for table in manifest["tables"]}["crm_account"] == 2


def test_restore_refuses_another_migration_state_and_a_taken_slug_leaving_nothing(db, tmp_path):
    tenant_with_data("initech")
    archive = tmp_path / "initech.tar.gz"
    run("tenant_export", "initech", str(archive))
    # given: the same archive, as if taken before the newest migration
    older = tmp_path / "older.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(older, "w:gz") as target:
        for member in source:
            content = source.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.load(content)
                manifest["migrations"] = manifest["migrations"][:-1]
                data = json.dumps(manifest).encode()
                member.size, content = len(data), io.BytesIO(data)
            target.addfile(member, content)
    # when / then
    with pytest.raises(CommandError, match="another migration state"):
        run("tenant_restore", str(older), "initrode")
    with pytest.raises(CommandError, match="already taken"):
        run("tenant_restore", str(archive), "initech")
    assert selectors.tenant_get(slug="initrode") is None
    assert not schemas.schema_exists("initrode")
    assert not TenantAuditEvent.objects.filter(action="restore").exists()


def test_delete_leaves_no_schema_domain_membership_file_job_or_cache_key(db, media, django_capture_on_commit_callbacks):
    # given: a tenant with a stored file, a queued job and a cache key
    admin = tenant_with_data("initech")
    import_run.defer(schema_name="initech", import_id=1)
    cache.set(tenant_cache_key("initech", "graphql-cost", "someone", 1), 10)
    Session.objects.create(session_key="s" * 32, session_data="", schema_name="initech", user_id=admin.pk,
                           expire_date=timezone.now() + dt.timedelta(days=1))
    assert any((media / "initech").rglob("*.pdf"))
    # when: without the confirmation, then with it
    with pytest.raises(CommandError, match="confirm"):
        run("tenant_delete", "initech")
    assert schemas.schema_exists("initech")
    with django_capture_on_commit_callbacks(execute=True):
        out = run("tenant_delete", "initech", "--yes", "--actor", "ops@example.com")
    # then
    assert out == "deleted initech: schema dropped, 1 domains, 1 memberships, 1 jobs, 1 files\n"
    assert not schemas.schema_exists("initech")
    assert selectors.tenant_get(slug="initech") is None
    assert not Domain.objects.filter(domain="initech.localhost").exists()
    assert not Membership.objects.filter(user=admin).exists()
    assert not Session.objects.filter(schema_name="initech").exists()
    assert not (media / "initech").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE args->>'schema_name' = 'initech'")
        assert cursor.fetchone() == (0,)
    assert cache.get(tenant_cache_key("initech", "graphql-cost", "someone", 1)) is None
    event = TenantAuditEvent.objects.get(action="delete")
    assert (event.actor, event.tenant_slug, event.details["files"]) == ("ops@example.com", "initech", 1)
