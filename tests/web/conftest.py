"""Web app fixtures: a browser-like client on the acme host, logged in through the login page."""

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english():
    """Requests switch the thread's language (LocaleMiddleware): each test starts in English and leaves none."""
    with translation.override("en"):
        yield


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def visitor(acme) -> Client:
    """Nobody logged in, on acme's host."""
    return host_client(acme.host)


@pytest.fixture
def member(acme) -> Client:
    """acme's admin, logged in through the login page like a person."""
    client = host_client(acme.host)
    response = client.post("/login/", {"email": acme.admin_email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def public_visitor(db) -> Client:
    return host_client("localhost")
