"""The VAT return (CA3) read from books built through the services (DOMAIN.md section 6)."""

import datetime as dt
from decimal import Decimal

from django_tenants.utils import schema_context

from saas.accounting.vat_return import vat_return
from tests.accounting.test_posting import domain_example
from tests.accounting.test_reports import TODAY, manual, pay
from tests.conftest import messages
from tests.helpers import gid
from tests.sales.test_invoices import ISSUE, LINE, draft

MONTH = (TODAY.replace(day=1).isoformat(), TODAY.isoformat())
BOXES = "boxes { box rate base tax declaredBase declaredTax }"
RETURN = f"""query($start: Date!, $end: Date!) {{ vatReturn(start: $start, end: $end) {{ {BOXES}
  collectedPending deductiblePending }} }}"""
COMPUTE = f"""mutation($start: Date!, $end: Date!) {{ vatReturnCompute(start: $start, end: $end) {{ __typename
  ... on VatReturn {{ {BOXES} }} ... on OperationInfo {{ messages {{ field code }} }} }} }}"""


def boxes(api, start, end) -> dict:
    result = api.execute(RETURN, {"start": start, "end": end})
    assert "errors" not in result, result
    return {box["box"]: box for box in result["data"]["vatReturn"]["boxes"]} | {
        "pending": result["data"]["vatReturn"]["collectedPending"]}


def figures(box) -> tuple:
    return box["base"], box["tax"], box["declaredBase"], box["declaredTax"]


def test_the_domain_example_with_a_supplier_invoice(acme_admin_api, customer, acme_admin):
    domain_example(acme_admin_api, customer)
    with schema_context("acme"):
        manual(acme_admin, TODAY, "Office supplies", ("606400", "500", "0"), ("445660", "100", "0"),
               ("401100", "0", "600"), journal="HA")
    found = boxes(acme_admin_api, *MONTH)
    # DOMAIN.md 6.3: 08 1 350 / 270; 09 71 / 4 (3.91); 16 = 274; 20 = 100; 23 = 100; 28 = 174
    assert figures(found["08"]) == ("1350.00", "270.00", 1350, 270)
    assert figures(found["09"]) == ("71.00", "3.91", 71, 4)
    assert (found["A1"]["base"], found["A1"]["declaredBase"]) == ("1421.00", 1421)
    assert [(code, found[code]["declaredTax"]) for code in ("16", "19", "20", "22", "23", "28")] == [
        ("16", 274), ("19", 0), ("20", 100), ("22", 0), ("23", 100), ("28", 174)]
    assert found["16"]["tax"] == "273.91" and "25" not in found
    assert [box["box"] for box in acme_admin_api.execute(COMPUTE, {"start": MONTH[0], "end": MONTH[1]})[
        "data"]["vatReturnCompute"]["boxes"]] == ["A1", "08", "09", "16", "19", "20", "22", "23", "28"]


def test_services_vat_is_due_when_paid(acme_admin_api, customer):
    invoice = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"description": "Consulting", "unitPrice": "1000",
                                                           "vatRate": "20"}})
    acme_admin_api.execute(LINE, {"id": invoice, "input": {"itemId": gid(customer["saw"])}})  # goods: 450
    assert acme_admin_api.execute(ISSUE, {"id": invoice})["data"]["invoiceIssue"]["status"] == "ISSUED"
    invoiced = boxes(acme_admin_api, *MONTH)
    # only the goods VAT is due at invoicing; the services VAT waits for the payment
    assert figures(invoiced["08"]) == ("450.00", "90.00", 450, 90)
    assert invoiced["pending"] == "200.00"
    pay(acme_admin_api, customer, "870", [(invoice, "870")])  # half of 1 740
    paid = boxes(acme_admin_api, *MONTH)
    assert figures(paid["08"]) == ("950.00", "190.00", 950, 190)
    assert paid["pending"] == "100.00"


def test_a_credit_note_takes_the_vat_back(acme_admin_api, customer):
    invoice = domain_example(acme_admin_api, customer)
    acme_admin_api.execute('mutation($id: ID!) { invoiceCancel(id: $id) { __typename } }', {"id": invoice})
    found = boxes(acme_admin_api, *MONTH)
    assert "08" not in found and "09" not in found
    assert (found["A1"]["base"], found["16"]["tax"], found["28"]["declaredTax"]) == ("0.00", "0.00", 0)


def test_a_credit_is_carried_to_the_next_return_and_settlements_are_left_out(acme_admin_api, customer, acme_admin):
    # the month before this one (the invoice below is issued today), whichever day the test runs
    last_month_end = TODAY.replace(day=1) - dt.timedelta(days=1)
    last_month = (last_month_end.replace(day=1).isoformat(), last_month_end.isoformat())
    with schema_context("acme"):
        manual(acme_admin, last_month_end.replace(day=5), "Laptop", ("218300", "1000", "0"), ("445620", "200", "0"),
               ("404000", "0", "1200"), journal="HA")
    credit = boxes(acme_admin_api, *last_month)
    assert [(code, credit[code]["declaredTax"]) for code in ("16", "19", "23", "25")] == [
        ("16", 0), ("19", 200), ("23", 200), ("25", 200)]
    with schema_context("acme"):
        # last month's settlement: the credit moves to 44567, to be deducted this month
        manual(acme_admin, last_month_end, "VAT last month", ("445670", "200", "0"), ("445620", "0", "200"))
    assert boxes(acme_admin_api, *last_month)["25"]["declaredTax"] == 200  # unchanged once settled
    domain_example(acme_admin_api, customer)
    carried = boxes(acme_admin_api, *MONTH)
    assert [(code, carried[code]["declaredTax"]) for code in ("16", "22", "23", "28")] == [
        ("16", 274), ("22", 200), ("23", 200), ("28", 74)]


def test_the_accounts_are_configurable(acme, acme_admin, acme_admin_api, customer):
    domain_example(acme_admin_api, customer)
    with schema_context("acme"):
        only_standard = vat_return(actor=acme_admin, start=TODAY.replace(day=1), end=TODAY,
                                   accounts={"collected": {"445711": Decimal("20")}})
    assert [(box.box, box.tax) for box in only_standard.boxes[:3]] == [("A1", None), ("08", Decimal("270.00")),
                                                                       ("16", Decimal("270.00"))]


def test_a_period_ending_before_it_starts_is_refused(acme_admin_api):
    refused = acme_admin_api.execute(COMPUTE, {"start": "2026-11-30", "end": "2026-11-01"})
    assert messages(refused["data"]["vatReturnCompute"]) == {"end": "period"}
    query = acme_admin_api.execute(RETURN, {"start": "2026-11-30", "end": "2026-11-01"})
    assert query["errors"][0]["extensions"]["code"] == "period"
