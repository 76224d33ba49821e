"""Entries posted from sales documents in the same transaction (DOMAIN.md 4.3): an issued invoice or credit note
posts to the sales journal, a payment to the bank journal, and allocating a payment letters the customer lines
it settles. Which accounts: the tenant's posting rules (the most specific one wins)."""

import contextlib
import contextvars
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from saas.access.rights import consequence
from saas.accounting import error_codes
from saas.accounting.models import (
    EntryStatus,
    ItemNature,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
    LedgerAccount,
    PostingRule,
    RuleKind,
)
from saas.accounting.services import (
    ZERO,
    LineSpec,
    auxiliary_for,
    entry_create,
    entry_reverse,
    lines_letter,
    lines_unletter,
)
from saas.core.money import plain_number, round2
from saas.records.enums import RecordSource
from saas.sales import signals
from saas.sales.models import CreditNote, Invoice, InvoiceKind, LineKind, Payment, PaymentAllocation
from saas.sales.services import vat_breakdown
from tenants.language import in_tenant_language

# The bank account a payment being recorded arrived on, when its caller knows it (a bank statement line):
# its ledger account and journal win over the posting rules.
_paid_into: contextvars.ContextVar[tuple[LedgerAccount, Journal | None] | None] = contextvars.ContextVar(
    "paid_into", default=None)


@contextlib.contextmanager
def paid_into(account: LedgerAccount, journal: Journal | None = None):
    """Post the payments recorded inside this block to `account` (in `journal`), e.g. a second bank's 512200."""
    token = _paid_into.set((account, journal))
    try:
        yield
    finally:
        _paid_into.reset(token)


def connect() -> None:
    signals.document_issued.connect(_on_issued, dispatch_uid="accounting.document_issued")
    signals.payment_recorded.connect(_on_payment, dispatch_uid="accounting.payment_recorded")
    signals.allocation_changed.connect(_on_allocation, dispatch_uid="accounting.allocation_changed")


def rule_account(kind: str, *, family_id=None, nature: str = "", vat_rate: Decimal | None = None,
                 payment_method: str = "", rules: list[PostingRule] | None = None) -> LedgerAccount:
    """The account of the most specific rule of `kind` that matches: family, nature, VAT rate, method, or none."""
    rules = rules if rules is not None else list(PostingRule.objects.filter(kind=kind).select_related(
        "ledger_account"))

    def score(rule: PostingRule) -> int | None:
        criteria = ((rule.family_id, family_id, 8), (rule.nature, nature, 4),
                    (rule.vat_rate, vat_rate, 2), (rule.payment_method, payment_method, 1))
        if any(wanted not in (None, "") and wanted != given for wanted, given, _weight in criteria):
            return None
        return sum(weight for wanted, _given, weight in criteria if wanted not in (None, ""))

    matching = [(score(rule), rule) for rule in rules if rule.kind == kind and score(rule) is not None]
    if not matching:
        raise ValidationError(_("No posting rule says where %(kind)s goes: add one in the accounting settings.")
                              % {"kind": RuleKind(kind).label}, code=error_codes.POSTING_RULE_MISSING)
    return max(matching, key=lambda pair: (pair[0], -pair[1].pk))[1].ledger_account


@in_tenant_language  # the labels it stores are the tenant's, whoever issues or pays
def document_entry(*, actor, document: Invoice | CreditNote):
    """The sales-journal entry of an issued invoice or credit note: the customer's total on 411 with its sub-ledger
    account, revenue per account, VAT collected per rate; a credit note mirrors it."""
    rules = list(PostingRule.objects.select_related("ledger_account"))
    auxiliary = auxiliary_for(party=document.account)
    revenue: dict[tuple[LedgerAccount, Decimal], Decimal] = defaultdict(Decimal)
    lines = document.lines.filter(kind=LineKind.ITEM).select_related("product__family", "service__family")
    for line in lines:
        account = _revenue_account(document, line, rules)
        revenue[(account, line.vat_rate)] += line.line_net
    sign = Decimal(-1) if isinstance(document, CreditNote) else Decimal(1)
    label = f"{document.account.name} – {document.number}"
    specs = [LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, due_date=document.due_date,
                      debit=sign * document.total_incl_vat)]
    for (account, rate), amount in sorted(revenue.items(), key=lambda item: (item[0][0].number, -item[0][1])):
        specs.append(LineSpec(account=account, label=f"{account.label} {plain_number(rate)} %", credit=sign * amount))
    pending = services_vat(document)
    for rate, _base, amount in vat_breakdown(document):
        account = rule_account(RuleKind.VAT_COLLECTED, vat_rate=rate, rules=rules)
        due_now = amount - pending.get(rate, ZERO)
        specs.append(LineSpec(account=account, label=_("VAT collected %(rate)s %%") % {"rate": plain_number(rate)},
                              credit=sign * due_now))
        if pending.get(rate):
            specs.append(LineSpec(account=rule_account(RuleKind.VAT_PENDING, rules=rules), credit=sign * pending[rate],
                                  label=_("VAT on services not yet paid %(rate)s %%") % {"rate": plain_number(rate)}))
    link = {"credit_note": document} if isinstance(document, CreditNote) else {"invoice": document}
    link["party"] = document.account
    return entry_create(actor=actor, journal=_journal(JournalKind.SALES), date=document.issue_date, label=label,
                        company=document.company, piece_ref=document.number, lines=specs,
                        source=RecordSource.WORKFLOW, owner_user=document.owner_user, owner_team=document.owner_team,
                        **link)


def services_vat(document: Invoice | CreditNote) -> dict[Decimal, Decimal]:
    """Per rate, the VAT of the document's services, due only when they are paid (CGI 269-2-c) unless the company
    opted for the debits: each rate's VAT shared between goods and services in proportion to their bases."""
    if document.company.vat_on_debits:
        return {}
    bases, services = defaultdict(Decimal), defaultdict(Decimal)
    for line in document.lines.filter(kind=LineKind.ITEM):
        bases[line.vat_rate] += line.line_net
        if not line.product_id:
            services[line.vat_rate] += line.line_net
    return {rate: round2(amount * services[rate] / bases[rate])
            for rate, _base, amount in vat_breakdown(document) if services[rate] and bases[rate]}


@in_tenant_language  # the labels it stores are the tenant's, whoever issues or pays
def vat_on_receipt_transfer(*, actor, invoice: Invoice, payment: Payment):
    """Once (part of) an invoice is paid, the matching share of its services VAT becomes due: moved from 445740 to
    the collected VAT accounts, so that what was paid so far has exactly its share transferred."""
    pending = services_vat(invoice)
    if not pending or invoice.total_incl_vat <= 0:
        return None
    rules = list(PostingRule.objects.select_related("ledger_account"))
    waiting = rule_account(RuleKind.VAT_PENDING, rules=rules)
    per_account: dict[LedgerAccount, Decimal] = defaultdict(Decimal)
    for rate, amount in pending.items():
        per_account[rule_account(RuleKind.VAT_COLLECTED, vat_rate=rate, rules=rules)] += amount
    paid = min(sum((allocation.amount for allocation in invoice.allocations.all()), ZERO), invoice.total_incl_vat)
    transfers = JournalLine.objects.filter(entry__invoice=invoice, entry__journal__kind=JournalKind.MISC,
                                           entry__status=EntryStatus.POSTED)
    specs = []
    for account, amount in sorted(per_account.items(), key=lambda item: item[0].number):
        done = sum((line.credit - line.debit for line in transfers if line.ledger_account_id == account.pk), ZERO)
        due = round2(amount * paid / invoice.total_incl_vat) - done
        if due:
            label = _("VAT on services now due (%(account)s)") % {"account": account.number}
            specs += [LineSpec(account=waiting, label=label, debit=due),
                      LineSpec(account=account, label=label, credit=due)]
    if not specs:
        return None
    return entry_create(actor=actor, journal=_journal(JournalKind.MISC), date=payment.date, company=invoice.company,
                        label=_("VAT on receipt – %(number)s") % {"number": invoice.number}, lines=specs,
                        piece_ref=payment.reference or payment.number, invoice=invoice, payment=payment,
                        party=invoice.account, source=RecordSource.WORKFLOW, owner_user=invoice.owner_user,
                        owner_team=invoice.owner_team)


def payment_entry(*, actor, payment: Payment):
    """The bank-journal entry of a customer payment: the bank (or cash…) debited, the customer credited."""
    rules = list(PostingRule.objects.filter(kind=RuleKind.PAYMENT).select_related("ledger_account", "journal"))
    auxiliary = auxiliary_for(party=payment.account)
    bank = rule_account(RuleKind.PAYMENT, payment_method=payment.method, rules=rules)
    journal = next((rule.journal for rule in rules if rule.ledger_account_id == bank.pk and rule.journal), None)
    if (known := _paid_into.get()) is not None:
        bank, journal = known[0], known[1] or journal
    label = f"{payment.account.name} – {payment.number}"
    return entry_create(
        actor=actor, journal=journal or _journal(JournalKind.BANK), date=payment.date, label=label,
        company=payment.company, piece_ref=payment.reference or payment.number, payment=payment, party=payment.account,
        source=RecordSource.WORKFLOW, owner_user=payment.owner_user, owner_team=payment.owner_team,
        lines=[LineSpec(account=bank, label=label, debit=payment.amount),
               LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, credit=payment.amount)])


def settlement_letter(*, actor, invoice: Invoice) -> str | None:
    """Letter the customer lines that settle each other: the invoice, its credit notes, the payments allocated
    to it, and every other invoice those payments settle — once the whole set balances."""
    invoices, payments, pending = set(), set(), [invoice.pk]
    while pending:
        current = pending.pop()
        if current in invoices:
            continue
        invoices.add(current)
        for payment_id in PaymentAllocation.objects.filter(invoice_id=current).values_list("payment_id", flat=True):
            if payment_id not in payments:
                payments.add(payment_id)
                pending.extend(PaymentAllocation.objects.filter(payment_id=payment_id).values_list(
                    "invoice_id", flat=True))
    lines = list(JournalLine.objects.filter(
        entry__status=EntryStatus.POSTED, auxiliary__isnull=False, lettering="",
        entry__in=_entries(invoices, payments)).select_related("entry"))
    if len(lines) < 2 or sum(line.debit for line in lines) != sum(line.credit for line in lines):
        return None
    return lines_letter(actor=actor, lines=lines)


def _entries(invoices: set[int], payments: set[int]):
    return JournalEntry.objects.filter(reversal_of__isnull=True, reversed_by__isnull=True).filter(
        Q(invoice_id__in=invoices) | Q(credit_note__invoice_id__in=invoices) | Q(payment_id__in=payments))


def _revenue_account(document, line, rules: list[PostingRule]) -> LedgerAccount:
    deducted = getattr(line, "deposit_invoice_id", None)  # a final invoice's negative line: back off 4191
    if deducted or (isinstance(document, Invoice) and document.kind == InvoiceKind.DEPOSIT):
        return rule_account(RuleKind.DEPOSIT, vat_rate=line.vat_rate, rules=rules)
    item = line.product or line.service
    nature = ItemNature.GOODS if line.product_id else ItemNature.SERVICES
    return rule_account(RuleKind.REVENUE, family_id=item.family_id if item else None, nature=nature,
                        vat_rate=line.vat_rate, rules=rules)


def _journal(kind: str) -> Journal:
    return Journal.objects.filter(kind=kind).order_by("code").first()


# Posting follows from an operation the actor was allowed (issuing, recording a payment): the entries are the
# system's consequence of it, not checked against the actor's accounting rights (saas.access.rights).
@consequence()
def _on_issued(sender, actor, document, **kwargs) -> None:
    document_entry(actor=actor, document=document)


@consequence()
def _on_payment(sender, actor, payment, **kwargs) -> None:
    payment_entry(actor=actor, payment=payment)


@consequence()
def _on_allocation(sender, actor, allocation, created, **kwargs) -> None:
    if created:
        vat_on_receipt_transfer(actor=actor, invoice=allocation.invoice, payment=allocation.payment)
        settlement_letter(actor=actor, invoice=allocation.invoice)
        return
    lettered = JournalLine.objects.filter(
        auxiliary__isnull=False, entry__invoice_id=allocation.invoice_id).exclude(lettering="").first()
    if lettered is not None:
        lines_unletter(actor=actor, line=lettered)
    for transfer in JournalEntry.objects.filter(invoice_id=allocation.invoice_id, payment_id=allocation.payment_id,
                                                journal__kind=JournalKind.MISC, reversal_of__isnull=True,
                                                reversed_by__isnull=True, status=EntryStatus.POSTED):
        entry_reverse(actor=actor, entry=transfer, date=allocation.payment.date)
