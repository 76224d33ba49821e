"""CSV import at size: N contact rows (default 100,000) linked to an account by name, through the import job.

Prints the rows per second of the job (target: 100,000 rows in <= 60 s) and the process's peak memory (target
<= 300 MB). Runs on the development database; the tenant it creates is dropped at the end.
`python bench/import.py [rows]`.
"""

import os
import resource
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from saas.crm import services as crm  # noqa: E402
from saas.imports.enums import ImportMode  # noqa: E402
from saas.imports.models import Import  # noqa: E402
from saas.imports.services import import_prepare  # noqa: E402
from saas.imports.tasks import import_run  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402


def csv_bytes(rows: int) -> bytes:
    lines = ["first_name;last_name;email;phone;account"]
    lines += [f"Prénom{i};Nom{i};person{i}@example.com;+33 1 23 45 {i % 100:02d} {i % 97:02d};Bench SA"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def main(rows: int) -> None:
    slug = f"bench{uuid.uuid4().hex[:8]}"
    email = f"admin@{slug}.example.com"
    services.signup(company_name="Bench", slug=slug, email=email, password="a-long-enough-passphrase",
                    language="en")
    connection.set_schema_to_public()
    admin = User.objects.get(email=email)
    try:
        data = csv_bytes(rows)
        with schema_context(slug), transaction.atomic():
            crm.account_create(actor=admin, fields={"name": "Bench SA"})
            job = import_prepare(actor=admin, module="contacts", data=data, file_name="bench.csv",
                                 mode=ImportMode.VALID_ROWS_ONLY)
        del data
        started = time.perf_counter()
        import_run(schema_name=slug, import_id=job.pk)  # the job's body, in this process
        seconds = time.perf_counter() - started
        with schema_context(slug):
            job = Import.objects.get(pk=job.pk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"import of {rows:,} contact rows: {job.status}, {job.created:,} created, {job.invalid:,} invalid; "
              f"{seconds:.1f} s, {rows / seconds:,.0f} rows/s (target: 100,000 rows in <= 60 s)")
        print(f"peak memory of the process: {peak:.0f} MB (target <= 300 MB)")
    finally:
        connection.set_schema_to_public()
        services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
        User.objects.filter(email=email).delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
