"""Load test on loopback: the record page query and an account list query across random tenants.

Serves the app with the production server settings (gunicorn, gthread workers, as in the Dockerfile; the
psycopg connection pool with a bounded lifetime), then drives it with wrk (Debian's package, installed when
missing) at 20, 50 and 100 concurrent clients, each request on a random tenant of the chosen set with that
tenant's API token. Prints, per level: requests/s, p50 and p99 latency, errors (non-200 answers or GraphQL
errors: must be 0), and the private memory of the PostgreSQL backends serving the app, sampled while the load
runs (it must stay bounded however many tenants are walked: the pool closes connections after
DB_POOL_MAX_LIFETIME seconds, which frees their catalog caches).

The tenants are those of the database (make them with `bench/fleet.py`); `--tenants 10` and `--tenants 1000`
compare the same load over 10 and over 1,000 of them. Runs on the development database.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.base")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("GRAPHQL_COST_PER_MINUTE", "0")  # the rate limit is not what is measured
os.environ.setdefault("HTTPS", "false")  # plain HTTP on loopback: no redirect to https
os.environ.setdefault("SECRET_KEY", "bench-only-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from strawberry.relay import to_base64  # noqa: E402

from saas.access.services import api_token_create  # noqa: E402
from saas.crm.models import Account  # noqa: E402
from tenants.models import Membership, Tenant  # noqa: E402

LEVELS = (20, 50, 100)
RECORD_PAGE = """query($id: ID!) { node(id: $id) { ... on Account {
  id number displayName version name header { field value } keyFields { field value }
  comments(rollUp: true, first: 20) { totalCount edges { node { body createdAt author { email } } } }
  history(first: 20) { totalCount edges { node { kind at changes { field old new } } } }
  relatedTabs { key count } } } }"""
ACCOUNT_LIST = """{ accounts(first: 20) { totalCount edges { node { id number name owner { ... on User { email } }
  tags { name } } } } }"""

WRK_SCRIPT = """
local targets = %(targets)s
local page = 0
errors = 0
request = function()
  page = page + 1
  local target = targets[math.random(#targets)]
  local body = (page %% 2 == 0) and target.record or target.list
  return wrk.format("POST", "/graphql/", {["Host"] = target.host, ["Authorization"] = "Bearer " .. target.token,
                                          ["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("errors") end
  io.write(string.format("RESULT %%d %%f %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
                         latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, failed))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def targets(count: int, port: int) -> list[dict]:
    """One API token and one account per tenant, for `count` tenants of the database."""
    tenants = list(Tenant.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME])
                   .prefetch_related("domains").order_by("pk")[:count])
    if len(tenants) < count:
        sys.exit(f"{len(tenants)} tenants in the database, {count} asked: create them with bench/fleet.py")
    found = []
    for tenant in tenants:
        admin = Membership.objects.filter(tenant=tenant, is_admin=True, is_active=True).select_related("user").first()
        with schema_context(tenant.schema_name):
            account = Account.objects.order_by("pk").first()
            if account is None or admin is None:
                continue
            secret = api_token_create(actor=admin.user, name="load test", scopes=["*:read"]).secret
        host = f"{tenant.domains.get(is_primary=True).domain}:{port}"
        record = json.dumps({"query": RECORD_PAGE, "variables": {"id": to_base64("Account", account.pk)}})
        found.append({"host": host, "token": secret, "record": record,
                      "list": json.dumps({"query": ACCOUNT_LIST})})
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def backend_memory_mb() -> float:
    """Private (unshared) memory of the PostgreSQL backends connected to our database, in MB."""
    database = settings.DATABASES["default"]["NAME"]
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
            if not command.startswith("postgres: ") or f" {database} " not in command:
                continue
            rollup = (proc / "smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(kb) for kb in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", rollup, re.M))
    return total / 1024


def run_level(clients: int, seconds: int, script: Path, port: int) -> dict:
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            peak[0] = max(peak[0], backend_memory_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", str(script), f"http://127.0.0.1:{port}/graphql/"],
                         capture_output=True, text=True, check=True).stdout
    stop.set()
    sampler.join()
    requests, duration, p50, p99, errors = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out).groups()
    return {"clients": clients, "rps": int(requests) / float(duration), "p50": float(p50), "p99": float(p99),
            "errors": int(errors), "backend_mb": peak[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=15, help="per concurrency level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    chosen = targets(arguments.tenants, port)
    random.shuffle(chosen)
    table = "{" + ",".join("{" + ", ".join(f"{key}={lua_string(target[key])}" for key in target) + "}"
                           for target in chosen) + "}"
    environment = {**os.environ, "DB_POOL_MAX_SIZE": os.environ.get("DB_POOL_MAX_SIZE", str(arguments.threads))}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "saas.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", str(arguments.workers), "--threads", str(arguments.threads),
         "--max-requests", "2000", "--max-requests-jitter", "200", "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True)
    try:
        wait_until_serving(port)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT % {"targets": table})
        run_level(10, 3, Path(script.name), port)  # warm-up: imports, first connections
        print(f"{len(chosen)} tenants, gunicorn {arguments.workers} workers x {arguments.threads} threads, "
              f"pool of {environment['DB_POOL_MAX_SIZE']} per worker, {arguments.seconds} s per level")
        print(f"{'clients':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'PG backends MB':>15}")
        for clients in LEVELS:
            result = run_level(clients, arguments.seconds, Path(script.name), port)
            print(f"{result['clients']:>8} {result['rps']:>8.0f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
                  f"{result['errors']:>7} {result['backend_mb']:>15.0f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
