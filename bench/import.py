"""CSV import at size: N contact rows (default 100,000) linked to an account by name, through the import job.

Prints the rows per second of the job (target: 100,000 rows in <= 60 s), the process's peak memory (target
<= 300 MB), the progress another connection read while the job ran (the job publishes processed/total after every
batch of 1,000 rows), then the time to undo the import. Runs on the development database; the tenant it creates
is dropped at the end.
`python bench/import.py [rows] [valid_rows_only|all_or_nothing]`.
"""

import os
import resource
import sys
import threading
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
from saas.imports.services import import_prepare, import_undo  # noqa: E402
from saas.imports.tasks import import_run  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402


def csv_bytes(rows: int) -> bytes:
    lines = ["first_name;last_name;email;phone;account"]
    lines += [f"Prénom{i};Nom{i};person{i}@example.com;+33 1 23 45 {i % 100:02d} {i % 97:02d};Bench SA"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def watch(slug: str, import_id: int, done: threading.Event, seen: list[int]) -> None:
    """Read the job's progress every half second from a connection of this thread, as a user's page would."""
    try:
        while not done.wait(0.5):
            with schema_context(slug):
                seen.append(Import.objects.filter(pk=import_id).values_list("processed", flat=True).get())
    finally:
        connection.close()


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of the PostgreSQL backend serving this process, when the server runs on this machine: on a
    shared machine, the job's own cost (this process + its backend) whatever the others' load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(rows: int, mode: str) -> None:
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
            job = import_prepare(actor=admin, module="contacts", data=data, file_name="bench.csv", mode=mode)
        del data
        done, seen = threading.Event(), []
        watcher = threading.Thread(target=watch, args=(slug, job.pk, done, seen))
        watcher.start()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        backend_before, process_before = backend_cpu_seconds(backend), time.process_time()
        started = time.perf_counter()
        try:
            import_run(schema_name=slug, import_id=job.pk)  # the job's body, in this process
        finally:
            seconds = time.perf_counter() - started
            process_cpu, backend_after = time.process_time() - process_before, backend_cpu_seconds(backend)
            done.set()
            watcher.join()
        with schema_context(slug):
            job = Import.objects.get(pk=job.pk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"import of {rows:,} contact rows ({mode}): {job.status}, {job.created:,} created, "
              f"{job.invalid:,} invalid; {seconds:.1f} s, {rows / seconds:,.0f} rows/s "
              f"(target: 100,000 rows in <= 60 s)")
        print(f"peak memory of the process: {peak:.0f} MB (target <= 300 MB)")
        backend_cpu = "?" if backend_after is None else f"{backend_after - backend_before:.1f} s"
        print(f"CPU time: this process {process_cpu:.1f} s, its PostgreSQL backend {backend_cpu}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"progress read by another connection while the job ran: {len(seen)} readings, "
              f"{len(set(seen))} distinct values, {min(seen, default=0):,} to {max(seen, default=0):,} "
              f"of {job.total:,}")
        started = time.perf_counter()
        with schema_context(slug), transaction.atomic():
            import_undo(actor=admin, job=job)
        print(f"undo of the import (its {job.created:,} records deleted, in one transaction): "
              f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    finally:
        connection.set_schema_to_public()
        services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
        User.objects.filter(email=email).delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
         ImportMode(sys.argv[2]) if len(sys.argv) > 2 else ImportMode.VALID_ROWS_ONLY)
