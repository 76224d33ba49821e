"""`availableActions` on a record: the verbs its pipeline offers in its state, the rights and the type's checks."""

from django.db import connection

from saas.crm import services as crm
from tests.access.conftest import staff
from tests.helpers import gid

ACTIONS = """query($id: ID!) { node(id: $id) { ... on Record {
  availableActions { verb label available reason code } } } }"""
INVOICE_CREATE = 'mutation($a: ID!) { invoiceCreate(accountId: $a) { ... on Invoice { id } } }'
LINE = """mutation($id: ID!) { invoiceLineAdd(invoiceId: $id, input: {description: "Audit", unitPrice: "500",
  vatRate: "20"}) { __typename } }"""
ISSUE = 'mutation($id: ID!) { invoiceIssue(id: $id) { __typename ... on Invoice { amountDue } } }'
PAY = """mutation($input: PaymentInput!) { paymentRecord(input: $input) { __typename
  ... on OperationInfo { messages { field code } } } }"""



def actions(api, record_id: str, **headers) -> dict[str, dict]:
    result = api.execute(ACTIONS, {"id": record_id}, **headers)
    assert "errors" not in result, result
    return {action.pop("verb"): action for action in result["data"]["node"]["availableActions"]}


def invoice_with_a_line(api, account_id: str) -> str:
    invoice = api.execute(INVOICE_CREATE, {"a": account_id})["data"]["invoiceCreate"]["id"]
    assert api.execute(LINE, {"id": invoice})["data"]["invoiceLineAdd"]["__typename"] == "Invoice"
    return invoice


def test_an_invoice_offers_issue_then_payments_until_paid(acme_admin_api, customer, acme_admin):
    invoice = invoice_with_a_line(acme_admin_api, gid(customer["account"]))
    assert actions(acme_admin_api, invoice) == {"issue": {"label": "Issue", "available": True, "reason": None,
                                                          "code": None}}

    issued = acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]
    assert issued["amountDue"] == "600.00"
    assert actions(acme_admin_api, invoice) == {"record_payment": {
        "label": "Record a payment", "available": True, "reason": None, "code": None}}

    paid = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "600.00",
                                                  "allocations": [{"invoiceId": invoice, "amount": "600.00"}]}})
    assert paid["data"]["paymentRecord"]["__typename"] == "Payment", paid
    assert actions(acme_admin_api, invoice) == {"record_payment": {
        "label": "Record a payment", "available": False, "reason": "Nothing is left to pay on this invoice.",
        "code": "over_allocation"}}


def test_issuing_is_unavailable_with_the_reason_the_service_gives(acme_admin_api, acme_admin):
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "No Address SARL"})
    connection.set_schema_to_public()
    invoice = invoice_with_a_line(acme_admin_api, gid(account))

    offered = actions(acme_admin_api, invoice)

    assert offered == {"issue": {"label": "Issue", "available": False, "code": "customer_address_required",
                                 "reason": "The customer's billing address is required on an invoice."}}
    refused = acme_admin_api.execute("""mutation($id: ID!) { invoiceIssue(id: $id) { __typename
      ... on OperationInfo { messages { code message } } } }""", {"id": invoice})["data"]["invoiceIssue"]
    assert refused["messages"][0] == {"code": offered["issue"]["code"], "message": offered["issue"]["reason"]}
    french = actions(acme_admin_api, invoice, HTTP_ACCEPT_LANGUAGE="fr")
    assert french["issue"]["label"] == "Émettre" and french["issue"]["available"] is False


def test_a_quote_offers_its_verbs_by_state(acme_admin_api, customer):
    quote = acme_admin_api.execute('mutation($a: ID!) { quoteCreate(accountId: $a) { ... on Quote { id } } }',
                                   {"a": gid(customer["account"])})["data"]["quoteCreate"]["id"]
    empty = actions(acme_admin_api, quote)
    assert list(empty) == ["send", "accept", "refuse"]
    assert (empty["accept"]["available"], empty["accept"]["code"]) == (False, "no_lines")
    assert empty["refuse"]["available"] is True
    acme_admin_api.execute("""mutation($id: ID!) { quoteLineAdd(quoteId: $id, input: {description: "Audit",
      unitPrice: "500", vatRate: "20"}) { __typename } }""", {"id": quote})
    acme_admin_api.execute('mutation($id: ID!) { quoteAccept(id: $id) { __typename } }', {"id": quote})

    accepted = actions(acme_admin_api, quote)

    assert list(accepted) == ["refuse", "to_order"] and accepted["to_order"]["available"] is True


def test_a_lead_offers_its_conversion_until_converted(acme_admin_api):
    lead = acme_admin_api.execute('mutation { leadCreate(input: {lastName: "Martin", company: "Martin SA"}) '
                                  '{ ... on Lead { id } } }')["data"]["leadCreate"]["id"]
    assert actions(acme_admin_api, lead) == {"convert": {"label": "Convert", "available": True, "reason": None,
                                                         "code": None}}
    converted = acme_admin_api.execute('mutation($id: ID!) { leadConvert(id: $id) { ... on Lead { status } } }',
                                       {"id": lead})["data"]["leadConvert"]
    assert converted["status"] == "CONVERTED"
    assert actions(acme_admin_api, lead) == {}


def test_a_reader_without_the_edit_right_sees_the_verbs_unavailable(acme_admin_api, customer):
    invoice = invoice_with_a_line(acme_admin_api, gid(customer["account"]))
    _user, reader = staff("reader@acme.example.com", "Read-only")

    offered = actions(reader, invoice)

    assert offered["issue"]["available"] is False and offered["issue"]["code"] == "forbidden"
    assert offered["issue"]["reason"] == "You may not change invoices."
