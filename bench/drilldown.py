"""Accounting at size: the account drill-down and the FEC export over 200 customers, 20,000 invoices, ~100,000
entry lines.

Data: 200 customer accounts; the first gets 100 invoices through the services (issued over the year, goods or
services, four in five paid and lettered, services VAT moved on payment); the other 199 get copies of them written
with SQL (new numbers, sub-ledger accounts, documents, entries and lines, posted and balanced — the database's
triggers check them as for any entry). Prints:
- the median ms of the drill-down of one account with its 100 invoices, their entries and lines through GraphQL,
  against the same data read by one hand-written SQL query and built into JSON, and their ratio (target ≤ 4);
- the FEC export of the whole year, in a fresh process: lines per second (target ≥ 50,000) and the process's peak
  memory (target ≤ 200 MB), for the file alone and for the checked export stored as a document.
Runs on the development database; the tenant it creates is dropped at the end (`BENCH_KEEP=1` keeps it, and
`BENCH_TENANT=<slug>` measures a kept one again without building). `python bench/drilldown.py`.
"""

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
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

from saas.accounting import fec  # noqa: E402
from saas.accounting.models import FiscalYear, JournalEntry, JournalLine  # noqa: E402
from saas.accounting.services import auxiliary_for  # noqa: E402
from saas.catalog import services as catalog  # noqa: E402
from saas.catalog.models import Product, Unit  # noqa: E402
from saas.companies.models import Company  # noqa: E402
from saas.crm import services as crm  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from saas.records.models import RecordRef  # noqa: E402
from saas.sales import payments as sales_payments  # noqa: E402
from saas.sales import services as sales  # noqa: E402
from saas.sales.models import Invoice, InvoiceLine, Payment, PaymentAllocation  # noqa: E402
from tenants import selectors, services  # noqa: E402
from tenants.models import User  # noqa: E402

ACCOUNTS, INVOICES_EACH, RUNS, COPY_BATCH = 200, 100, 30, 20
PASSWORD = "bench-passphrase-2026"
SIREN = "732829320"

DRILL_DOWN = """query($id: ID!) { node(id: $id) { ... on Account { name invoices(first: 100) { totalCount edges {
  node { number issueDate totalInclVat entries { edges { node { journal { code } number date
    lines { account { number label } label debit credit lettering } } } } } } } } } }"""
# The same data as one query: the account's 100 newest invoices (the connection's order), their entries, lines.
HAND_WRITTEN = """
    SELECT c.name, i.id, i.number, i.issue_date, i.total_incl_vat, e.id, j.code, e.number, e.date,
           a.number, a.label, l.label, l.debit, l.credit, l.lettering,
           (SELECT count(*) FROM sales_invoice WHERE account_id = c.id AND deleted_at IS NULL)
    FROM crm_account c
    JOIN LATERAL (SELECT * FROM sales_invoice WHERE account_id = c.id AND deleted_at IS NULL
                  ORDER BY issue_date DESC, id DESC LIMIT 100) i ON true
    LEFT JOIN accounting_journalentry e ON e.invoice_id = i.id AND e.deleted_at IS NULL
    LEFT JOIN accounting_journal j ON j.id = e.journal_id
    LEFT JOIN accounting_journalline l ON l.entry_id = e.id
    LEFT JOIN accounting_ledgeraccount a ON a.id = l.ledger_account_id
    WHERE c.id = %s
    ORDER BY i.issue_date DESC, i.id DESC, e.date DESC, e.id DESC, l.position, l.id"""


def money(value: Decimal) -> str:
    return str(value)


def drill_down_json(cursor, account_id: int) -> str:
    cursor.execute(HAND_WRITTEN, [account_id])
    rows = cursor.fetchall()
    name, total = (rows[0][0], rows[0][-1]) if rows else (None, 0)
    invoices, entries = [], {}
    for (invoice_id, number, issued, incl_vat, entry_id, journal, entry_number, date, account, account_label,
         label, debit, credit, lettering) in (row[1:-1] for row in rows):
        if not invoices or invoices[-1]["id"] != invoice_id:
            invoices.append({"id": invoice_id, "number": number, "issueDate": issued.isoformat(),
                             "totalInclVat": money(incl_vat), "entries": {"edges": []}})
        if entry_id is None:
            continue
        entry = entries.get(entry_id)
        if entry is None:
            entry = entries[entry_id] = {"journal": {"code": journal}, "number": entry_number,
                                         "date": date.isoformat(), "lines": []}
            invoices[-1]["entries"]["edges"].append({"node": entry})
        entry["lines"].append({"account": {"number": account, "label": account_label}, "label": label,
                               "debit": money(debit), "credit": money(credit), "lettering": lettering})
    for invoice in invoices:
        del invoice["id"]
    return json.dumps({"data": {"node": {"name": name, "invoices": {"totalCount": total, "edges": [
        {"node": invoice} for invoice in invoices]}}}})


# --- Data ------------------------------------------------------------------------------------------------------


def build(admin: User) -> tuple[list, FiscalYear]:
    """The accounts, and the first one's invoices and payments through the services."""
    started = time.perf_counter()
    today = timezone.localdate()
    first_day = dt.date(today.year, 1, 1)
    span = max((today - first_day).days - 30, INVOICES_EACH)  # the last payments land 20 days later
    with transaction.atomic():
        Company.objects.filter(is_default=True).update(siren=SIREN)
        goods = catalog.item_create(actor=admin, model=Product, fields={
            "sku": "W", "name": "Widget", "unit": Unit.objects.get(code="u"), "sale_price": Decimal("120")})
        accounts = [crm.account_create(actor=admin, fields={
            "name": f"Customer {index:03d}", "billing_street": f"{index} rue de la Paix",
            "billing_postal_code": "69001", "billing_city": "Lyon"}) for index in range(ACCOUNTS)]
        for account in accounts:
            auxiliary_for(party=account)
    template = accounts[0]
    for index in range(INVOICES_EACH):
        with transaction.atomic():
            day = first_day + dt.timedelta(days=index * span // INVOICES_EACH)
            invoice = sales.invoice_create(actor=admin, account=template)
            if index % 2:
                invoice = sales.document_line_add(actor=admin, document=invoice, item=goods,
                                                  quantity=Decimal(1 + index % 3))
            else:
                invoice = sales.document_line_add(actor=admin, document=invoice, description="Consulting",
                                                  unit_price=Decimal(150 + index), vat_rate=Decimal("20"))
            invoice = sales.invoice_issue(actor=admin, invoice=invoice, issue_date=day)
            if index % 5:
                sales_payments.payment_record(actor=admin, account=template, amount=invoice.total_incl_vat,
                                              date=day + dt.timedelta(days=20), reference=f"VIR {index}",
                                              allocations=[(invoice, invoice.total_incl_vat)])
    print(f"through the services: {ACCOUNTS} accounts, {INVOICES_EACH} invoices of one of them with their "
          f"payments, in {time.perf_counter() - started:.1f} s")
    return accounts, FiscalYear.objects.get(name=str(today.year))


def columns(model, *, with_id: bool = True) -> list[str]:
    return [field.column for field in model._meta.concrete_fields if with_id or field.column != "id"]


def copy_rows(cursor, model, source_join: str, overrides: dict[str, str], *, with_id: bool = True) -> None:
    """INSERT … SELECT of `model`'s rows joined to a mapping: every column copied unless overridden."""
    table, names = model._meta.db_table, columns(model, with_id=with_id)
    select = ", ".join(overrides.get(name, f"src.{name}") for name in names)
    cursor.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM {table} src {source_join}")


def mapping(cursor, name: str, model, where: str, order: str, params: list) -> None:
    """A temporary table (old_id, k, new_id, new_ref, rn): one new row and reference per copy k of a row."""
    table = model._meta.db_table
    cursor.execute(f"""
        CREATE TEMP TABLE {name} ON COMMIT DROP AS
        SELECT src.id AS old_id, m.k, m.account_id, m.auxiliary_id,
               nextval(pg_get_serial_sequence('{table}', 'id')) AS new_id,
               nextval(pg_get_serial_sequence('records_recordref', 'id')) AS new_ref,
               row_number() OVER (ORDER BY m.k, {order}) AS rn
        FROM {table} src CROSS JOIN copies m WHERE {where}""", params)
    cursor.execute(f"CREATE INDEX ON {name} (old_id, k)")


def copy_refs(cursor, model, name: str, number: str) -> None:
    copy_rows(cursor, RecordRef, f"JOIN {model._meta.db_table} o ON o.ref_id = src.id JOIN {name} m "
                                 "ON m.old_id = o.id", {
        "id": "m.new_ref", "object_id": "m.new_id",
        "display_name": f"replace(src.display_name, coalesce(o.number, ''), {number})",
        "search_text": f"replace(src.search_text, coalesce(o.number, ''), {number})"})


def numbered(column: str, base: int) -> str:
    """The next numbers of a series after `base`: the copied number's prefix, then `base` + the copy's rank."""
    return (f"regexp_replace({column}, '[0-9]+$', '') "
            f"|| lpad(({base} + m.rn)::text, length(substring({column} from '[0-9]+$')), '0')")


def copy_books(accounts: list, fiscal_year: FiscalYear) -> None:
    """Copy the first account's invoices, payments, allocations, entries and lines to every other account."""
    started = time.perf_counter()
    template = accounts[0]
    auxiliary = {account.pk: auxiliary_for(party=account).pk for account in accounts}
    for batch in range(1, len(accounts), COPY_BATCH):
        chunk = accounts[batch:batch + COPY_BATCH]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE copies (k int, account_id bigint, auxiliary_id bigint) ON COMMIT DROP")
            cursor.executemany("INSERT INTO copies VALUES (%s, %s, %s)",
                               [(k, account.pk, auxiliary[account.pk]) for k, account in enumerate(chunk)])
            invoices = Invoice.objects.filter(number__isnull=False).count()
            payments = Payment.objects.count()
            year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
            mapping(cursor, "invoice_map", Invoice, "src.account_id = %s", "src.issue_date, src.id", [template.pk])
            mapping(cursor, "payment_map", Payment, "src.account_id = %s", "src.date, src.id", [template.pk])
            mapping(cursor, "entry_map", JournalEntry, "src.party_id = %s AND src.status = 'posted'", "src.number",
                    [template.pk])
            copy_refs(cursor, Invoice, "invoice_map", numbered("o.number", invoices))
            copy_rows(cursor, Invoice, "JOIN invoice_map m ON m.old_id = src.id", {
                "id": "m.new_id", "ref_id": "m.new_ref", "account_id": "m.account_id", "status": "'draft'",
                "number": numbered("src.number", invoices)})
            copy_rows(cursor, InvoiceLine, "JOIN invoice_map m ON m.old_id = src.invoice_id",
                      {"invoice_id": "m.new_id"}, with_id=False)
            cursor.execute("""UPDATE sales_invoice i SET status = o.status FROM invoice_map m
                              JOIN sales_invoice o ON o.id = m.old_id WHERE i.id = m.new_id""")
            copy_refs(cursor, Payment, "payment_map", numbered("o.number", payments))
            copy_rows(cursor, Payment, "JOIN payment_map m ON m.old_id = src.id", {
                "id": "m.new_id", "ref_id": "m.new_ref", "account_id": "m.account_id",
                "number": numbered("src.number", payments)})
            copy_rows(cursor, PaymentAllocation, "JOIN payment_map p ON p.old_id = src.payment_id "
                                                 "JOIN invoice_map m ON m.old_id = src.invoice_id AND m.k = p.k", {
                "payment_id": "p.new_id", "invoice_id": "m.new_id", "ref_id": "m.new_ref"}, with_id=False)
            entry_number = f"'{year.name}-' || lpad(({year.last_number} + m.rn)::text, 6, '0')"
            copy_refs(cursor, JournalEntry, "entry_map", entry_number)
            copy_rows(cursor, JournalEntry, "JOIN entry_map m ON m.old_id = src.id "
                                            "LEFT JOIN invoice_map im ON im.old_id = src.invoice_id AND im.k = m.k "
                                            "LEFT JOIN payment_map pm ON pm.old_id = src.payment_id AND pm.k = m.k", {
                "id": "m.new_id", "ref_id": "m.new_ref", "party_id": "m.account_id", "status": "'draft'",
                "number": entry_number, "invoice_id": "im.new_id", "payment_id": "pm.new_id"})
            copy_rows(cursor, JournalLine, "JOIN entry_map m ON m.old_id = src.entry_id", {
                "entry_id": "m.new_id", "ref_id": "m.new_ref",
                "auxiliary_id": "CASE WHEN src.auxiliary_id IS NULL THEN NULL ELSE m.auxiliary_id END"},
                with_id=False)
            cursor.execute("UPDATE accounting_journalentry e SET status = 'posted' FROM entry_map m "
                           "WHERE e.id = m.new_id")
            cursor.execute("SELECT count(*) FROM entry_map")
            year.last_number += cursor.fetchone()[0]
            year.save(update_fields=["last_number"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum does after a bulk load: the planner needs the row counts
    lines = JournalLine.objects.count()
    print(f"copied with SQL to {len(accounts) - 1} accounts in {time.perf_counter() - started:.1f} s: "
          f"{Invoice.objects.count()} invoices, {Payment.objects.count()} payments, "
          f"{JournalEntry.objects.count()} entries, {lines} entry lines")


# --- Measures --------------------------------------------------------------------------------------------------


def count_fields(value) -> int:
    """The fields of a GraphQL response: what the executor resolved one by one."""
    if isinstance(value, dict):
        return len(value) + sum(count_fields(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_fields(item) for item in value)
    return 0


def median_ms(function) -> float:
    function()  # warm-up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def peak_mb() -> float:
    """The process's peak resident memory (VmHWM: getrusage's maxrss would include the parent's before exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def fec_process(slug: str, year_name: str) -> None:
    """Run in a fresh process: the FEC written to a file, then the checked export stored as a document."""
    with schema_context(slug):
        fiscal_year = FiscalYear.objects.select_related("company").get(name=year_name)
        before = peak_mb()
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            count = fec.fec_write(fiscal_year=fiscal_year, out=out)
            elapsed = time.perf_counter() - started
            size = out.tell()
        written = peak_mb()
        started = time.perf_counter()
        with transaction.atomic():
            document = fec.fec_export(actor=None, fiscal_year=fiscal_year)
        exported = time.perf_counter() - started
        document.file.delete(save=False)
        print(f"FEC of {year_name}: {count - 1} lines, {size / 1e6:.1f} MB, written in {elapsed:.2f} s: "
              f"{(count - 1) / elapsed:,.0f} lines/s (target >= 50,000)")
        print(f"  checked and stored as a document ({document.file_name}): {exported:.2f} s, "
              f"{(count - 1) / exported:,.0f} lines/s")
        print(f"  peak memory of the process: {peak_mb():.0f} MB (target <= 200; {before:.0f} MB before the "
              f"export once Django is loaded, {written:.0f} MB after writing the file)")


def main() -> None:
    kept = os.environ.get("BENCH_TENANT")  # a tenant an earlier run kept (BENCH_KEEP=1): measure again, no build
    slug = kept or f"bench-drill-{uuid.uuid4().hex[:6]}"
    email = f"{slug}@bench.example.com"
    if not kept:
        services.tenant_create(name="Bench drill-down", slug=slug, admin=User.objects.create_user(email, PASSWORD))
    try:
        with schema_context(slug):
            if kept:
                fiscal_year = FiscalYear.objects.get(name=str(timezone.localdate().year))
                account = Account.objects.get(name=f"Customer {ACCOUNTS // 2:03d}")
            else:
                accounts, fiscal_year = build(User.objects.get(email=email))
                copy_books(accounts, fiscal_year)
                account = accounts[ACCOUNTS // 2]
        connection.close()
        host = f"{slug}.{settings.BASE_DOMAIN}"
        client = Client()
        login = {"query": 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
                 "variables": {"e": email, "p": PASSWORD}}
        client.post("/graphql/", json.dumps(login), content_type="application/json", HTTP_HOST=host)
        variables = {"id": to_base64("Account", f"{slug}.{account.pk}")}

        def graphql() -> bytes:
            """The response as the server sends it: JSON text, like the hand-written side's (decoding it is the
            client's work, on neither side)."""
            return client.post("/graphql/", json.dumps({"query": DRILL_DOWN, "variables": variables}),
                               content_type="application/json", HTTP_HOST=host).content

        def hand_written():
            with schema_context(slug), connection.cursor() as cursor:
                return drill_down_json(cursor, account.pk)

        body = json.loads(graphql())
        assert "errors" not in body, body
        via_graphql = body["data"]["node"]["invoices"]
        via_sql = json.loads(hand_written())["data"]["node"]["invoices"]
        assert [edge["node"]["number"] for edge in via_graphql["edges"]] == [
            edge["node"]["number"] for edge in via_sql["edges"]]
        lines = sum(len(entry["node"]["lines"]) for edge in via_sql["edges"]
                    for entry in edge["node"]["entries"]["edges"])
        fields = count_fields(via_graphql)
        page = median_ms(graphql)
        floor = median_ms(hand_written)
        print(f"drill-down of one account ({len(via_sql['edges'])} invoices, {lines} entry lines) through GraphQL: "
              f"median {page:.1f} ms over {RUNS} runs")
        print(f"same data, one hand-written SQL query + JSON: median {floor:.1f} ms")
        print(f"ratio GraphQL / SQL: {page / floor:.2f} (target <= 4); the response holds {fields:,} fields, "
              f"{page * 1000 / fields:.0f} µs each")
        connection.close()
        subprocess.run([sys.executable, __file__, "fec", slug, fiscal_year.name], check=True)
    finally:
        connection.set_schema_to_public()
        if os.environ.get("BENCH_KEEP"):
            print(f"kept tenant {slug}")
        else:
            services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email=email).delete()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fec":
        fec_process(sys.argv[2], sys.argv[3])
    else:
        main()
