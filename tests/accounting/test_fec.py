"""The FEC of a fiscal year (DOMAIN.md section 5): checked first, then the 18 columns in the official format, as a
stored document (GraphQL) or a file (management command)."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django_tenants.utils import schema_context
from strawberry.relay import to_base64

from saas.accounting import fec
from saas.accounting.models import FiscalYear, JournalLine
from saas.companies.models import Company
from saas.records.models import Document
from tenants.models import Tenant
from tests.accounting.test_posting import domain_example
from tests.accounting.test_reports import TODAY, manual, pay
from tests.conftest import messages
from tests.helpers import gid, pk_of

SIREN = "732829320"
EXPORT = """mutation($id: ID!, $separator: FecSeparator! = PIPE) { fecExport(fiscalYearId: $id, separator: $separator) {
  __typename ... on Document { id fileName contentType size folder }
  ... on OperationInfo { messages { field code } } } }"""


def year_id() -> str:
    with schema_context("acme"):
        return gid(FiscalYear.objects.get(name=str(TODAY.year)), "FiscalYear")


def set_siren(siren: str) -> None:
    with schema_context("acme"):
        Company.objects.filter(is_default=True).update(siren=siren)


def exported(api, separator=None) -> tuple[dict, bytes]:
    variables = {"id": year_id()} | ({"separator": separator} if separator else {})
    result = api.execute(EXPORT, variables)["data"]["fecExport"]
    assert result["__typename"] == "Document", result
    with schema_context("acme"):
        document = Document.objects.get(pk=pk_of(result["id"]))
        with document.file.open("rb") as stored:
            return result, stored.read()


def test_the_fec_of_the_domain_example(acme_admin_api, customer, acme_admin):
    invoice = domain_example(acme_admin_api, customer)
    pay(acme_admin_api, customer, "1694.91", [(invoice, "1694.91")])
    with schema_context("acme"):
        manual(acme_admin, TODAY, "Fees | bank\nNovember", ("627000", "5", "0"), ("512100", "0", "5"))
        posted = JournalLine.objects.filter(entry__status="posted").count()
    set_siren(SIREN)
    document, data = exported(acme_admin_api)
    assert re.match(r"^\d{9}FEC\d{8}\.txt$", document["fileName"])
    assert document["fileName"] == f"{SIREN}FEC{TODAY.year}1231.txt"
    assert (document["contentType"], document["folder"], document["size"]) == ("text/plain; charset=utf-8", "FEC",
                                                                                len(data))
    assert not data.endswith(b"\r\n") and not data.endswith(b"\n")
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert lines[0] == "|".join(fec.COLUMNS) and len(fec.COLUMNS) == 18
    assert len(lines) == posted + 1
    rows = [dict(zip(fec.COLUMNS, line.split("|"), strict=True)) for line in lines[1:]]
    day = TODAY.strftime("%Y%m%d")
    customer_line = rows[0]
    assert {key: customer_line[key] for key in ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate",
                                                "CompteNum", "Debit", "Credit", "PieceDate", "ValidDate",
                                                "Montantdevise", "Idevise")} == {
        "JournalCode": "VT", "JournalLib": "Ventes", "EcritureNum": f"{TODAY.year}-000001", "EcritureDate": day,
        "CompteNum": "411100", "Debit": "1694,91", "Credit": "0,00", "PieceDate": day, "ValidDate": day,
        "Montantdevise": "", "Idevise": ""}
    assert customer_line["CompAuxNum"].startswith("CLI") and customer_line["CompAuxLib"] == "Customer"
    assert customer_line["PieceRef"].startswith("FA-") and customer_line["CompteLib"].startswith("Clients")
    assert (customer_line["EcritureLet"], customer_line["DateLet"]) == ("A", day)
    assert [row["Credit"] for row in rows[1:5]] == ["1350,00", "71,00", "270,00", "3,91"]
    assert all(row["CompAuxNum"] == row["CompAuxLib"] == "" for row in rows[1:5])
    # entries in order, each balanced, the file too
    assert [row["EcritureNum"] for row in rows] == sorted(row["EcritureNum"] for row in rows)
    amount = lambda text: int(text.replace(",", ""))  # noqa: E731
    assert sum(amount(row["Debit"]) for row in rows) == sum(amount(row["Credit"]) for row in rows)
    # no separator or line break inside a field
    assert rows[-1]["EcritureLib"] == "Fees   bank November"
    tabbed = exported(acme_admin_api, "TAB")[1].decode()
    assert tabbed.split("\r\n")[0] == "\t".join(fec.COLUMNS) and "|" not in tabbed


def test_the_checks_refuse_without_a_valid_siren(acme_admin_api, customer):
    domain_example(acme_admin_api, customer)
    set_siren("")
    refused = acme_admin_api.execute(EXPORT, {"id": year_id()})["data"]["fecExport"]
    assert messages(refused) == {None: "fec_siren_missing"}
    set_siren("732829321")
    refused = acme_admin_api.execute(EXPORT, {"id": year_id()})["data"]["fecExport"]
    assert messages(refused) == {None: "fec_siren_invalid"}
    with schema_context("acme"):
        assert not Document.objects.exists()
    unknown = acme_admin_api.execute(EXPORT, {"id": to_base64("FiscalYear", "acme.999999")})["data"]["fecExport"]
    assert messages(unknown) == {"fiscalYearId": "not_found"}


def test_the_checks_refuse_drafts_and_gaps(acme_admin_api, customer, acme_admin):
    domain_example(acme_admin_api, customer)
    set_siren(SIREN)
    with schema_context("acme"):
        manual(acme_admin, TODAY, "Draft", ("627000", "5", "0"), ("512100", "0", "5"), post=False)
        FiscalYear.objects.update(last_number=F("last_number") + 1)
    refused = acme_admin_api.execute(EXPORT, {"id": year_id()})["data"]["fecExport"]
    assert [message["code"] for message in refused["messages"]] == ["fec_drafts_left", "fec_numbering_gap"]


def test_the_command_writes_the_file_or_stores_the_document(acme_admin_api, customer, tmp_path):
    domain_example(acme_admin_api, customer)
    set_siren(SIREN)
    out = io.StringIO()
    call_command("fec_export", tenant="acme", year=str(TODAY.year), output=str(tmp_path), stdout=out)
    written = tmp_path / f"{SIREN}FEC{TODAY.year}1231.txt"
    assert out.getvalue().strip() == f"{written}: 5 lines"
    assert written.read_bytes().count(b"\r\n") == 5
    call_command("fec_export", tenant="acme", year=str(TODAY.year), separator="tab", stdout=out)
    with schema_context("acme"):
        document = Document.objects.get()
        assert document.file_name == written.name and document.size == written.stat().st_size
    with pytest.raises(CommandError, match="No fiscal year"):
        call_command("fec_export", tenant="acme", year="1999")
    set_siren("")
    with pytest.raises(CommandError, match="fec_siren_missing"):
        call_command("fec_export", tenant="acme", year=str(TODAY.year))


def test_a_fec_larger_than_the_upload_limit_is_still_stored(acme_admin_api, customer, settings):
    settings.DOCUMENT_MAX_BYTES = 100  # a real year passes 20 MB around 120,000 lines
    set_siren(SIREN)
    domain_example(acme_admin_api, customer)
    result, content = exported(acme_admin_api)
    assert result["size"] == len(content) > 100


def test_a_french_tenant_s_entries_and_fec_are_french_and_downloaded_as_utf8(acme_admin_api, customer):
    # given a French tenant whose administrator's requests run in English, and an invoice of goods issued
    Tenant.objects.filter(schema_name="acme").update(language="fr")
    domain_example(acme_admin_api, customer)
    set_siren(SIREN)
    # when
    document, data = exported(acme_admin_api)
    # then the labels were written in French when the entry was posted, and the FEC carries them
    rows = [dict(zip(fec.COLUMNS, line.split("|"), strict=True)) for line in data.decode("utf-8").split("\r\n")[1:]]
    labels = [row["EcritureLib"] for row in rows]
    assert labels[1:] == ["Ventes de marchandises 20 %", "Ventes de marchandises 5,5 %", "TVA collectée 20 %",
                          "TVA collectée 5,5 %"]
    # goods: no VAT waiting for a payment, nothing said of services
    assert not any("prestations" in label or "VAT" in label for label in labels)
    # and its download says its encoding
    pk = pk_of(document["id"])
    download = acme_admin_api.client.get(f"/documents/{pk}/download/", HTTP_HOST=acme_admin_api.host)
    assert download.status_code == 200 and download["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(download.streaming_content).decode("utf-8") == data.decode("utf-8")
