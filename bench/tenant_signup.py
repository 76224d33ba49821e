"""Tenant signup: through the public GraphQL mutation (template replay) vs. the migrations path.

Prints the median seconds per signup for each path and their ratio. Runs against the development
database (DATABASE_URL, or the embedded server of `make run`); the tenants it creates are deleted.
Target (issue 2): median ≤ 0.5 s through the template on a 2-core machine.
"""

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.dev")
os.environ["SIGNUP_RATE_PER_HOUR"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402

SIGNUP = """mutation($input: SignupInput!) { signup(input: $input) { __typename ... on SignupSuccess { url } } }"""
PASSWORD = "bench-passphrase-2026"


def graphql_signup(client: Client, slug: str) -> float:
    body = {"query": SIGNUP, "variables": {"input": {
        "companyName": f"Bench {slug}", "slug": slug, "email": f"{slug}@bench.example.com", "password": PASSWORD,
        "language": "fr"}}}
    started = time.perf_counter()
    response = client.post("/graphql/", json.dumps(body), content_type="application/json",
                           HTTP_HOST=settings.BASE_DOMAIN)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    payload = response.json()["data"]["signup"]
    assert payload["__typename"] == "SignupSuccess", payload
    return elapsed


def migrations_signup(admin: User, slug: str) -> float:
    started = time.perf_counter()
    services.tenant_create(name=f"Bench {slug}", slug=slug, admin=admin, use_template=False)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def main(template_runs: int = 20, migration_runs: int = 5) -> None:
    run = uuid.uuid4().hex[:6]
    slugs: list[str] = []
    client = Client()
    try:
        template_times = []
        for index in range(template_runs):
            slugs.append(f"bench-{run}-t{index}")
            template_times.append(graphql_signup(client, slugs[-1]))
        admin = User.objects.create_user(f"bench-{run}@bench.example.com", PASSWORD)
        migration_times = []
        for index in range(migration_runs):
            slugs.append(f"bench-{run}-m{index}")
            migration_times.append(migrations_signup(admin, slugs[-1]))
    finally:
        for slug in slugs:
            if tenant := selectors.tenant_get(slug=slug):
                services.tenant_delete(tenant=tenant, confirm=True)
        User.objects.filter(email__startswith=f"bench-{run}", email__endswith="@bench.example.com").delete()
    template_median = statistics.median(template_times)
    migrations_median = statistics.median(migration_times)
    tables = count_tenant_tables()
    print(f"tenant tables per schema: {tables}")
    print(f"signup through GraphQL (template replay): median {template_median:.3f} s over {template_runs} "
          f"(min {min(template_times):.3f}, max {max(template_times):.3f})")
    print(f"tenant creation by migrations:           median {migrations_median:.3f} s over {migration_runs}")
    print(f"ratio migrations / template: {migrations_median / template_median:.2f}")
    print(f"target median <= 0.5 s: {'met' if template_median <= 0.5 else 'NOT met'}")


def count_tenant_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [settings.TEMPLATE_SCHEMA_NAME])
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
