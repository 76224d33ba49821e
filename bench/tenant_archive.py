"""Tenant lifecycle at size: export a tenant of N accounts (default 2,000) and 20 documents, restore it under
another slug (verified equal to the manifest), delete both.

Prints the seconds of each step, the archive's size, the rows and tables moved, and the floor of the same run:
one `COPY ... TO STDOUT` of every table with no checksum, no file and no archive. Runs on the development
database; the tenants it creates are deleted at the end. `python bench/tenant_archive.py [accounts]`.
"""

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from saas.crm import services as crm  # noqa: E402
from saas.records.services import documents  # noqa: E402
from tenants import dump, lifecycle, selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402


def seed(slug: str, admin: User, accounts: int) -> None:
    with schema_context(slug), transaction.atomic():
        first = crm.account_create(actor=admin, fields={"name": "Account 0"})
        for i in range(1, accounts):
            crm.account_create(actor=admin, fields={"name": f"Account {i}"})
        for i in range(20):
            documents.document_upload(actor=admin, records=[first], upload=SimpleUploadedFile(
                f"doc{i}.pdf", b"%PDF-1.4\n" + os.urandom(50_000), content_type="application/pdf"))


def timed(step):
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def main(accounts: int) -> None:
    slug, copy = f"bench{uuid.uuid4().hex[:8]}", f"bench{uuid.uuid4().hex[:8]}"
    email = f"admin@{slug}.example.com"
    admin = services.signup(company_name="Bench", slug=slug, email=email, password="a-long-enough-passphrase",
                            language="en").user
    connection.set_schema_to_public()
    try:
        seed(slug, admin, accounts)
        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder) / "tenant.tar.gz"
            tenant = selectors.tenant_get(slug=slug)
            manifest, export_seconds = timed(lambda: lifecycle.tenant_export(tenant=tenant, archive=archive,
                                                                             actor="bench"))
            _, floor_seconds = timed(lambda: [dump.copy_out(slug, table) for table in dump.tables(slug)])
            _, restore_seconds = timed(lambda: lifecycle.tenant_restore(archive=archive, slug=copy, actor="bench"))
            size = archive.stat().st_size
        rows = sum(table["rows"] for table in manifest["tables"])
        print(f"tenant of {accounts} accounts and {len(manifest['files'])} files: {len(manifest['tables'])} "
              f"tables, {rows} rows, archive {size / 1e6:.1f} MB")
        print(f"export  {export_seconds:6.2f} s   (floor: COPY of every table {floor_seconds:.2f} s, "
              f"x{export_seconds / floor_seconds:.1f})")
        print(f"restore {restore_seconds:6.2f} s   (schema, load, read-back verification, files)")
    finally:
        for name in (slug, copy):
            if (tenant := selectors.tenant_get(slug=name)) is not None:
                _, seconds = timed(lambda tenant=tenant: services.tenant_delete(tenant=tenant, confirm=True,
                                                                                 actor="bench"))
                print(f"delete {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000)
