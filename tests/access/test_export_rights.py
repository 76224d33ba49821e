"""The export right of a profile: the web app's CSV export of a list asks for it."""

from django.test import Client
from django.utils import translation

from tests.access.conftest import staff
from tests.conftest import PASSWORD


def web_client(email: str) -> Client:
    client = Client(HTTP_HOST="acme.localhost")
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_csv_export_needs_the_export_right(acme):
    staff("seller@acme.example.com", "Sales")
    with translation.override("en"):
        seller = web_client("seller@acme.example.com")
        # Sales may export its customers but only read the catalog
        assert seller.get("/accounts/export.csv").status_code == 200
        assert seller.get("/products/export.csv").status_code == 403
        assert seller.get("/products/").status_code == 200
