"""Access rights: what a restricted user's visibility costs on a list.

1,000 accounts owned by twelve salespeople spread over a role tree four levels deep, accounts private, ten
sharing rules aimed at the restricted user's role. Prints the median milliseconds of the same list query
(100 accounts per page and the total count, through GraphQL) for the tenant's admin (no filter) and for the
restricted salesperson (role tree and sharing rules as subqueries), and their ratio. Target (issue 8): ≤ 1.5.
Runs on the development database; the tenant it creates is dropped at the end.
"""

import json
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
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from saas.access import roles, seeded  # noqa: E402
from saas.access.models import Role  # noqa: E402
from saas.crm import services as crm  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import Membership, User  # noqa: E402

ACCOUNTS, SELLERS, RULES, RUNS = 1_000, 12, 10, 30
PASSWORD = "bench-passphrase-2026"
LIST = """query { accounts(first: 100) { totalCount edges { node { id number name billingCity phone
  owner { ... on User { email } } } } } }"""


def build(slug: str, admin: User, tenant) -> User:
    """The tree Administrator > Manager > Region > Team > Field sales (depth 4), twelve sellers in the lower
    roles, the accounts spread over them; returns the restricted seller (in Field sales)."""
    started = time.perf_counter()
    sellers = []
    for number in range(SELLERS):
        seller = User.objects.create_user(f"seller{number}-{slug}@bench.example.com", PASSWORD)
        Membership.objects.create(user=seller, tenant=tenant)
        sellers.append(seller)
    with schema_context(slug), transaction.atomic():
        # The seeded roles carry the tenant's language since issue 17.
        with translation.override(tenant.language):
            sales, manager = str(seeded.SEEDED_NAMES["Sales"]), str(seeded.SEEDED_NAMES["Manager"])
        profiles = list(Role.objects.get(name=sales).profiles.all())
        parent = Role.objects.get(name=manager)
        tree = []
        for name in ("Region", "Team", "Field sales"):
            parent = roles.role_create(actor=admin, name=name, parent=parent, profiles=profiles)
            tree.append(parent)
        side = [roles.role_create(actor=admin, name=f"Other team {number}", parent=tree[0], profiles=profiles)
                for number in range(RULES)]
        for number, seller in enumerate(sellers):
            role = tree[2] if number == 0 else side[number % RULES] if number % 2 else tree[number % 3]
            roles.user_role_set(actor=admin, user=seller, role=role)
        roles.module_default_set(actor=admin, module="accounts", access="private")
        for number in range(RULES):
            roles.sharing_rule_create(actor=admin, module="accounts", from_role=side[number], to_role=tree[2])
        accounts = [crm.account_create(actor=admin, fields={"name": f"Customer {number}", "billing_city": "Lyon",
                                                            "phone": f"04{number:08d}"})
                    for number in range(ACCOUNTS)]
        for number, account in enumerate(accounts):
            Account.objects.filter(pk=account.pk).update(owner_user=sellers[number % SELLERS])
    print(f"data: {ACCOUNTS} accounts, {SELLERS} sellers, role tree depth 4, {RULES} sharing rules, "
          f"built in {time.perf_counter() - started:.1f} s")
    return sellers[0]


def median_ms(function) -> float:
    function()  # warm-up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def logged_in(host: str, email: str) -> Client:
    client = Client()
    login = {"query": 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
             "variables": {"e": email, "p": PASSWORD}}
    client.post("/graphql/", json.dumps(login), content_type="application/json", HTTP_HOST=host, secure=True)
    return client


def main() -> None:
    slug = f"bench-rights-{uuid.uuid4().hex[:6]}"
    email = f"{slug}@bench.example.com"
    admin = User.objects.create_user(email, PASSWORD)
    tenant = services.tenant_create(name="Bench rights", slug=slug, admin=admin)
    try:
        seller = build(slug, admin, tenant)
        host = f"{slug}.{settings.BASE_DOMAIN}"
        counts = {}

        def listing(client: Client, who: str):
            def run():
                # Over HTTPS, as served in production (plain HTTP is redirected there).
                response = client.post("/graphql/", json.dumps({"query": LIST}), content_type="application/json",
                                       secure=True, HTTP_HOST=host)
                assert response.status_code == 200, (response.status_code, response.content[:300])
                body = response.json()
                assert "errors" not in body, body
                counts[who] = (body["data"]["accounts"]["totalCount"], len(body["data"]["accounts"]["edges"]))
            return run

        unrestricted = median_ms(listing(logged_in(host, email), "admin"))
        restricted = median_ms(listing(logged_in(host, seller.email), "seller"))
        print(f"admin: {counts['admin'][0]} accounts visible, page of {counts['admin'][1]}: "
              f"median {unrestricted:.1f} ms over {RUNS} runs")
        print(f"restricted seller: {counts['seller'][0]} accounts visible, page of {counts['seller'][1]}: "
              f"median {restricted:.1f} ms")
        print(f"overhead ratio restricted / admin: {restricted / unrestricted:.2f} (target <= 1.5)")
    finally:
        from django.db import connection

        connection.set_schema_to_public()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept tenant {slug}")
        else:
            services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email__endswith=f"{slug}@bench.example.com").delete()


if __name__ == "__main__":
    main()
