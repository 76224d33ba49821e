"""Lists, forms and the navigation are built from the record types' declarations (`RecordTypes`): labels from the
models' verbose names and choices, in the user's language, read once per process and language."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web import data
from web import gql
from web.app import meta

LEAD_CREATE = 'mutation { leadCreate(input: {lastName: "Listed"}) { __typename } }'


def header(page: str) -> list[str]:
    thead = page.split("<thead", 1)[1].split("</thead>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", cell).strip())
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]


def test_navigation_lists_every_declared_list_in_its_area(member):
    html = member.get("/").content.decode()
    for label, path in (("Accounts", "/accounts/"), ("Sales orders", "/orders/"), ("Journal entries",
                                                                                    "/journal-entries/")):
        assert f'href="{path}"' in html and label in html
    areas = re.findall(r'<div class="nav-area-label">([^<]+)</div>', html)
    assert areas == ["CRM", "Sales", "Catalog", "Finance", "Settings"]
    member.post("/i18n/setlang/", {"language": "fr"})
    french = member.get("/").content.decode()
    assert "Écritures comptables" in french and "Ventes" in french and "Finance" in french


def test_list_columns_are_the_models_verbose_names_in_french(member, acme_admin_api):
    customer = data.account(acme_admin_api, "Listed", **data.ADDRESS)
    acme_admin_api.execute(data.INVOICE_CREATE, {"a": customer["id"]})
    acme_admin_api.execute(LEAD_CREATE)
    member.post("/i18n/setlang/", {"language": "fr"})
    html = member.get("/invoices/").content.decode()
    columns = header(html)
    # `due_date`'s verbose name and `amount_due`'s declared label, in French; the add button's declared label
    assert "Date d'échéance" in columns and "Reste dû" in columns
    assert "+ Ajouter une facture" in html
    leads = member.get("/leads/", {"cols": ["leadSource", "phone"]}).content.decode()
    assert "Origine" in header(leads) and "Téléphone" in header(leads)


def test_forms_take_their_fields_kinds_and_choices_from_the_declaration(member):
    member.post("/i18n/setlang/", {"language": "fr"})
    lead = member.get("/leads/new/").content.decode()
    # a choice field: the model's choices, labelled in French; a long text; an email input
    assert re.search(r'<option value="TRADE_SHOW"[^>]*>Salon</option>', lead)
    assert re.search(r'<textarea[^>]*name="description"', lead) and re.search(r'type="email"[^>]*name="email"|'
                                                                            r'name="email"[^>]*type="email"', lead)
    assert "Origine" in lead
    payment = member.get("/payments/new/").content.decode()
    assert re.search(r'<option value="TRANSFER"[^>]*>Virement</option>', payment)
    quick = member.get("/contacts/quick-create/?field=contactId", HTTP_HX_REQUEST="true").content.decode()
    assert all(f'name="{name}"' in quick for name in ("firstName", "lastName", "email", "accountId"))


def test_record_types_are_read_once_per_process_and_language(member, monkeypatch):
    runs = []
    real_run = gql.run

    def counted(request, operation, variables=None):
        runs.append(operation)
        return real_run(request, operation, variables)

    monkeypatch.setattr(gql, "run", counted)
    monkeypatch.setattr(meta, "_catalogs", {})

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member.get(path).status_code == 200
        return len(captured)

    cold = queries("/accounts/")
    warm = queries("/accounts/")
    assert runs.count("RecordTypes") == 1
    # reading the record types costs the first page one SQL query (the member's check); once read, none
    assert cold == warm + 1
    queries("/invoices/")
    assert runs.count("RecordTypes") == 1
    member.post("/i18n/setlang/", {"language": "fr"})
    queries("/invoices/")
    assert runs.count("RecordTypes") == 2


def test_lists_filter_on_their_declared_choice_fields(member, acme_admin_api):
    customer = data.account(acme_admin_api, "Filtered", **data.ADDRESS)
    data.issued_invoice(acme_admin_api, customer["id"])
    acme_admin_api.execute(data.INVOICE_CREATE, {"a": customer["id"]})

    def rows(**params) -> int:
        return member.get("/invoices/", params).content.decode().count('<td class="title-cell">')

    assert (rows(), rows(status="ISSUED"), rows(status="DRAFT"), rows(status="CANCELLED")) == (2, 1, 1, 0)
    assert rows(paymentStatus="PAID") == 0  # nothing paid (unpaid or overdue depends on the day: not asked)
    page = member.get("/invoices/").content.decode()
    assert re.search(r'<select name="status" aria-label="Status">', page) and '<option value="ISSUED">Issued' in page
    assert member.get("/invoices/", {"status": "NOPE"}).status_code == 400


def test_the_record_page_runs_one_operation_composed_of_its_blocks(member, acme_admin_api, monkeypatch):
    account = data.account(acme_admin_api, "Composed", **data.ADDRESS)
    member.get("/accounts/")  # the record types are read
    runs = []
    real_run = gql.run

    def counted(request, operation, variables=None):
        runs.append(operation)
        return real_run(request, operation, variables)

    monkeypatch.setattr(gql, "run", counted)
    page = member.get(f"/records/{account['id']}/")
    assert page.status_code == 200 and "Composed" in page.content.decode()
    # the page, the shell and Summary's emails in one; an administrator's manual workflows besides
    assert runs == ["RecordPage", "RecordWorkflows"]
    runs.clear()
    assert member.get(f"/records/{account['id']}/tabs/summary/", HTTP_HX_REQUEST="true").status_code == 200
    assert runs == ["RecordPage"]
    assert member.get("/records/bm90LWFuLWlk/").status_code == 404  # "not-an-id": names no record type


@pytest.mark.parametrize("key", data.list_keys())
def test_every_declared_column_is_read_by_its_list_operation(member, key):
    member.get(f"/{key}/")
    spec = data.list_spec(key)
    document = gql.document(spec.operation)[0]
    for column in spec.columns:
        for part in column.path.split("."):
            assert re.search(rf"\b{part}\b", document), f"{spec.operation} does not read {column.path}"
