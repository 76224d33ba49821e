"""The actions of a sales document's record page, through the web client, checked through the API."""

import re

from tests.web import data

HTMX = {"HTTP_HX_REQUEST": "true"}
STATE = """query($id: ID!) { node(id: $id) { __typename ... on Record { id displayName }
  ... on Quote { quoteStatus: status } ... on SalesOrder { orderStatus: status }
  ... on Invoice { invoiceStatus: status paymentStatus amountDue number }
  ... on CreditNote { creditNoteStatus: status number totalInclVat } } }"""


COMPANY_UPDATE = """mutation($id: ID!, $input: CompanyInput!) { companyUpdate(id: $id, input: $input) {
  __typename } }"""


def company_with_legal_mentions(api) -> None:
    """The seller's identifiers and address, which a PDF must show."""
    company = api.execute("{ companies { id } }")["data"]["companies"][0]["id"]
    updated = api.execute(COMPANY_UPDATE, {"id": company, "input": {
        "siren": "732829320", "vatNumber": "FR44732829320", "street": "10 rue de la Paix", "postalCode": "75002",
        "city": "Paris", "email": "billing@acme.example.com"}})
    assert updated["data"]["companyUpdate"]["__typename"] == "Company", updated


def state(api, record_id: str) -> dict:
    return api.execute(STATE, {"id": record_id})["data"]["node"]


def record_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return re.match(r"/records/([^/]+)/", response["Location"]).group(1)


def act(member, record_id: str, action: str):
    return member.post(f"/records/{record_id}/actions/{action}/")


def test_from_a_quote_to_a_paid_invoice(member, acme_admin_api):
    # given a quote made with the forms, one line
    account = data.account(acme_admin_api, "Pipeline SARL", **data.ADDRESS)
    quote = record_of(member.post("/quotes/new/", {"accountId": account["id"]}))
    member.post(f"/records/{quote}/lines/", {"action": "add", "description": "Audit", "quantity": "2",
                                             "unitPrice": "500", "vatRate": "20.00"}, **HTMX)
    page = member.get(f"/records/{quote}/").content.decode()
    assert f'action="/records/{quote}/actions/accept/"' in page and "Send by email" in page

    # when accepted, converted to an order, invoiced, issued
    assert record_of(act(member, quote, "accept")) == quote
    assert state(acme_admin_api, quote)["quoteStatus"] == "ACCEPTED"
    order = record_of(act(member, quote, "to-order"))
    assert state(acme_admin_api, order)["__typename"] == "SalesOrder"
    invoice = record_of(act(member, order, "to-invoice"))
    assert state(acme_admin_api, invoice)["invoiceStatus"] == "DRAFT"
    assert record_of(act(member, invoice, "issue")) == invoice
    issued = state(acme_admin_api, invoice)
    assert issued["invoiceStatus"] == "ISSUED" and issued["number"]
    page = member.get(f"/records/{invoice}/").content.decode()
    assert "Issue: done." in page and f'href="/records/{invoice}/payment/"' in page

    # then paid through the payment form, its amount what is due
    form = member.get(f"/records/{invoice}/payment/").content.decode()
    assert re.search(r'name="amount" type="text" value="1200.00"', form)
    refused = member.post(f"/records/{invoice}/payment/", {"amount": "lots", "method": "CHECK", "reference": "CHQ 1"})
    assert refused.status_code == 400 and "Enter a number." in refused.content.decode()
    assert 'value="CHQ 1"' in refused.content.decode()
    assert record_of(member.post(f"/records/{invoice}/payment/", {
        "amount": "1200.00", "method": "CHECK", "reference": "CHQ 1"})) == invoice
    paid = state(acme_admin_api, invoice)
    assert (paid["paymentStatus"], paid["amountDue"]) == ("PAID", "0.00")


def test_a_refusal_of_the_api_is_shown_on_the_record_page(member, acme_admin_api):
    account = data.account(acme_admin_api, "Empty Invoice Co", **data.ADDRESS)
    invoice = acme_admin_api.execute(data.INVOICE_CREATE, {"a": account["id"]})["data"]["invoiceCreate"]["id"]

    response = act(member, invoice, "issue")

    assert record_of(response) == invoice
    page = member.get(f"/records/{invoice}/").content.decode()
    assert "An invoice needs at least one item line." in page
    assert state(acme_admin_api, invoice)["invoiceStatus"] == "DRAFT"
    assert act(member, invoice, "fly").status_code == 404
    assert member.get(f"/records/{invoice}/actions/issue/").status_code == 405


def test_the_pdf_and_sending_by_email(member, acme_admin_api, mailoutbox, django_capture_on_commit_callbacks):
    company_with_legal_mentions(acme_admin_api)
    account = data.account(acme_admin_api, "Mailed SA", email="billing@mailed.example.com", **data.ADDRESS)
    invoice = data.issued_invoice(acme_admin_api, account["id"])

    pdf = act(member, invoice, "pdf")
    assert pdf.status_code == 302 and re.match(r"/documents/\d+/download/", pdf["Location"])
    download = member.get(pdf["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"

    form = member.get(f"/records/{invoice}/email/").content.decode()
    assert 'value="billing@mailed.example.com"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(f"/records/{invoice}/email/", {
            "to": "boss@mailed.example.com, cfo@mailed.example.com", "message": "Here is your invoice."})
    assert record_of(response) == invoice
    [sent] = mailoutbox
    assert sent.to == ["boss@mailed.example.com", "cfo@mailed.example.com"] and "Here is your invoice." in sent.body
    assert sent.attachments and sent.attachments[0][2] == "application/pdf"


def test_a_credit_note_is_created_and_issued_from_the_web(member, acme_admin_api):
    account = data.account(acme_admin_api, "Refunded SARL", **data.ADDRESS)
    invoice = data.issued_invoice(acme_admin_api, account["id"])

    response = member.post("/credit-notes/new/", {"invoiceId": invoice, "reason": "Returned goods", "full": "on"})

    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    credit_note = record_of(response)
    assert "Line items" in member.get(f"/records/{credit_note}/edit/").content.decode()
    assert record_of(act(member, credit_note, "issue")) == credit_note
    issued = state(acme_admin_api, credit_note)
    assert issued["creditNoteStatus"] == "ISSUED" and issued["totalInclVat"] == "1980.60"


def test_an_unavailable_action_is_shown_disabled_with_the_api_reason(member, acme_admin_api):
    account = data.account(acme_admin_api, "Nowhere SARL")
    invoice = acme_admin_api.execute(data.INVOICE_CREATE, {"a": account["id"]})["data"]["invoiceCreate"]["id"]
    acme_admin_api.execute(data.INVOICE_LINE, {"id": invoice, "input": {"description": "Audit", "quantity": "1",
                                                                        "unitPrice": "100", "vatRate": "20"}})

    page = member.get(f"/records/{invoice}/").content.decode()

    reason = "The customer&#x27;s billing address is required on an invoice."
    assert re.search(rf'<button class="button primary" type="button" disabled [^>]*title="{reason}">Issue</button>',
                     page)
    assert f'action="/records/{invoice}/actions/issue/"' not in page and f">{reason}</small>" in page
