"""Shared fixtures: two tenants created once per session through the signup service, and API clients."""

import datetime as dt
import ipaddress
import json
import os
import socket
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from procrastinate import testing
from procrastinate.contrib.django import app

from saas.catalog import services as catalog
from saas.catalog.models import Product, Unit, VatRate
from saas.crm import services as crm
from tenants import services
from tenants.models import User

PASSWORD = "a-long-enough-passphrase"


TRAVEL = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser):
    parser.addoption("--today", default=os.environ.get("TEST_TODAY") or None, metavar="DATE[THH:MM]",
                     help="run the session with the clock moved to this day (noon, in TIME_ZONE, unless a time is "
                          "given); also read from TEST_TODAY")


def moved_clock(value: str) -> dt.datetime:
    """The moment `--today` names: a day (at noon, far from either midnight), or a time, in TIME_ZONE unless given."""
    moment = dt.datetime.fromisoformat(value)
    if "T" not in value and " " not in value:
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def pytest_configure(config):
    # Started here, before the test modules are imported, so dates they compute at import follow the moved clock;
    # the clock still ticks. PostgreSQL's own clock (now(), pghistory's CLOCK_TIMESTAMP()) is not moved.
    if today := config.getoption("--today"):
        config.stash[TRAVEL] = time_machine.travel(moved_clock(today), tick=True)
        config.stash[TRAVEL].start()


def pytest_unconfigure(config):
    if travel := config.stash.get(TRAVEL, None):
        travel.stop()


def pytest_report_header(config):
    if today := config.getoption("--today"):
        return f"clock moved to {moved_clock(today).isoformat()} (--today / TEST_TODAY)"


@dataclass
class SessionTenant:
    slug: str
    admin_email: str

    @property
    def host(self) -> str:
        return f"{self.slug}.localhost"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for slug in ("acme", "globex"):
            services.signup(company_name=slug.capitalize(), slug=slug, email=f"admin@{slug}.example.com",
                            password=PASSWORD, language="en")
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def dns(monkeypatch) -> dict[str, list[str]]:
    """Name resolution without a DNS server: IP literals, `localhost` and the database's host resolve as usual
    (psycopg resolves it in Python), a name a test puts in the table (`dns["hooks.example.com"] = ["10.1.2.3"]`)
    resolves to its addresses, any other is unknown. Saving a webhook or an SMTP host resolves it
    (saas/core/outbound.py): no test may send a query to the resolver."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo
    as_usual = {"localhost"} | {database.get("HOST") for database in settings.DATABASES.values()}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        try:
            is_literal = name is None or name in as_usual or bool(ipaddress.ip_address(name.split("%")[0]))
        except ValueError:
            is_literal = False
        if is_literal:
            return real(host, port, family, type, proto, flags)
        if name not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = []
        for address in table[name]:
            version = ipaddress.ip_address(address).version
            address_family = socket.AF_INET6 if version == 6 else socket.AF_INET
            if family in (0, socket.AF_UNSPEC, address_family):
                sockaddr = (address, int(port or 0), 0, 0) if version == 6 else (address, int(port or 0))
                answers.append((address_family, type or socket.SOCK_STREAM, proto or socket.IPPROTO_TCP, "", sockaddr))
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def connects(monkeypatch) -> list:
    """The (host, port) of every TCP connection attempted from Python sockets in the test (they still happen)."""
    attempts = []
    real = socket.socket.connect

    def connect(sock, address):
        attempts.append(address[:2])
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture(autouse=True)
def back_to_public():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def acme(db) -> SessionTenant:
    return SessionTenant("acme", "admin@acme.example.com")


@pytest.fixture
def globex(db) -> SessionTenant:
    return SessionTenant("globex", "admin@globex.example.com")


class GraphQLClient:
    """Posts GraphQL to one host like any HTTP client would (JSON body, optional bearer token)."""

    def __init__(self, host: str, token: str | None = None, client: Client | None = None):
        self.host = host
        self.token = token
        self.client = client or Client()

    def post(self, query: str, variables: dict | None = None, **headers):
        if self.token:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                                content_type="application/json", HTTP_HOST=self.host, **headers)

    def execute(self, query: str, variables: dict | None = None, **headers) -> dict:
        response = self.post(query, variables, **headers)
        connection.set_schema_to_public()
        return response.json()


LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename ... on LoginSuccess { me { user { email } } } ... on OperationInfo { messages { code field } }
  }
}"""


@pytest.fixture
def public_api(db) -> GraphQLClient:
    return GraphQLClient("localhost")


@pytest.fixture
def acme_api(acme) -> GraphQLClient:
    return GraphQLClient(acme.host)


def logged_in(tenant: SessionTenant) -> GraphQLClient:
    api = GraphQLClient(tenant.host)
    result = api.execute(LOGIN, {"email": tenant.admin_email, "password": PASSWORD})
    assert result["data"]["login"]["__typename"] == "LoginSuccess", result
    return api


@pytest.fixture
def acme_admin_api(acme) -> GraphQLClient:
    return logged_in(acme)


@pytest.fixture
def globex_admin_api(globex) -> GraphQLClient:
    return logged_in(globex)


@pytest.fixture
def acme_admin(acme) -> User:
    return User.objects.get(email=acme.admin_email)


def messages(payload: dict) -> dict[str, str]:
    """`{field: code}` of an OperationInfo payload."""
    return {message["field"]: message["code"] for message in payload["messages"]}


@pytest.fixture
def customer(acme, acme_admin):
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={
        "name": "Customer", "billing_street": "1 rue de la Paix", "billing_postal_code": "69001",
        "billing_city": "Lyon", "payment_terms_days": 45})
    saw = catalog.item_create(actor=acme_admin, model=Product, fields={
        "sku": "SAW", "name": "Saw", "unit": Unit.objects.get(code="u"), "sale_price": Decimal("450")})
    food = catalog.item_create(actor=acme_admin, model=Product, fields={
        "sku": "FOOD", "name": "Food", "unit": Unit.objects.get(code="kg"), "sale_price": Decimal("35.50"),
        "vat_rate": VatRate.objects.get(rate=Decimal("5.5"))})
    connection.set_schema_to_public()
    return {"account": account, "saw": saw, "food": food}


@pytest.fixture
def jobs(monkeypatch, django_capture_on_commit_callbacks):
    """Jobs queued through procrastinate into memory, then run here, in this thread and this test's transaction
    (the worker would run them on another connection, blind to it; a job scheduled for later runs at once); each
    round also runs the on-commit callbacks, which queue the jobs that jobs queue, until nothing is left to do."""
    # Closing the connection around a task would end the test's transaction.
    monkeypatch.setattr("saas.core.tasks.close_old_connections", lambda: None)
    connector = testing.InMemoryConnector()

    def run():
        while todo := [job for job in connector.jobs.values() if job["status"] == "todo"]:
            with django_capture_on_commit_callbacks(execute=True):
                for job in todo:
                    job["status"] = "doing"
                    app.tasks[job["task_name"]](**job["args"])
                    job["status"] = "succeeded"
            connection.set_schema_to_public()

    with app.replace_connector(connector):
        yield run
