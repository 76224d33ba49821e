"""Web pages as a member gets them: the invoice list, an account's record page and the dashboard.

Builds a tenant with the demo data (about 30 accounts, 60 contacts, 20 leads, 15 deals, 48 catalog items,
quotes, orders and invoices), logs in through the login page, and prints for each page the median
milliseconds over the runs (Django's test client: URL routing, middleware, every named GraphQL operation
run in-process, template rendering) and the number of SQL statements one rendering takes. Target (issue 7):
≤ 150 ms median per page. Runs on the development database; the tenant it creates is dropped at the end.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
# Measured as served in production: DEBUG off (no query log, no GraphiQL).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("GRAPHQL_COST_PER_MINUTE", "0")  # the rate limit is not what is measured
os.environ.setdefault("HTTPS", "false")  # in-process requests, plain HTTP: no redirect to https
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from strawberry.relay import to_base64  # noqa: E402

from saas.catalog.demo import demo_catalog_fill  # noqa: E402
from saas.crm.demo import demo_crm_fill  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from saas.sales.demo import demo_sales_fill  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402

RUNS = 30
PASSWORD = "bench-passphrase-2026"
TARGET_MS = 150


def build(slug: str, admin: User) -> str:
    started = time.perf_counter()
    with schema_context(slug):
        accounts = demo_crm_fill(actor=admin)
        items = demo_catalog_fill(actor=admin)
        quotes = demo_sales_fill(actor=admin)
        # The account with the most related records: the record page's heaviest case among the demo data.
        account = max(Account.objects.all(), key=lambda a: a.contacts.count() + a.invoices.count())
    print(f"data: {accounts} accounts, {items} catalog items, {quotes} quotes with their orders and invoices, "
          f"built in {time.perf_counter() - started:.1f} s")
    return to_base64("Account", f"{slug}.{account.pk}")


def measure(client: Client, host: str, url: str) -> tuple[float, int]:
    def get():
        response = client.get(url, HTTP_HOST=host)
        assert response.status_code == 200, (url, response.status_code)
        connection.set_schema_to_public()

    get()  # warm-up
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(statements)


def main() -> None:
    slug = f"bench-web-{uuid.uuid4().hex[:6]}"
    email = f"{slug}@bench.example.com"
    admin = User.objects.create_user(email, PASSWORD, language="en")
    services.tenant_create(name="Bench web", slug=slug, admin=admin, language="en")
    try:
        account = build(slug, admin)
        host = f"{slug}.{settings.BASE_DOMAIN}"
        client = Client()
        assert client.post("/login/", {"email": email, "password": PASSWORD}, HTTP_HOST=host).status_code == 302
        connection.set_schema_to_public()
        for name, url in (("invoice list", "/invoices/"), ("account list, every column", "/accounts/?" + "&".join(
                f"cols={path}" for path in ("number", "billingCity", "siren", "industry", "owner", "createdAt"))),
                          ("record page (account)", f"/records/{account}/"), ("dashboard", "/")):
            median, count = measure(client, host, url)
            verdict = "ok" if median <= TARGET_MS else "over target"
            print(f"{name:28} {url[:40]:42} median {median:6.1f} ms over {RUNS} runs, {count:3d} SQL queries "
                  f"({verdict}, target <= {TARGET_MS} ms)")
    finally:
        connection.set_schema_to_public()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept tenant {slug}")
        else:
            services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email=email).delete()


if __name__ == "__main__":
    main()
