"""Bank reconciliation (rapprochement bancaire, DOMAIN.md 8.4): what a bank line may settle, matching it, and
undoing a match. Every match ends in a posted bank-journal entry; undoing one reverses what the match posted —
a posted entry is never deleted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, Func, Q, Value, When
from django.db.models.functions import Length, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.accounting.posting import paid_into
from saas.accounting.selectors import entry_is_reversed, payment_bank_entry, unlettered_party_lines
from saas.accounting.services import LineSpec, entry_create, entry_reverse, lines_letter
from saas.banking import error_codes
from saas.banking.enums import MatchKind, TransactionStatus
from saas.banking.models import BankTransaction, ThirdPartyBankAccount
from saas.banking.services import iban_clean
from saas.records.enums import RecordSource
from saas.records.services.records import record_delete
from saas.sales import error_codes as sales_error_codes
from saas.sales.enums import PaymentMethod
from saas.sales.payments import amount_due, payment_record, payment_unallocate
from saas.sales.selectors import is_issued, non_cash_payments, open_invoices

if TYPE_CHECKING:
    from saas.accounting.models import JournalEntry, LedgerAccount
    from saas.sales.models import Invoice, Payment

CANDIDATES = 200
WEIGHTS = {"reference": 50, "amount": 40, "iban": 30, "name": 15, "date": 10}


@dataclass(frozen=True)
class Suggestion:
    """A possible match for a bank line, with why: `reasons` among reference, amount, iban, name, date."""

    score: int
    reasons: tuple[str, ...]
    amount: Decimal
    invoice: Invoice | None = None
    payment: Payment | None = None


def compact(text: str) -> str:
    """Letters and digits only, upper case: banks drop or change separators (FA-2026-00042 → FA202600042)."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


class _Compact(Func):
    function = "REGEXP_REPLACE"
    template = "%(function)s(UPPER(%(expressions)s), '[^A-Z0-9]', '', 'g')"
    output_field = CharField()


def suggestions(transaction: BankTransaction, *, limit: int = 10) -> list[Suggestion]:
    """What money received may settle, best first: open invoices of any customer (invoice number written in the
    bank text, amount equal to what is owed, the sender's IBAN or name known for the customer, due date near),
    and recorded payments of the same amount no bank line is matched to yet."""
    if transaction.status != TransactionStatus.UNMATCHED or transaction.amount <= 0:
        return []
    text = compact(f"{transaction.reference} {transaction.end_to_end_id}")
    name = (transaction.counterparty_name or "").upper()
    by_iban = set(ThirdPartyBankAccount.objects.filter(iban=transaction.counterparty_iban).values_list(
        "account_id", flat=True)) if transaction.counterparty_iban else set()
    found = [*_invoice_suggestions(transaction, text, name, by_iban),
             *_payment_suggestions(transaction, text, name, by_iban)]
    found.sort(key=lambda suggestion: (-suggestion.score, suggestion.invoice is None))
    return found[:limit]


def _invoice_suggestions(transaction, text: str, name: str, by_iban: set[int]) -> list[Suggestion]:
    invoices = open_invoices(company_id=transaction.bank_account.company_id).annotate(
        compact_number=_Compact(F("number")), bank_text=Value(text, output_field=CharField()),
        bank_name=Value(name, output_field=CharField()), number_length=Length("number"),
        name_length=Length("account__name"))
    # The database keeps only plausible candidates; they are scored here.
    in_text = Q(bank_text__contains=F("compact_number"), number_length__gte=4) if text else Q(pk__in=[])
    plausible = in_text | Q(open_amount=transaction.amount) | Q(account_id__in=by_iban)
    if name:
        plausible |= Q(bank_name__contains=Upper("account__name"), name_length__gte=3)
    first = Case(When(in_text, then=Value(0)), When(open_amount=transaction.amount, then=Value(1)), default=Value(2))
    candidates = invoices.filter(plausible).select_related("account").order_by(first, "due_date", "id")[:CANDIDATES]
    return [_scored(transaction, text, name, by_iban, open_amount=invoice.open_amount, references=(invoice.number,),
                    party=invoice.account, on=invoice.due_date or invoice.issue_date, invoice=invoice)
            for invoice in candidates]


def _payment_suggestions(transaction, text: str, name: str, by_iban: set[int]) -> list[Suggestion]:
    payments = non_cash_payments(company_id=transaction.bank_account.company_id, amount=transaction.amount).filter(
        bank_transactions__isnull=True)[:CANDIDATES]
    return [_scored(transaction, text, name, by_iban, open_amount=payment.amount,
                    references=(payment.number, payment.reference), party=payment.account, on=payment.date,
                    payment=payment) for payment in payments]


def _scored(transaction, text: str, name: str, by_iban: set[int], *, open_amount: Decimal,
            references: Sequence[str | None], party, on: dt.date | None, invoice=None, payment=None) -> Suggestion:
    points = {}
    if any(len(compact(reference)) >= 4 and compact(reference) in text for reference in references):
        points["reference"] = WEIGHTS["reference"]
    if open_amount == transaction.amount:
        points["amount"] = WEIGHTS["amount"]
    if party.pk in by_iban:
        points["iban"] = WEIGHTS["iban"]
    if len(party.name) >= 3 and party.name.upper() in name:
        points["name"] = WEIGHTS["name"]
    if on is not None:
        # Full points within a week of the due date (or payment date), one less per week further.
        nearness = WEIGHTS["date"] - abs((transaction.date - on).days) // 7
        if nearness > 0:
            points["date"] = nearness
    return Suggestion(score=sum(points.values()), reasons=tuple(points), amount=open_amount, invoice=invoice,
                      payment=payment)


def transaction_match(*, actor, transaction: BankTransaction,
                      invoices: Sequence[Invoice | tuple[Invoice, Decimal | None]] = (),
                      payment: Payment | None = None, ledger_account: LedgerAccount | None = None,
                      label: str = "") -> BankTransaction:
    """Reconcile a bank line with one of: invoices it pays (a transfer payment is recorded, allocated to them —
    each for what it still owes unless told — and posted to the bank journal, which letters the customer lines),
    a payment already recorded (only linked: its entry exists), or a ledger account (bank fees on 627000…, an
    entry is posted in the bank journal)."""
    transaction = BankTransaction.objects.select_for_update(of=("self",)).select_related(
        "bank_account__ledger_account", "bank_account__journal", "bank_account__company").get(pk=transaction.pk)
    if transaction.status == TransactionStatus.MATCHED:
        raise ValidationError(_("This bank line is already matched."), code=error_codes.ALREADY_MATCHED)
    if sum(1 for target in (invoices, payment, ledger_account) if target) != 1:
        raise ValidationError(_("Match a bank line with invoices, a payment or a ledger account: one of them."),
                              code=error_codes.MATCH_TARGET)
    if invoices:
        kind, payment, entry = MatchKind.INVOICES, *_match_invoices(actor, transaction, invoices)
    elif payment:
        kind, entry = MatchKind.PAYMENT, _match_payment(transaction, payment)
    else:
        kind, entry = MatchKind.ACCOUNT, _match_account(actor, transaction, ledger_account, label)
    transaction.status, transaction.match_kind = TransactionStatus.MATCHED, kind
    transaction.payment, transaction.entry = payment, entry
    transaction.matched_at, transaction.matched_by = timezone.now(), actor
    transaction.save(update_fields=["status", "match_kind", "payment", "entry", "matched_at", "matched_by"])
    return transaction


def _match_invoices(actor, transaction: BankTransaction, invoices) -> tuple[Payment, JournalEntry]:
    if transaction.amount <= 0:
        raise ValidationError(_("Money paid out does not settle customer invoices."),
                              code=error_codes.AMOUNT_MISMATCH)
    allocations = []
    for item in invoices:
        invoice, share = item if isinstance(item, tuple) else (item, None)
        if share is None:
            share = amount_due(invoice) if is_issued(invoice) else Decimal("0.00")
            if share <= 0:
                raise ValidationError(_("Invoice %(number)s owes nothing.") % {"number": invoice.number or invoice.pk},
                                      code=sales_error_codes.NOT_PAYABLE)
        allocations.append((invoice, share))
    if len({invoice.account_id for invoice, _share in allocations}) > 1:
        raise ValidationError(_("A transfer pays the invoices of one customer."), code=error_codes.CUSTOMERS_DIFFER)
    allocated = sum((share for _invoice, share in allocations), Decimal("0.00"))
    if allocated > transaction.amount:
        raise ValidationError(_("The invoices take %(allocated)s, more than the %(amount)s received.") % {
            "allocated": allocated, "amount": transaction.amount}, code=error_codes.AMOUNT_MISMATCH)
    bank = transaction.bank_account
    customer = allocations[0][0].account
    with paid_into(bank.ledger_account, bank.journal):  # this bank's 512x and journal, whatever the rules say
        payment = payment_record(
            actor=actor, account=customer, amount=transaction.amount, date=transaction.date,
            method=PaymentMethod.TRANSFER, company=bank.company, allocations=allocations,
            source=RecordSource.WORKFLOW,
            reference=(transaction.bank_reference or transaction.end_to_end_id or transaction.reference)[:120])
    entry = _bank_entry(payment, bank)
    _learn_iban(transaction, customer)
    return payment, entry


def _match_payment(transaction: BankTransaction, payment: Payment) -> JournalEntry:
    if BankTransaction.objects.filter(payment=payment).exists():
        raise ValidationError(_("This payment is already matched with a bank line."),
                              code=error_codes.ALREADY_MATCHED)
    if payment.amount != transaction.amount:
        raise ValidationError(_("The payment is %(payment)s, the bank line %(amount)s.") % {
            "payment": payment.amount, "amount": transaction.amount}, code=error_codes.AMOUNT_MISMATCH)
    entry = _bank_entry(payment, transaction.bank_account)
    if entry is None:
        raise ValidationError(_("This payment was not posted to this bank account."), code=error_codes.MATCH_TARGET)
    return entry


def _match_account(actor, transaction: BankTransaction, ledger_account: LedgerAccount, label: str) -> JournalEntry:
    bank = transaction.bank_account
    if not ledger_account.active or ledger_account.pk == bank.ledger_account_id:
        raise ValidationError({"ledger_account": ValidationError(
            _("Choose another active account than the bank's."), code=error_codes.LEDGER_ACCOUNT_INVALID)})
    label = (label or " ".join(part for part in (transaction.counterparty_name, transaction.reference) if part)
             or transaction.bank_reference or _("Bank transaction"))[:200]
    amount = abs(transaction.amount)
    if transaction.amount < 0:  # money out: the expense (627000…) debited, the bank credited
        debited, credited = ledger_account, bank.ledger_account
    else:
        debited, credited = bank.ledger_account, ledger_account
    lines = [LineSpec(account=debited, label=label, debit=amount), LineSpec(account=credited, label=label,
                                                                            credit=amount)]
    return entry_create(actor=actor, journal=bank.journal, date=transaction.date, label=label, lines=lines,
                        company=bank.company, piece_ref=transaction.bank_reference[:40], source=RecordSource.WORKFLOW)


def transaction_unmatch(*, actor, transaction: BankTransaction) -> BankTransaction:
    """Undo a match. A payment the match recorded loses its allocations (the invoices are open again), its entry
    is reversed and lettered with the reversal, and the payment is deleted (restorable); a payment matched as
    it was stays as it is; an entry posted against an account is reversed."""
    transaction = BankTransaction.objects.select_for_update(of=("self",)).select_related("payment", "entry").get(
        pk=transaction.pk)
    if transaction.status != TransactionStatus.MATCHED:
        raise ValidationError(_("This bank line is not matched."), code=error_codes.NOT_MATCHED)
    kind, payment, entry = transaction.match_kind, transaction.payment, transaction.entry
    transaction.status, transaction.match_kind = TransactionStatus.UNMATCHED, ""
    transaction.payment = transaction.entry = transaction.matched_at = transaction.matched_by = None
    transaction.save(update_fields=["status", "match_kind", "payment", "entry", "matched_at", "matched_by"])
    if kind == MatchKind.INVOICES:
        # Reversed first: the reversal gives each invoice back what the payment's line for it settled, so removing
        # the allocations then has no line left to move (saas.accounting.posting.allocation_post).
        reversal = _reverse(actor, entry)
        for allocation in list(payment.allocations.all()):
            payment_unallocate(actor=actor, allocation=allocation)
        if reversal is not None:
            lines = unlettered_party_lines(entries=[entry, reversal])
            if len(lines) >= 2 and sum(line.debit for line in lines) == sum(line.credit for line in lines):
                lines_letter(actor=actor, lines=lines)  # the payment and its reversal settle each other
        if payment.deleted_at is None:
            record_delete(actor=actor, record=payment)
    elif kind == MatchKind.ACCOUNT:
        _reverse(actor, entry)
    return transaction


def _reverse(actor, entry: JournalEntry) -> JournalEntry | None:
    if entry_is_reversed(entry):
        return None  # reversed by hand meanwhile: nothing left to undo
    # Dated like the entry while its year is open, so the bank balance at that date is right again.
    date = entry.date if entry.fiscal_year.closed_at is None else timezone.localdate()
    return entry_reverse(actor=actor, entry=entry, date=date)


def _bank_entry(payment: Payment, bank) -> JournalEntry | None:
    """The payment's posted entry, when it debits or credits the bank account's ledger account."""
    return payment_bank_entry(payment=payment, ledger_account_id=bank.ledger_account_id)


def _learn_iban(transaction: BankTransaction, customer) -> None:
    """Remember the IBAN a customer paid from: its next transfers are recognised."""
    if not transaction.counterparty_iban:
        return
    try:
        iban = iban_clean(transaction.counterparty_iban)
    except ValidationError:
        return
    ThirdPartyBankAccount.objects.get_or_create(account=customer, iban=iban, defaults={
        "holder_name": (transaction.counterparty_name or customer.name)[:140]})
