"""The record page: an account with 1,000 contacts, 10,000 comments over them, 5,000 history events.

Prints the median milliseconds of the record page query through GraphQL (record, header, key fields,
20 rolled-up comments, 20 history events, related tab counts) and of the same data read with
hand-written SQL on the same connection, their ratio, and the median of the roll-up page alone.
Targets (issue 3): ratio ≤ 3, roll-up page ≤ 25 ms. Runs on the development database; the tenant it
creates is dropped at the end.
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
os.environ.setdefault("HTTPS", "false")  # in-process requests, plain HTTP: no redirect to https
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from strawberry.relay import to_base64  # noqa: E402

from saas.crm import services as crm  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from saas.records import registry  # noqa: E402
from saas.records.models import Comment  # noqa: E402
from saas.records.selectors.history import event_tables  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402

CONTACTS, COMMENTS, EVENTS, RUNS = 1_000, 10_000, 5_000, 30
PASSWORD = "bench-passphrase-2026"

RECORD_PAGE = """query($id: ID!) { node(id: $id) { ... on Account {
  id number displayName version name header { field value } keyFields { field value } owner { ... on User { email } }
  comments(rollUp: true, first: 20) { totalCount edges { node { body createdAt author { email }
    record { displayName } } } }
  history(first: 20) { totalCount edges { node { kind at actor { email } changes { field old new } } } }
  relatedTabs { key count } } } }"""
ROLL_UP = """query($id: ID!) { node(id: $id) { ... on Account {
  comments(rollUp: true, first: 20) { totalCount edges { node { body createdAt author { email }
    record { displayName } } } } } } }"""

# Every event table that can hold a record's events, as the Updates tab reads them.
EVENT_TABLES = list(event_tables())
# The same data as the GraphQL page, as an expert would fetch it: the record, the 20 newest rolled-up
# comments with author and posting record, their count, the 20 newest events of all event tables with
# each one's previous version (to show old → new), their actors, their count, the related tab counts.
HISTORY_PAGE = " UNION ALL ".join(
    f"""(SELECT '{table}' AS tbl, e.pgh_id, e.pgh_created_at, to_jsonb(e) AS snapshot,
           (SELECT to_jsonb(p) FROM {table} p WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
            ORDER BY p.pgh_id DESC LIMIT 1) AS previous, c.metadata
         FROM {table} e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id
         WHERE e.ref_id = %(ref)s ORDER BY e.pgh_created_at DESC, e.pgh_id DESC LIMIT 20)"""
    for table in EVENT_TABLES) + " ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT 20"
HISTORY_COUNT = "SELECT " + " + ".join(
    f"(SELECT count(*) FROM {table} WHERE ref_id = %(ref)s)" for table in EVENT_TABLES)
ROLL_UP_SET = """(c.ref_id = %(ref)s
      OR c.ref_id IN (SELECT ref_id FROM crm_contact WHERE account_id = %(account)s AND deleted_at IS NULL)
      OR c.ref_id IN (SELECT ref_id FROM crm_account WHERE parent_id = %(account)s AND deleted_at IS NULL)
      OR c.ref_id IN (SELECT p.ref_id FROM crm_account a JOIN crm_account p ON p.id = a.parent_id
                      WHERE a.id = %(account)s AND p.deleted_at IS NULL))"""
HAND_WRITTEN = [
    """SELECT a.*, r.display_name, u.email FROM crm_account a JOIN records_recordref r ON r.id = a.ref_id
       LEFT JOIN tenants_user u ON u.id = a.owner_user_id WHERE a.id = %(account)s""",
    f"""SELECT c.id, c.body, c.created_at, u.email, r.display_name FROM records_comment c
        JOIN records_recordref r ON r.id = c.ref_id JOIN tenants_user u ON u.id = c.author_id
        WHERE {ROLL_UP_SET} ORDER BY c.created_at DESC, c.id DESC LIMIT 20""",
    f"SELECT count(*) FROM records_comment c WHERE {ROLL_UP_SET}",
    HISTORY_PAGE,
    "SELECT id, email FROM tenants_user WHERE id = ANY(%(actors)s)",
    HISTORY_COUNT,
    "SELECT " + ", ".join(  # one count per related tab of an account (contacts, deals, invoices, entries...)
        f"(SELECT count(*) FROM {model._meta.db_table} WHERE {model._meta.get_field(field).column} = %(account)s "
        f"AND deleted_at IS NULL)"
        for model, field in ((tab.model_class(), tab.field) for tab in registry.get("accounts").relations)),
]


def build(slug: str, admin: User) -> Account:
    started = time.perf_counter()
    with schema_context(slug), transaction.atomic():
        account = crm.account_create(actor=admin, fields={"name": "Big Customer", "billing_city": "Lyon"})
        contacts = [crm.contact_create(actor=admin, fields={"last_name": f"Person {i}", "account": account})
                    for i in range(CONTACTS)]
        now = timezone.now()
        Comment.objects.bulk_create([
            Comment(ref_id=contacts[i % CONTACTS].ref_id, body=f"comment {i}", author=admin,
                    created_at=now - timezone.timedelta(seconds=i))
            for i in range(COMMENTS)], batch_size=2_000)
        with connection.cursor() as cursor:
            for i in range(EVENTS - 1):  # the creation is the first event
                cursor.execute("UPDATE crm_account SET phone = %s WHERE id = %s", [f"01{i:08d}", account.pk])
    print(f"data: 1 account, {CONTACTS} contacts, {COMMENTS} comments, "
          f"{EVENTS} history events, built in {time.perf_counter() - started:.1f} s")
    return account


def median_ms(function) -> float:
    function()  # warm-up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    slug = f"bench-page-{uuid.uuid4().hex[:6]}"
    email = f"{slug}@bench.example.com"
    admin = User.objects.create_user(email, PASSWORD)
    services.tenant_create(name="Bench page", slug=slug, admin=admin)
    try:
        account = build(slug, admin)
        host = f"{slug}.{settings.BASE_DOMAIN}"
        client = Client()
        login = {"query": 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
                 "variables": {"e": email, "p": PASSWORD}}
        client.post("/graphql/", json.dumps(login), content_type="application/json", HTTP_HOST=host)
        global_id = to_base64("Account", f"{slug}.{account.pk}")

        def graphql(query):
            def run():
                response = client.post("/graphql/", json.dumps({"query": query, "variables": {"id": global_id}}),
                                       content_type="application/json", HTTP_HOST=host)
                body = response.json()
                assert "errors" not in body, body
            return run

        def hand_written():
            params = {"account": account.pk, "ref": account.ref_id, "actors": [admin.pk]}
            with schema_context(slug), connection.cursor() as cursor:
                for sql in HAND_WRITTEN:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        page = median_ms(graphql(RECORD_PAGE))
        floor = median_ms(hand_written)
        roll_up = median_ms(graphql(ROLL_UP))
        print(f"record page through GraphQL: median {page:.1f} ms over {RUNS} runs")
        print(f"same data, hand-written SQL: median {floor:.1f} ms")
        print(f"ratio GraphQL / SQL: {page / floor:.2f} (target <= 3)")
        print(f"roll-up page alone (20 of {COMMENTS} comments) through GraphQL: median {roll_up:.1f} ms "
              f"(target <= 25)")
    finally:
        connection.set_schema_to_public()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept tenant {slug}")
        else:
            services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email=email).delete()


if __name__ == "__main__":
    main()
