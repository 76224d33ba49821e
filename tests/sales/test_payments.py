import datetime as dt

from django.utils import timezone

from tests.conftest import messages
from tests.helpers import gid
from tests.sales.test_invoices import ISSUE, LINE, draft, issued_invoice

PAY = """mutation($input: PaymentInput!) { paymentRecord(input: $input) { __typename
  ... on Payment { id number amount unallocated allocations { id amount } }
  ... on OperationInfo { messages { field code } } } }"""
STATUS = """query($id: ID!) { node(id: $id) { ... on Invoice { paymentStatus amountDue
  history(first: 5) { edges { node { kind related { __typename number } } } } } } }"""


def status(api, invoice):
    return api.execute(STATUS, {"id": invoice})["data"]["node"]


def test_one_payment_over_two_invoices_with_credit_left(acme_admin_api, customer):
    first, second = issued_invoice(acme_admin_api, customer), issued_invoice(acme_admin_api, customer)  # 240 each
    assert status(acme_admin_api, first)["paymentStatus"] == "UNPAID"
    payment = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "400",
                                                     "allocations": [{"invoiceId": first, "amount": "240"},
                                                                     {"invoiceId": second, "amount": "100"}]}}
                                     )["data"]["paymentRecord"]
    assert (payment["amount"], payment["unallocated"]) == ("400", "60.00")
    assert payment["number"].startswith("REG-")
    assert status(acme_admin_api, first)["paymentStatus"] == "PAID"
    partial = status(acme_admin_api, second)
    assert (partial["paymentStatus"], partial["amountDue"]) == ("PARTIALLY_PAID", "140.00")
    assert partial["history"]["edges"][0]["node"] == {"kind": "LINKED", "related": {
        "__typename": "Payment", "number": payment["number"]}}
    # unallocating shows in the invoice's history and reopens it
    allocation = payment["allocations"][1]["id"]
    acme_admin_api.execute('mutation($id: ID!) { paymentUnallocate(allocationId: $id) { __typename } }',
                           {"id": allocation})
    reopened = status(acme_admin_api, second)
    assert (reopened["paymentStatus"], reopened["amountDue"]) == ("UNPAID", "240.00")
    assert reopened["history"]["edges"][0]["node"]["kind"] == "UNLINKED"
    assert reopened["history"]["edges"][0]["node"]["related"]["number"] == payment["number"]


def test_over_allocation_and_bad_amounts_are_refused(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)
    too_much = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "500",
                                                      "allocations": [{"invoiceId": invoice, "amount": "300"}]}})
    assert messages(too_much["data"]["paymentRecord"]) == {None: "over_allocation"}
    negative = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "-5"}})
    assert messages(negative["data"]["paymentRecord"]) == {"amount": "amount"}
    assert status(acme_admin_api, invoice)["paymentStatus"] == "UNPAID"


def test_credited_invoice_status(acme_admin_api, customer):
    invoice = issued_invoice(acme_admin_api, customer)
    acme_admin_api.execute('mutation($id: ID!) { invoiceCancel(id: $id) { __typename } }', {"id": invoice})
    assert status(acme_admin_api, invoice)["paymentStatus"] == "CREDITED"


def test_invoice_lists_filter_on_payment_status_overdue_and_dates(acme_admin_api, customer):
    late = draft(acme_admin_api, customer)
    acme_admin_api.execute(LINE, {"id": late, "input": {"description": "Old", "unitPrice": "10", "vatRate": "20"}})
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    acme_admin_api.execute(ISSUE, {"id": late, "date": long_ago.isoformat()})  # due 45 days later: overdue
    paid, unpaid = issued_invoice(acme_admin_api, customer), issued_invoice(acme_admin_api, customer)
    acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "240",
                                           "allocations": [{"invoiceId": paid, "amount": "240"}]}})
    listed = """query($filter: InvoiceFilter) { invoices(filters: $filter) { totalCount edges { node { id
        paymentStatus } } } }"""

    def ids(filter_):
        result = acme_admin_api.execute(listed, {"filter": filter_})
        assert "errors" not in result, result
        return {edge["node"]["id"] for edge in result["data"]["invoices"]["edges"]}

    assert ids({"paymentStatus": {"inList": ["UNPAID", "PARTIALLY_PAID"]}}) == {unpaid}
    assert ids({"paymentStatus": {"exact": "PAID"}}) == {paid}
    assert ids({"overdue": True}) == {late}
    assert ids({"overdue": False}) == {paid, unpaid}
    today = timezone.localdate().isoformat()
    assert ids({"issueDate": {"range": {"start": today, "end": today}}}) == {paid, unpaid}
    assert ids({"issueDate": {"lt": today}}) == {late}
    drill = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Account { invoices(
        filters: { status: { exact: ISSUED }, paymentStatus: { inList: [UNPAID, OVERDUE] } }) { totalCount } } } }""",
                                   {"id": gid(customer["account"])})
    assert drill["data"]["node"]["invoices"]["totalCount"] == 2
