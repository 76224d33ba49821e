"""Bank statement imports (DOMAIN.md 8.3): CAMT.053, OFX and MT940; duplicates skipped, also across imports;
unreadable lines reported; a file refused whole leaves nothing behind."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from saas.banking import services
from saas.banking.models import BankStatementImport, BankTransaction
from tests.banking.helpers import CUSTOMER_IBAN, FILES, bank_account, camt, op
from tests.conftest import messages
from tests.helpers import gid


def upload(api, account, name: str, content: bytes) -> dict:
    """A GraphQL multipart request (operations + map + the file), as any spec client sends it."""
    data = {"operations": json.dumps({"query": op("BankStatementImport"),
                                      "variables": {"input": {"bankAccountId": gid(account, "BankAccount"),
                                                              "file": None}}}),
            "map": json.dumps({"0": ["variables.input.file"]}),
            "0": SimpleUploadedFile(name, content, content_type="application/octet-stream")}
    response = api.client.post("/graphql/", data, HTTP_HOST=api.host)
    connection.set_schema_to_public()
    return response.json()["data"]["bankStatementImport"]


def send_base64(api, account, name: str, content: bytes) -> dict:
    return api.execute(op("BankStatementImport"), {"input": {
        "bankAccountId": gid(account, "BankAccount"), "fileName": name,
        "content": base64.b64encode(content).decode()}})["data"]["bankStatementImport"]


def counts(report: dict) -> tuple[int, int, int]:
    return report["importedCount"], report["duplicateCount"], report["rejectedCount"]


@pytest.mark.smoke
def test_camt053_upload_imports_skips_the_duplicate_and_reports_the_rejected_lines(acme_admin_api, acme_admin):
    account = bank_account(acme_admin)
    content = (FILES / "camt053.xml").read_bytes()
    report = upload(acme_admin_api, account, "camt053.xml", content)
    assert report["__typename"] == "BankStatementImport", report
    assert (report["fileName"], report["format"]) == ("camt053.xml", "CAMT053")
    assert counts(report) == (3, 1, 3)
    assert [(line["line"], line["reference"], line["code"]) for line in report["rejectedLines"]] == [
        (94, "CAMT-0005", "amount_missing"), (102, "CAMT-0006", "date_invalid"), (111, "CAMT-0007", "not_booked")]
    assert all(line["reason"] for line in report["rejectedLines"])
    listed = acme_admin_api.execute(op("BankTransactions"), {"filters": {"bankAccountId": gid(account, "BankAccount")}})
    rows = [edge["node"] for edge in listed["data"]["bankTransactions"]["edges"]]
    assert [(row["date"], row["amount"], row["bankReference"]) for row in rows] == [
        ("2026-03-10", "-1500.00", "CAMT-0003"), ("2026-03-05", "-12.50", "CAMT-0002"),
        ("2026-03-02", "240.00", "CAMT-0001")]
    transfer = rows[2]
    assert (transfer["valueDate"], transfer["counterpartyName"], transfer["counterpartyIban"]) == (
        "2026-03-03", "Customer SARL", CUSTOMER_IBAN)
    assert (transfer["reference"], transfer["endToEndId"], transfer["status"]) == (
        "FACTURE FA-2026-00001", "E2E-0001", "UNMATCHED")
    assert rows[0]["counterpartyName"] == "Fournisseur SA" and rows[0]["reference"] == "FACTURE F-778 LOYER MARS"
    assert rows[1]["reference"] == "FRAIS TENUE DE COMPTE MARS"
    # the same file again, in base64 as integrators send it: every line is already there
    again = send_base64(acme_admin_api, account, "camt053-again.xml", content)
    assert counts(again) == (0, 4, 3)
    with schema_context("acme"):
        assert BankTransaction.objects.count() == 3
        assert BankStatementImport.objects.count() == 2


@pytest.mark.parametrize(("name", "expected", "rejected"), [
    ("statement.ofx", "ofx", [(44, "OFX-0003", "date_invalid"), (60, "OFX-0004", "amount_missing")]),
    ("statement.sta", "mt940", [(10, "BK-0003", "date_invalid"), (14, "BK-0005", "line_invalid")]),
])
def test_ofx_and_mt940_statements(acme_admin, name, expected, rejected):
    account = bank_account(acme_admin)
    content = (FILES / name).read_bytes()
    with schema_context("acme"):
        report = services.statement_import(actor=acme_admin, bank_account=account, file_name=name, content=content)
        assert (report.format, report.imported_count, report.duplicate_count, report.rejected_count) == (
            expected, 2, 1, 2)
        assert [(line["line"], line["reference"], line["code"]) for line in report.rejected_lines] == rejected
        lines = list(BankTransaction.objects.order_by("date").values_list("date", "amount", "bank_reference"))
        assert [(str(date), str(amount)) for date, amount, _ref in lines] == [("2026-03-02", "240.00"),
                                                                               ("2026-03-05", "-12.50")]
        transfer = BankTransaction.objects.get(amount=240)
        assert "FA-2026-00001" in transfer.reference
        again = services.statement_import(actor=acme_admin, bank_account=account, file_name=name, content=content)
        assert (again.imported_count, again.duplicate_count, again.rejected_count) == (0, 3, 2)
        assert BankTransaction.objects.count() == 2


def test_mt940_reads_the_counterparty_iban_and_value_date(acme_admin):
    account = bank_account(acme_admin)
    with schema_context("acme"):
        services.statement_import(actor=acme_admin, bank_account=account, file_name="s.sta",
                                  content=(FILES / "statement.sta").read_bytes())
        transfer = BankTransaction.objects.get(amount=240)
        assert (str(transfer.date), str(transfer.value_date)) == ("2026-03-02", "2026-03-03")
        assert (transfer.counterparty_iban, transfer.bank_reference) == (CUSTOMER_IBAN, "BK-0001")


CAMT = (FILES / "camt053.xml").read_bytes()
OFX = (FILES / "statement.ofx").read_bytes()
MT940 = (FILES / "statement.sta").read_bytes()


@pytest.mark.parametrize(("content", "code"), [
    (CAMT[:len(CAMT) // 2], "file_malformed"),  # cut in the middle
    (CAMT.replace(b"<Stmt>", b"<Rpt>").replace(b"</Stmt>", b"</Rpt>"), "file_malformed"),  # no statement
    (OFX[:len(OFX) // 2], "file_malformed"),
    (OFX.replace(b"<STMTRS>", b"").replace(b"</STMTRS>", b""), "file_malformed"),
    (MT940.replace(b":62F:C260331EUR1227,50\n", b""), "file_malformed"),  # truncated: no closing balance
    (MT940.replace(b":60F:C260301EUR1000,00", b":60F:C260301"), "file_malformed"),
    (b"%PDF-1.4\n% a PDF is no statement\n", "format_unknown"),
    (b"date;amount;label\n2026-03-02;240.00;VIR\n", "format_unknown"),
    (b'<?xml version="1.0"?><Document><BkToCstmrDbtCdtNtfctn/></Document>', "format_unknown"),  # camt.054
    (b"", "file_empty"),
    (camt({"amount": "10.00", "bank_ref": "X"}, iban=CUSTOMER_IBAN), "account_mismatch"),
])
def test_unreadable_files_are_refused_and_nothing_is_written(acme_admin_api, acme_admin, content, code):
    account = bank_account(acme_admin)
    refused = send_base64(acme_admin_api, account, "bad", content) if content else upload(
        acme_admin_api, account, "empty", content)
    assert messages(refused) == {"file": code}, refused
    with schema_context("acme"):
        assert not BankStatementImport.objects.exists() and not BankTransaction.objects.exists()


def test_content_that_is_not_base64_and_no_file_at_all(acme_admin_api, acme_admin):
    account = bank_account(acme_admin)
    mutation, account_id = op("BankStatementImport"), gid(account, "BankAccount")
    bad = acme_admin_api.execute(mutation, {"input": {"bankAccountId": account_id, "content": "&&&"}})
    assert messages(bad["data"]["bankStatementImport"]) == {"content": "file_malformed"}
    nothing = acme_admin_api.execute(mutation, {"input": {"bankAccountId": account_id}})
    assert messages(nothing["data"]["bankStatementImport"]) == {"file": "file_empty"}


def test_a_file_too_large_is_refused(acme_admin, monkeypatch):
    account = bank_account(acme_admin)
    monkeypatch.setattr(services, "MAX_STATEMENT_BYTES", 100)
    with schema_context("acme"), pytest.raises(Exception) as refused:
        services.statement_import(actor=acme_admin, bank_account=account, file_name="big", content=CAMT)
    assert refused.value.error_dict["file"][0].code == "file_too_large"


def test_lines_in_another_currency_are_rejected(acme_admin):
    account = bank_account(acme_admin, currency="USD")
    with schema_context("acme"):
        report = services.statement_import(actor=acme_admin, bank_account=account, file_name="c", content=CAMT)
    assert (report.imported_count, report.rejected_count) == (0, 7)
    assert [line["code"] for line in report.rejected_lines].count("currency_mismatch") == 4


def test_identical_lines_without_a_bank_reference_are_both_kept_once(acme_admin):
    account = bank_account(acme_admin)
    fee = {"amount": "-1.50", "reference": "COMMISSION CB", "bank_ref": ""}
    content = camt(fee, fee)
    with schema_context("acme"):
        first = services.statement_import(actor=acme_admin, bank_account=account, file_name="a", content=content)
        second = services.statement_import(actor=acme_admin, bank_account=account, file_name="b", content=content)
    assert (first.imported_count, first.duplicate_count) == (2, 0)
    assert (second.imported_count, second.duplicate_count) == (0, 2)


def test_transactions_are_filtered_by_status_and_dates(acme_admin_api, acme_admin):
    account = bank_account(acme_admin)
    with schema_context("acme"):
        services.statement_import(actor=acme_admin, bank_account=account, file_name="c", content=CAMT)
    query = op("BankTransactions")
    march = acme_admin_api.execute(query, {"filters": {"status": "UNMATCHED", "date": {
        "gte": "2026-03-04", "lte": "2026-03-31"}}})["data"]["bankTransactions"]
    assert march["totalCount"] == 2
    assert acme_admin_api.execute(query, {"filters": {"status": "MATCHED"}})["data"]["bankTransactions"][
        "totalCount"] == 0
    imports = acme_admin_api.execute(op("BankStatementImports"))["data"]["bankStatementImports"]
    assert imports["totalCount"] == 1 and imports["edges"][0]["node"]["importedCount"] == 3
