"""Bank reconciliation (DOMAIN.md 8.4): suggestions, matching bank lines with invoices, payments or a ledger
account — each ending in a posted bank-journal entry, lettered — and undoing a match by reversal."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from saas.accounting.models import JournalEntry, LedgerAccount
from saas.banking import reconciliation, services
from saas.banking.models import BankTransaction, ThirdPartyBankAccount
from saas.crm import services as crm
from saas.sales.models import Payment
from tests.accounting.test_posting import entries_of
from tests.banking.helpers import CUSTOMER_IBAN, bank_account, camt, op
from tests.conftest import messages
from tests.helpers import gid
from tests.sales.test_invoices import draft, issued_invoice
from tests.sales.test_payments import PAY

MATCH, UNMATCH = op("BankTransactionMatch"), op("BankTransactionUnmatch")


def number(api, invoice: str) -> str:
    return api.execute('query($id: ID!) { node(id: $id) { ... on Invoice { number } } }', {"id": invoice})[
        "data"]["node"]["number"]


def status(api, invoice: str) -> dict:
    return api.execute('query($id: ID!) { node(id: $id) { ... on Invoice { paymentStatus amountDue } } }',
                       {"id": invoice})["data"]["node"]


def journal_entry(api, record: str, journal: str) -> dict:
    """The record's entry in that journal (a payment of services also moves VAT on receipt in OD)."""
    [entry] = [entry for entry in entries_of(api, record) if entry["journal"]["code"] == journal]
    return entry


def bank_lines(actor, *entries: dict) -> list[str]:
    """Import a statement of these lines into a new bank account; their global ids, in the given order."""
    account = bank_account(actor)
    with schema_context("acme"):
        services.statement_import(actor=actor, bank_account=account, file_name="s.xml", content=camt(*entries))
        by_ref = {line.bank_reference: line for line in BankTransaction.objects.all()}
    return [gid(by_ref[entry["bank_ref"]], "BankTransaction") for entry in entries]


def match(api, transaction: str, **target) -> dict:
    return api.execute(MATCH, {"input": {"transactionId": transaction, **target}})["data"]["bankTransactionMatch"]


def unmatch(api, transaction: str) -> dict:
    return api.execute(UNMATCH, {"id": transaction})["data"]["bankTransactionUnmatch"]


def lines(entry: dict) -> list[tuple]:
    return [(line["account"]["number"], line["debit"], line["credit"], line["lettering"]) for line in entry["lines"]]


@pytest.mark.smoke
def test_the_invoice_named_in_the_reference_with_the_amount_owed_comes_first(acme_admin_api, acme_admin, customer):
    first, second = issued_invoice(acme_admin_api, customer), issued_invoice(acme_admin_api, customer)  # 240 each
    third = issued_invoice(acme_admin_api, customer, price="50")  # 120
    wanted = number(acme_admin_api, second)
    # banks often drop the separators of the invoice number
    [transfer] = bank_lines(acme_admin, {"amount": "240.00", "reference": f"VIR {wanted.replace('-', '')}",
                                         "name": "CUSTOMER SARL", "iban": CUSTOMER_IBAN, "bank_ref": "B1"})
    found = acme_admin_api.execute(op("BankTransactionSuggestions"), {"id": transfer})["data"]["node"]["suggestions"]
    assert [row["invoice"]["id"] for row in found] == [second, first, third]
    assert (found[0]["reasons"], found[0]["amount"]) == (["reference", "amount", "name", "date"], "240.00")
    assert found[1]["reasons"] == ["amount", "name", "date"]
    assert found[2]["reasons"] == ["name", "date"]
    assert found[0]["score"] > found[1]["score"] > found[2]["score"]


def test_the_customer_is_recognised_by_the_iban_it_paid_from(acme_admin_api, acme_admin, customer):
    invoice = issued_invoice(acme_admin_api, customer, price="10")  # 24
    with schema_context("acme"):
        other = crm.account_create(actor=acme_admin, fields={"name": "Other"})
        services.third_party_bank_account_create(actor=acme_admin, account=customer["account"], iban=CUSTOMER_IBAN)
    [transfer] = bank_lines(acme_admin, {"amount": "30.00", "reference": "VIREMENT", "name": "M DUPONT",
                                         "iban": CUSTOMER_IBAN, "bank_ref": "B1"})
    found = acme_admin_api.execute(op("BankTransactionSuggestions"), {"id": transfer})["data"]["node"]["suggestions"]
    assert [(row["invoice"]["id"], row["reasons"][0]) for row in found] == [(invoice, "iban")]
    assert other.pk  # its invoices, had it any, would not be suggested


def test_matching_invoices_records_a_payment_posted_to_bq_and_lettered_then_unmatching_reverses_it(
        acme_admin_api, acme_admin, customer):
    invoice = issued_invoice(acme_admin_api, customer)  # 240
    [transfer] = bank_lines(acme_admin, {"amount": "240.00", "reference": number(acme_admin_api, invoice),
                                         "name": "Customer SARL", "iban": CUSTOMER_IBAN, "bank_ref": "B1"})
    # when
    matched = match(acme_admin_api, transfer, invoices=[{"invoiceId": invoice}])
    # then
    assert (matched["status"], matched["matchKind"]) == ("MATCHED", "INVOICES"), matched
    payment = matched["payment"]
    assert (payment["amount"], payment["reference"]) == ("240.00", "B1")
    assert [(row["amount"], row["invoice"]["id"]) for row in payment["allocations"]] == [("240.00", invoice)]
    assert status(acme_admin_api, invoice)["paymentStatus"] == "PAID"
    entry = matched["entry"]
    assert entry["journal"]["code"] == "BQ"
    assert lines(entry) == [("512100", "240.00", "0.00", ""), ("411100", "0.00", "240.00", "A")]
    assert journal_entry(acme_admin_api, invoice, "VT")["lines"][0]["lettering"] == "A"
    with schema_context("acme"):
        assert ThirdPartyBankAccount.objects.filter(account=customer["account"], iban=CUSTOMER_IBAN).exists()
    assert messages(match(acme_admin_api, transfer, invoices=[{"invoiceId": invoice}])) == {
        None: "already_matched"}
    # when
    undone = unmatch(acme_admin_api, transfer)
    # then
    assert (undone["status"], undone["matchKind"], undone["payment"], undone["entry"]) == (
        "UNMATCHED", None, None, None)
    assert status(acme_admin_api, invoice)["paymentStatus"] == "UNPAID"
    assert journal_entry(acme_admin_api, invoice, "VT")["lines"][0]["lettering"] == ""
    with schema_context("acme"):
        posted = JournalEntry.objects.get(payment__number=payment["number"], journal__code="BQ",
                                          reversal_of__isnull=True)
        reversal = JournalEntry.objects.get(reversal_of=posted)  # nothing deleted: reversed
        assert [(line.ledger_account.number, line.debit, line.credit) for line in reversal.lines.all()] == [
            ("512100", Decimal("0"), Decimal("240.00")), ("411100", Decimal("240.00"), Decimal("0"))]
        customer_lines = [line for entry in (posted, reversal) for line in entry.lines.filter(auxiliary__isnull=False)]
        letters = {line.lettering for line in customer_lines}
        assert len(letters) == 1 and "" not in letters  # the payment and its reversal settle each other
        assert Payment.objects.get(number=payment["number"]).deleted_at is not None
    assert messages(unmatch(acme_admin_api, transfer)) == {None: "not_matched"}
    # matched again, once undone
    assert match(acme_admin_api, transfer, invoices=[{"invoiceId": invoice}])["status"] == "MATCHED"


def test_refused_matches_leave_nothing_behind(acme_admin_api, acme_admin, customer):
    invoice = issued_invoice(acme_admin_api, customer)  # 240
    with schema_context("acme"):
        other = crm.account_create(actor=acme_admin, fields={
            "name": "Other", "billing_street": "1 rue", "billing_postal_code": "75001", "billing_city": "Paris"})
    elsewhere = issued_invoice(acme_admin_api, {"account": other}, price="10")
    small, fee = bank_lines(acme_admin, {"amount": "100.00", "bank_ref": "B1"}, {"amount": "-12.50", "bank_ref": "B2"})
    cases = [
        (small, {"invoices": [{"invoiceId": invoice}]}, {None: "amount_mismatch"}),  # 240 owed, 100 received
        (small, {"invoices": [{"invoiceId": invoice, "amount": "60"}, {"invoiceId": elsewhere, "amount": "24"}]},
         {None: "customers_differ"}),
        (small, {}, {None: "match_target"}),
        (small, {"invoices": [{"invoiceId": invoice, "amount": "50"}], "ledgerAccount": "627000"},
         {None: "match_target"}),
        (fee, {"invoices": [{"invoiceId": invoice}]}, {None: "amount_mismatch"}),  # money out pays no invoice
        (fee, {"ledgerAccount": "512100"}, {"ledgerAccount": "ledger_account_invalid"}),
        (fee, {"ledgerAccount": "999999"}, {"input.ledgerAccount": "not_found"}),
        (small, {"invoices": [{"invoiceId": gid(Payment(pk=999999), "Invoice")}]},
         {"input.invoices.0.invoiceId": "not_found"}),
        (small, {"invoices": [{"invoiceId": draft(acme_admin_api, customer)}]}, {None: "not_payable"}),
    ]
    for transaction, target, expected in cases:
        assert messages(match(acme_admin_api, transaction, **target)) == expected, target
    with schema_context("acme"):
        assert not Payment.objects.exists()
        assert not BankTransaction.objects.filter(status="matched").exists()
        assert not JournalEntry.objects.filter(journal__code="BQ").exists()
    # a part of an invoice is fine: what is left of the transfer stays as the customer's credit
    partial = match(acme_admin_api, small, invoices=[{"invoiceId": invoice, "amount": "80"}])
    assert partial["payment"]["allocations"][0]["amount"] == "80.00"
    assert status(acme_admin_api, invoice)["paymentStatus"] == "PARTIALLY_PAID"


def test_a_recorded_payment_is_suggested_and_only_linked(acme_admin_api, acme_admin, customer):
    invoice = issued_invoice(acme_admin_api, customer)  # 240
    recorded = acme_admin_api.execute(PAY, {"input": {
        "accountId": gid(customer["account"], "Account"), "amount": "240", "reference": "CHQ-4412",
        "allocations": [{"invoiceId": invoice, "amount": "240"}]}})["data"]["paymentRecord"]
    transfer, twin, other = bank_lines(acme_admin, {"amount": "240.00", "reference": "REMISE CHQ 4412",
                                                    "bank_ref": "B1"},
                                       {"amount": "240.00", "bank_ref": "B2"}, {"amount": "100.00", "bank_ref": "B3"})
    found = acme_admin_api.execute(op("BankTransactionSuggestions"), {"id": transfer})["data"]["node"]["suggestions"]
    assert [(row["payment"]["id"], row["invoice"], row["reasons"][:2]) for row in found] == [
        (recorded["id"], None, ["reference", "amount"])]
    with schema_context("acme"):
        before = JournalEntry.objects.count()
    assert messages(match(acme_admin_api, other, paymentId=recorded["id"])) == {None: "amount_mismatch"}
    matched = match(acme_admin_api, transfer, paymentId=recorded["id"])
    assert (matched["status"], matched["matchKind"], matched["payment"]["id"]) == ("MATCHED", "PAYMENT",
                                                                                   recorded["id"])
    assert matched["entry"]["number"] == journal_entry(acme_admin_api, recorded["id"], "BQ")["number"]
    assert messages(match(acme_admin_api, twin, paymentId=recorded["id"])) == {None: "already_matched"}
    assert unmatch(acme_admin_api, transfer)["status"] == "UNMATCHED"
    with schema_context("acme"):
        assert JournalEntry.objects.count() == before  # linked and unlinked: nothing posted, nothing reversed
        assert Payment.objects.get(number=recorded["number"]).deleted_at is None
    assert status(acme_admin_api, invoice)["paymentStatus"] == "PAID"


def test_bank_fees_are_posted_against_627000_and_reversed_when_unmatched(acme_admin_api, acme_admin):
    [fee] = bank_lines(acme_admin, {"amount": "-12.50", "reference": "FRAIS TENUE DE COMPTE", "bank_ref": "B1"})
    matched = match(acme_admin_api, fee, ledgerAccount="627000")
    assert (matched["status"], matched["matchKind"], matched["payment"]) == ("MATCHED", "ACCOUNT", None)
    assert matched["entry"]["journal"]["code"] == "BQ"
    assert lines(matched["entry"]) == [("627000", "12.50", "0.00", ""), ("512100", "0.00", "12.50", "")]
    assert unmatch(acme_admin_api, fee)["status"] == "UNMATCHED"
    with schema_context("acme"):
        posted = JournalEntry.objects.get(number=matched["entry"]["number"])
        reversal = JournalEntry.objects.get(reversal_of=posted)
        assert [(line.ledger_account.number, line.debit, line.credit) for line in reversal.lines.all()] == [
            ("627000", Decimal("0"), Decimal("12.50")), ("512100", Decimal("12.50"), Decimal("0"))]
        assert reversal.date == posted.date


def test_money_out_gets_no_suggestion(acme_admin_api, acme_admin):
    [fee] = bank_lines(acme_admin, {"amount": "-12.50", "bank_ref": "B1"})
    with schema_context("acme"):
        assert reconciliation.suggestions(BankTransaction.objects.get()) == []


def test_the_list_of_bank_lines_has_a_constant_query_count(acme_admin_api, acme_admin):
    fees = bank_lines(acme_admin, *({"amount": f"-{index}.00", "bank_ref": f"B{index}"} for index in range(1, 6)))
    query = op("BankTransactions")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            result = acme_admin_api.execute(query, {"filters": {"status": "MATCHED"}})
        assert "errors" not in result, result
        return len(captured)

    match(acme_admin_api, fees[0], ledgerAccount="627000")
    one = count()
    for fee in fees[1:]:
        match(acme_admin_api, fee, ledgerAccount="627000")
    assert count() == one


def test_a_payment_matched_on_a_second_bank_account_posts_to_that_bank(acme_admin_api, acme_admin, customer):
    invoice = issued_invoice(acme_admin_api, customer)
    with schema_context("acme"):
        other_bank = LedgerAccount.objects.create(number="512200", label="Banque 2", kind="financial")
        account = services.bank_account_create(actor=acme_admin, name="Second", iban=CUSTOMER_IBAN,
                                               ledger_account=other_bank)
        services.statement_import(actor=acme_admin, bank_account=account, file_name="s.xml",
                                  content=camt({"amount": "240.00", "bank_ref": "B1"}, iban=CUSTOMER_IBAN))
        transfer = gid(BankTransaction.objects.get(), "BankTransaction")
    matched = match(acme_admin_api, transfer, invoices=[{"invoiceId": invoice}])
    assert "messages" not in matched, matched
    with schema_context("acme"):
        payment = Payment.objects.get()
        bank_line = payment.entries.get(journal__kind="bank").lines.get(debit__gt=0)
        assert bank_line.ledger_account.number == "512200"