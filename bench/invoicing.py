"""Issuing invoices from concurrent processes: throughput, and proof that the series has no gap.

4 worker processes each create and issue their share of 2,000 invoices of 5 lines in one tenant
(each invoice in its own transaction, as a request would). Prints invoices per second and checks that
the issued numbers are exactly 1..2000 — no gap, no duplicate. Runs on the development database; the
tenant it creates is dropped at the end. `python bench/invoicing.py [invoices] [processes]`.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from saas.catalog import services as catalog  # noqa: E402
from saas.catalog.models import Product, Unit  # noqa: E402
from saas.crm import services as crm  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from saas.sales import services as sales  # noqa: E402
from saas.sales.models import Invoice  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402


def worker(slug: str, count: int) -> None:
    """Create and issue `count` invoices of 5 lines, each in its own transaction."""
    actor = User.objects.get(email=f"{slug}@bench.example.com")
    with schema_context(slug):
        account = Account.objects.get()
        products = list(Product.objects.all())
        for _ in range(count):
            with transaction.atomic():
                invoice = sales.invoice_create(actor=actor, account=account)
                for index, product in enumerate(products):
                    invoice = sales.document_line_add(actor=actor, document=invoice, item=product,
                                                      quantity=Decimal(index + 1))
                sales.invoice_issue(actor=actor, invoice=invoice)


def main(total: int = 2000, processes: int = 4) -> None:
    slug = f"bench-inv-{uuid.uuid4().hex[:6]}"
    admin = User.objects.create_user(f"{slug}@bench.example.com", "bench-passphrase-2026")
    services.tenant_create(name="Bench invoicing", slug=slug, admin=admin)
    try:
        with schema_context(slug):
            crm.account_create(actor=admin, fields={"name": "Customer", "billing_street": "1 rue de la Paix",
                                                    "billing_postal_code": "69001", "billing_city": "Lyon"})
            for index in range(5):
                catalog.item_create(actor=admin, model=Product, fields={
                    "sku": f"P{index}", "name": f"Product {index}", "unit": Unit.objects.get(code="u"),
                    "sale_price": Decimal("19.99") + index})
        connection.close()
        share = [total // processes + (1 if i < total % processes else 0) for i in range(processes)]
        started = time.perf_counter()
        workers = [subprocess.Popen([sys.executable, __file__, "worker", slug, str(n)]) for n in share]
        failed = [w for w in workers if w.wait() != 0]
        elapsed = time.perf_counter() - started
        if failed:
            raise SystemExit(f"{len(failed)} worker(s) failed")
        with schema_context(slug):
            numbers = list(Invoice.objects.filter(status="issued").values_list("number", flat=True))
        sequence = sorted(int(re.search(r"(\d+)$", number).group(1)) for number in numbers)
        print(f"{len(numbers)} invoices of 5 lines issued by {processes} processes in {elapsed:.1f} s: "
              f"{len(numbers) / elapsed:.1f} invoices/s")
        exact = sequence == list(range(1, total + 1))
        print(f"numbers exactly 1..{total}, no gap, no duplicate: {'yes' if exact else 'NO'}")
        if not exact:
            raise SystemExit(1)
    finally:
        connection.set_schema_to_public()
        services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
        User.objects.filter(email=f"{slug}@bench.example.com").delete()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        main(*(int(arg) for arg in sys.argv[1:3]))
