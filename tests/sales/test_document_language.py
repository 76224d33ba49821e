"""Quotes, invoices and credit notes speak the tenant's language in their PDF and their email: French words,
dates and amounts for a French company, with every mention of DOMAIN.md 1.2; English ones for an English one."""

import io
import re

import pytest
from django.db import connection
from pypdf import PdfReader

from saas.companies.models import Company
from saas.crm import services as crm
from saas.sales import quotes, rendering, services
from saas.sales.models import CreditNote, Invoice
from tenants.models import Tenant
from tests.helpers import gid
from tests.sales import test_output
from tests.sales.test_output import RENDER, SEND, issued_invoice, stored_pdf

billing = test_output.billing  # the seller and the French business customer of the output tests

# French amounts group thousands with a no-break space (narrow or not): compared with a plain space.
SPACES = re.compile("[\u00a0\u202f]")


def speak(language: str) -> None:
    Tenant.objects.filter(schema_name="acme").update(language=language)


def pdf_text(pdf: bytes) -> str:
    return SPACES.sub(" ", " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages))


def credit_note_issued(api, invoice: str) -> str:
    credit_note = api.execute(
        'mutation($id: ID!) { creditNoteCreate(invoiceId: $id, reason: "Retour") { ... on CreditNote { id } } }',
        {"id": invoice})["data"]["creditNoteCreate"]["id"]
    api.execute('mutation($id: ID!) { creditNoteIssue(id: $id) { ... on CreditNote { number } } }', {"id": credit_note})
    return credit_note


@pytest.fixture
def siret(billing, acme_admin):
    connection.set_schema("acme")
    Company.objects.filter(is_default=True).update(siret="73282932000074")
    connection.set_schema_to_public()
    return billing


def test_a_french_company_invoices_in_french(acme_admin_api, siret, acme_admin, mailoutbox,
                                             django_capture_on_commit_callbacks):
    # given a French tenant, an invoice and its credit note issued by an administrator whose requests run in English
    speak("fr")
    invoice = issued_invoice(acme_admin_api, siret)
    credit_note = credit_note_issued(acme_admin_api, invoice)
    # when
    rendered = acme_admin_api.execute(RENDER, {"id": invoice})["data"]["documentRender"]
    credited = acme_admin_api.execute(RENDER, {"id": credit_note})["data"]["documentRender"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = acme_admin_api.execute(SEND, {"id": invoice})["data"]["documentSend"]
    # then the PDF reads French, with French dates and amounts and the mentions of DOMAIN.md 1.2
    text = pdf_text(stored_pdf(rendered["id"]))
    connection.set_schema("acme")
    issued = Invoice.objects.get()
    for mention in (f"Facture {issued.number}", f"Date: {issued.issue_date:%d/%m/%Y}",
                    f"Échéance: {issued.due_date:%d/%m/%Y}", "SAS au capital de 10 000 €", "RCS Paris 732 829 320",
                    "SIREN 732829320 – SIRET 73282932000074", "N° de TVA FR44732829320", "SIREN 552100554",
                    "N° de TVA FR96552100554", "1 350,00 €", "5,5 %", "3,91 €", "Total TTC 1 694,91 €",
                    f"Paiement au plus tard le {issued.due_date:%d/%m/%Y}.", "Pas d'escompte pour paiement anticipé.",
                    "pénalités", "Indemnité forfaitaire pour frais de recouvrement de 40 €",
                    "Nature des opérations : livraisons de biens et prestations de services."):
        assert mention in text, mention
    assert "Invoice" not in text and "VAT" not in text
    credit_text = pdf_text(stored_pdf(credited["id"]))
    credit = CreditNote.objects.get()
    assert f"Avoir {credit.number}" in credit_text
    assert f"Avoir sur la facture n° {issued.number} du {issued.issue_date:%d/%m/%Y}" in credit_text
    assert "Motif: Retour" in credit_text
    # and so does its email
    assert sent["__typename"] == "SalesDocumentSent", sent
    [email] = mailoutbox
    assert email.subject == f"Facture {issued.number} de Ma Petite Entreprise"
    assert email.body.startswith("Bonjour,") and f"notre facture {issued.number}" in email.body


def test_a_french_quote_carries_the_seller_identity(siret, acme_admin):
    speak("fr")
    connection.set_schema("acme")
    quote = quotes.quote_create(actor=acme_admin, account=siret["account"], contact=siret["contact"])
    quote = services.document_line_add(actor=acme_admin, document=quote, item=siret["consulting"])
    text = pdf_text(rendering.document_pdf(quote))
    for mention in (f"Devis {quote.number}", f"Date: {quote.date:%d/%m/%Y}",
                    f"Valable jusqu'au: {quote.valid_until:%d/%m/%Y}", "Ma Petite Entreprise", "10 rue de la Paix",
                    "75002 Paris", "SAS au capital de 10 000 €", "RCS Paris 732 829 320",
                    "SIREN 732829320 – SIRET 73282932000074", "N° de TVA FR44732829320", "Total TTC 540,00 €",
                    "Nature des opérations : prestations de services."):
        assert mention in text, mention


def test_an_english_company_invoices_in_english(acme_admin_api, billing, acme_admin):
    speak("en")
    invoice = issued_invoice(acme_admin_api, billing)
    credit_note_issued(acme_admin_api, invoice)
    connection.set_schema("acme")
    issued, credit = Invoice.objects.get(), CreditNote.objects.get()
    text = pdf_text(rendering.document_pdf(issued))
    for mention in (f"Invoice {issued.number}", f"Date: {issued.issue_date:%m/%d/%Y}", "1,350.00 €",
                    "Total incl. VAT 1,694.91 €", "No discount for early payment.",
                    "Fixed indemnity for recovery costs in case of late payment: 40 €",
                    "SAS with a share capital of 10,000 €"):
        assert mention in text, mention
    assert "Facture" not in text
    assert f"Credit note {credit.number}" in pdf_text(rendering.document_pdf(credit))


def test_a_consumer_gets_no_indemnity_mention_in_french(acme_admin_api, billing, acme_admin):
    speak("fr")
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={
        "name": "Jean Dupont", "billing_street": "2 rue Neuve", "billing_postal_code": "69001",
        "billing_city": "Lyon", "shipping_street": "5 quai Saint-Antoine", "shipping_postal_code": "69002",
        "shipping_city": "Lyon"})
    connection.set_schema_to_public()
    issued_invoice(acme_admin_api, {**billing, "account": account}, contact=False)
    connection.set_schema("acme")
    text = pdf_text(rendering.document_pdf(Invoice.objects.get()))
    assert "40 €" not in text and "Pas d'escompte pour paiement anticipé." in text
    assert "Adresse de livraison: 5 quai Saint-Antoine, 69002 Lyon" in text


ACCOUNT_LANGUAGE = """mutation($id: ID!, $version: Int!, $language: DocumentLanguage) {
  accountUpdate(id: $id, version: $version, input: {language: $language}) {
    __typename ... on Account { language version } ... on OperationInfo { messages { code field } } } }"""


def test_a_customer_who_reads_english_gets_english_documents_from_a_french_company(acme_admin_api, billing,
                                                                                  mailoutbox,
                                                                                  django_capture_on_commit_callbacks):
    # given a French tenant whose customer's documents are to be in English
    speak("fr")
    account = gid(billing["account"])
    chosen = acme_admin_api.execute(ACCOUNT_LANGUAGE, {"id": account, "version": billing["account"].version,
                                                       "language": "EN"})["data"]["accountUpdate"]
    assert chosen["language"] == "EN", chosen
    # when its invoice is issued, rendered and sent
    invoice = issued_invoice(acme_admin_api, billing)
    with django_capture_on_commit_callbacks(execute=True):
        acme_admin_api.execute(SEND, {"id": invoice})
    # then the PDF and the email are English, while the books stay in the tenant's French
    connection.set_schema("acme")
    issued = Invoice.objects.get()
    text = pdf_text(rendering.document_pdf(issued))
    assert f"Invoice {issued.number}" in text and "Total incl. VAT 1,694.91 €" in text and "Facture" not in text
    [email] = mailoutbox
    assert email.subject.startswith(f"Invoice {issued.number}")
    from saas.accounting.models import JournalLine

    labels = list(JournalLine.objects.filter(entry__invoice=issued).values_list("label", flat=True))
    assert any(label.startswith("TVA") for label in labels) and not any("VAT" in label for label in labels), labels
    # and null gives the documents back to the company's language
    connection.set_schema_to_public()
    reset = acme_admin_api.execute(ACCOUNT_LANGUAGE, {"id": account, "version": chosen["version"],
                                                      "language": None})["data"]["accountUpdate"]
    assert reset["language"] is None
    connection.set_schema("acme")
    assert f"Facture {issued.number}" in pdf_text(rendering.document_pdf(Invoice.objects.get()))
