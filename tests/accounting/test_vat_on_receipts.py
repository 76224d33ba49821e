"""VAT on receipts (services and deposits, 445740) through invoices, deposits, payments and credit notes, and the
VAT return read from the books (DOMAIN.md 2.2, 4.3, 6): once a customer's invoices are settled, 445740 holds
nothing for them, the collected VAT per rate is the VAT invoiced at that rate less the credit notes', and the
CA3 boxes give the real bases of those operations."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import F, Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.accounting.models import JournalEntry, JournalLine
from saas.accounting.vat_return import vat_return
from saas.sales import orders, payments
from saas.sales import services as sales
from saas.sales.models import CreditNote, Invoice, InvoiceStatus, SalesOrder
from saas.sales.services import vat_breakdown

D = Decimal
RATE_ACCOUNTS = {"445711": D("20"), "445713": D("10"), "445712": D("5.5"), "445714": D("2.1")}
RATE_BOXES = {D("20"): "08", D("10"): "9B", D("5.5"): "09", D("2.1"): "T6"}
# (goods or services, quantity, unit price, VAT rate): odd cents so that every rounding shows
MIXED = [("goods", "3", "33.33", "20"), ("services", "1", "1234.57", "20"), ("services", "3", "33.37", "10"),
         ("goods", "1", "12.34", "10"), ("goods", "7", "1.99", "5.5"), ("services", "2", "17.17", "5.5"),
         ("goods", "2", "0.99", "2.1"), ("services", "1", "9.99", "2.1")]


def add_lines(actor, document, customer, lines):
    for nature, quantity, price, rate in lines:
        item = {"item": customer["saw"]} if nature == "goods" else {"description": "Work"}
        document = sales.document_line_add(actor=actor, document=document, quantity=D(quantity),
                                           unit_price=D(price), vat_rate=D(rate), **item)
    return document


def invoice(actor, customer, lines) -> Invoice:
    draft = add_lines(actor, sales.invoice_create(actor=actor, account=customer["account"]), customer, lines)
    return sales.invoice_issue(actor=actor, invoice=draft)


def pay(actor, customer, *shares: tuple[Invoice, Decimal]):
    return payments.payment_record(actor=actor, account=customer["account"], allocations=list(shares),
                                   amount=sum(amount for _invoice, amount in shares))


def pay_in_three(actor, customer, document: Invoice):
    """Three instalments with odd cents: a third, a third, the rest."""
    due = payments.amount_due(Invoice.objects.get(pk=document.pk))
    third = (due / 3).quantize(D("0.01"))
    for amount in (third, third, due - 2 * third):
        pay(actor, customer, (document, amount))


def pay_rest(actor, customer, *documents: Invoice):
    shares = [(document, payments.amount_due(Invoice.objects.get(pk=document.pk))) for document in documents]
    pay(actor, customer, *[(document, due) for document, due in shares if due > 0])


def credit(actor, document: Invoice, lines, customer) -> CreditNote:
    note = sales.credit_note_create(actor=actor, invoice=document, full=False)
    note = add_lines(actor, note, customer, lines)
    return sales.credit_note_issue(actor=actor, credit_note=note)


def order_with_deposit(actor, customer, percent: str) -> tuple[SalesOrder, Invoice]:
    order = add_lines(actor, orders.order_create(actor=actor, account=customer["account"]), customer, MIXED)
    order = orders.order_confirm(actor=actor, order=order)
    deposit = sales.invoice_issue(actor=actor, invoice=orders.order_deposit_invoice(actor=actor, order=order,
                                                                                      percent=D(percent)))
    return order, deposit


def final(actor, order: SalesOrder) -> Invoice:
    return sales.invoice_issue(actor=actor, invoice=orders.order_to_invoice(
        actor=actor, order=SalesOrder.objects.get(pk=order.pk)))


# Each scenario runs the documents of one customer to their settlement.
def goods_only(actor, customer):
    document = invoice(actor, customer, [line for line in MIXED if line[0] == "goods"])
    pay_rest(actor, customer, document)


def services_only_in_three_instalments(actor, customer):
    pay_in_three(actor, customer, invoice(actor, customer, [line for line in MIXED if line[0] == "services"]))


def mixed_rates_in_three_instalments(actor, customer):
    pay_in_three(actor, customer, invoice(actor, customer, MIXED))


def deposit_paid_before_the_final_invoice(actor, customer):
    order, deposit = order_with_deposit(actor, customer, "30")
    pay_rest(actor, customer, deposit)
    pay_in_three(actor, customer, final(actor, order))


def deposit_unpaid_at_the_final_invoice(actor, customer):
    order, deposit = order_with_deposit(actor, customer, "33")
    last = final(actor, order)
    pay(actor, customer, (deposit, D("100.00")), (last, D("333.33")))
    pay_rest(actor, customer, deposit, last)


def credit_note_before_payment(actor, customer):
    document = invoice(actor, customer, MIXED)
    credit(actor, document, [("services", "0.5", "1234.57", "20"), ("goods", "3", "1.99", "5.5")], customer)
    pay_in_three(actor, customer, document)


def credit_note_after_a_partial_payment(actor, customer):
    document = invoice(actor, customer, MIXED)
    pay(actor, customer, (document, D("777.77")))
    credit(actor, document, [("services", "1", "33.37", "10"), ("goods", "1", "33.33", "20"),
                             ("services", "1", "9.99", "2.1")], customer)
    pay_rest(actor, customer, document)


def credit_note_after_full_payment(actor, customer):
    document = invoice(actor, customer, MIXED)
    pay_rest(actor, customer, document)
    credit(actor, document, [("services", "0.3", "1234.57", "20"), ("goods", "2", "1.99", "5.5")], customer)


def full_credit_note(actor, customer):
    sales.invoice_cancel(actor=actor, invoice=invoice(actor, customer, MIXED))


def full_credit_note_after_a_partial_payment(actor, customer):
    document = invoice(actor, customer, MIXED)
    pay(actor, customer, (document, D("500.01")))
    sales.invoice_cancel(actor=actor, invoice=document)


def credit_note_on_a_final_invoice_after_a_paid_deposit(actor, customer):
    order, deposit = order_with_deposit(actor, customer, "30")
    pay_rest(actor, customer, deposit)
    last = final(actor, order)
    pay(actor, customer, (last, D("250.00")))
    credit(actor, last, [("services", "1", "100.00", "20"), ("goods", "1", "10.00", "5.5")], customer)
    pay_rest(actor, customer, last)


SCENARIOS = [goods_only, services_only_in_three_instalments, mixed_rates_in_three_instalments,
             deposit_paid_before_the_final_invoice, deposit_unpaid_at_the_final_invoice, credit_note_before_payment,
             credit_note_after_a_partial_payment, credit_note_after_full_payment, full_credit_note,
             full_credit_note_after_a_partial_payment, credit_note_on_a_final_invoice_after_a_paid_deposit]


def invoiced_per_rate(account) -> dict[Decimal, list[Decimal]]:
    """(base, VAT) per rate as the documents show them: the invoices less their credit notes."""
    totals = defaultdict(lambda: [D("0.00"), D("0.00")])
    documents = [(document, 1) for document in Invoice.objects.filter(account=account).exclude(
        status=InvoiceStatus.DRAFT)] + [(document, -1) for document in CreditNote.objects.filter(
            account=account, status=InvoiceStatus.ISSUED)]
    for document, sign in documents:
        for rate, base, vat in vat_breakdown(document):
            totals[rate.normalize()][0] += sign * base
            totals[rate.normalize()][1] += sign * vat
    return {rate: amounts for rate, amounts in totals.items() if any(amounts)}


def movements(account, number: str) -> Decimal:
    return JournalLine.objects.filter(entry__party=account, ledger_account__number=number).aggregate(
        total=Sum(F("credit") - F("debit"), default=D("0.00")))["total"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_once_settled_nothing_waits_and_the_collected_vat_is_the_invoiced_vat(acme, acme_admin, customer,
                                                                               scenario):
    with schema_context("acme"):
        scenario(acme_admin, customer)
        account = customer["account"]
        for document in Invoice.objects.filter(account=account).exclude(status=InvoiceStatus.DRAFT):
            assert payments.amount_due(document) == 0, document.number  # everything is settled
        expected = invoiced_per_rate(account)
        assert movements(account, "445740") == 0
        collected = {rate.normalize(): movements(account, number) for number, rate in RATE_ACCOUNTS.items()}
        assert {rate: tax for rate, tax in collected.items() if tax} == {
            rate: tax for rate, (_base, tax) in expected.items() if tax}
        today = timezone.localdate()
        found = vat_return(actor=acme_admin, start=today.replace(day=1), end=today)
        assert {box.rate.normalize(): (box.base, box.tax) for box in found.boxes if box.rate is not None} == {
            rate: tuple(amounts) for rate, amounts in expected.items()}
        for rate, (base, tax) in expected.items():
            assert found.box(RATE_BOXES[rate]).base == base and found.box(RATE_BOXES[rate]).tax == tax
        assert found.box("A1").base == sum((base for base, _tax in expected.values()), D("0.00"))
        assert found.collected_pending == 0


def entry_lines(entry: JournalEntry) -> list[tuple]:
    return [(line.ledger_account.number, str(line.debit), str(line.credit), None if line.vat_base is None
             else str(line.vat_base)) for line in entry.lines.select_related("ledger_account")]


def test_a_paid_deposit_then_the_final_invoice_paid_in_three_line_by_line(acme, acme_admin, customer):
    """DOMAIN.md's running example as an order of 3 h of consulting (a service, 20 %) and 2 books (goods, 5.5 %):
    a 30 % deposit paid, the final invoice paid in three instalments. The invoice has the issue's figures: box 09
    declared 3.91 (4), not 4.70."""
    with schema_context("acme"):
        order = orders.order_create(actor=acme_admin, account=customer["account"])
        order = add_lines(acme_admin, order, customer, [("services", "3", "450", "20")])
        order = sales.document_line_add(actor=acme_admin, document=order, item=customer["food"], quantity=D("2"))
        order = orders.order_confirm(actor=acme_admin, order=order)
        deposit = sales.invoice_issue(actor=acme_admin, invoice=orders.order_deposit_invoice(
            actor=acme_admin, order=order, percent=D("30")))
        # the deposit's whole VAT is due when it is paid (CGI 269-2-a, c): on 445740 with its base
        [sale] = JournalEntry.objects.filter(invoice=deposit)
        assert entry_lines(sale) == [
            ("411100", "508.47", "0.00", None), ("419100", "0.00", "405.00", None), ("419100", "0.00", "21.30", None),
            ("445740", "0.00", "81.00", "405.00"), ("445740", "0.00", "1.17", "21.30")]
        paid = pay(acme_admin, customer, (deposit, D("508.47")))
        bank, transfer = JournalEntry.objects.filter(payment=paid).order_by("pk")
        assert entry_lines(bank) == [("512100", "508.47", "0.00", None), ("411100", "0.00", "508.47", None)]
        assert entry_lines(transfer) == [
            ("445740", "81.00", "0.00", "-405.00"), ("445711", "0.00", "81.00", "405.00"),
            ("445740", "1.17", "0.00", "-21.30"), ("445712", "0.00", "1.17", "21.30")]
        last = final(acme_admin, order)
        # the order's VAT less the deposit's: 5.5 % 3.91 − 1.17 = 2.74 (2.73 computed on 49.70)
        assert vat_breakdown(last) == [(D("20.00"), D("945.00"), D("189.00")), (D("5.50"), D("49.70"), D("2.74"))]
        assert deposit.total_incl_vat + last.total_incl_vat == order.total_incl_vat == D("1694.91")
        [sale] = JournalEntry.objects.filter(invoice=last)
        # the services VAT net of the deposit waits; the books' VAT is due now; the deposit backs off 4191
        assert entry_lines(sale) == [
            ("411100", "1186.44", "0.00", None), ("419100", "405.00", "0.00", None), ("419100", "21.30", "0.00", None),
            ("706000", "0.00", "1350.00", None), ("707000", "0.00", "71.00", None),
            ("445740", "0.00", "189.00", "945.00"), ("445712", "0.00", "2.74", "49.70")]
        transfers = []
        for amount in ("400.00", "400.00", "386.44"):
            paid = pay(acme_admin, customer, (last, D(amount)))
            bank, transfer = JournalEntry.objects.filter(payment=paid).order_by("pk")
            assert entry_lines(bank) == [("512100", amount, "0.00", None), ("411100", "0.00", amount, None)]
            transfers.append(entry_lines(transfer))
        # each payment moves what should be due so far less what was: 189 × 400 / 1 186.44 = 63.72…
        assert transfers == [
            [("445740", "63.72", "0.00", "-318.60"), ("445711", "0.00", "63.72", "318.60")],
            [("445740", "63.72", "0.00", "-318.60"), ("445711", "0.00", "63.72", "318.60")],
            [("445740", "61.56", "0.00", "-307.80"), ("445711", "0.00", "61.56", "307.80")]]
        # every invoice settled is lettered with what settled it
        assert all(line.lettering for line in JournalLine.objects.filter(auxiliary__isnull=False))
        today = timezone.localdate()
        found = vat_return(actor=acme_admin, start=today.replace(day=1), end=today)
        assert (found.box("08").base, found.box("08").tax) == (D("1350.00"), D("270.00"))
        assert (found.box("09").base, found.box("09").tax, found.box("09").declared_tax) == (
            D("71.00"), D("3.91"), 4)
        assert found.collected_pending == 0


def test_removing_an_allocation_moves_its_vat_back_and_a_credit_note_on_paid_services_takes_it_off(
        acme, acme_admin, customer):
    with schema_context("acme"):
        document = invoice(acme_admin, customer, [("services", "1", "1000", "20")])  # 1 200, 200 VAT waiting
        first = pay(acme_admin, customer, (document, D("300.00")))
        pay(acme_admin, customer, (document, D("900.00")))
        assert movements(customer["account"], "445740") == 0
        payments.payment_unallocate(actor=acme_admin, allocation=first.allocations.get())
        assert (movements(customer["account"], "445740"), movements(customer["account"], "445711")) == (
            D("50.00"), D("150.00"))
        payments.payment_allocate(actor=acme_admin, payment=first, invoice=document, amount=D("300.00"))
        # paid in full, then half credited: the VAT of the half comes back off the collected VAT
        credit(acme_admin, document, [("services", "1", "500", "20")], customer)
        assert (movements(customer["account"], "445740"), movements(customer["account"], "445711")) == (
            D("0.00"), D("100.00"))
