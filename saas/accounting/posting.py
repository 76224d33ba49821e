"""Entries posted from sales documents in the same transaction (DOMAIN.md 4.3): an issued invoice or credit note
posts to the sales journal, a payment to the bank journal, and allocating a payment letters the customer lines
it settles. Which accounts: the tenant's posting rules (the most specific one wins).

VAT on receipts (services, and deposits): posted on 445740 at invoicing, moved to the collected VAT accounts as
the invoice is paid (`vat_on_receipt_transfer`). A credit note mirrors its invoice, then whatever its invoice's
payments already made due is moved back. So once a customer's invoices are settled, 445740 holds nothing for
them, and the collected VAT per rate is the VAT invoiced at that rate less the credit notes'. Each VAT line
carries its base, which the VAT return sums."""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access.rights import consequence
from saas.accounting import error_codes
from saas.accounting.models import (
    EntryStatus,
    ItemNature,
    Journal,
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
    lines_letter,
    lines_unletter,
)
from saas.core.money import plain_number, round2
from saas.records.enums import RecordSource
from saas.sales.selectors import invoice_of, is_credit_note, is_deposit_invoice, issued_credit_notes, item_lines
from saas.sales.services import vat_breakdown
from tenants.language import in_tenant_language

if TYPE_CHECKING:
    from saas.sales.models import CreditNote, Invoice, Payment, PaymentAllocation

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
    account, revenue per account, VAT collected per rate — what is due at invoicing on 44571x, what waits for the
    payment on 445740 (`pending_vat`), each VAT line with its base; a credit note mirrors it."""
    rules = list(PostingRule.objects.select_related("ledger_account"))
    auxiliary = auxiliary_for(party=document.account)
    revenue: dict[tuple[LedgerAccount, Decimal], Decimal] = defaultdict(Decimal)
    lines = item_lines(document).select_related("product__family", "service__family")
    for line in lines:
        account = _revenue_account(document, line, rules)
        revenue[(account, line.vat_rate)] += line.line_net
    sign = Decimal(-1) if is_credit_note(document) else Decimal(1)
    label = f"{document.account.name} – {document.number}"
    specs = [LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, due_date=document.due_date,
                      debit=sign * document.total_incl_vat, invoice=invoice_of(document))]
    for (account, rate), amount in sorted(revenue.items(), key=lambda item: (item[0][0].number, -item[0][1])):
        specs.append(LineSpec(account=account, label=f"{account.label} {plain_number(rate)} %", credit=sign * amount))
    pending = pending_vat(document)
    for rate, base, amount in vat_breakdown(document):
        account = rule_account(RuleKind.VAT_COLLECTED, vat_rate=rate, rules=rules)
        pending_base, pending_amount = pending.get(rate, (ZERO, ZERO))
        specs.append(LineSpec(account=account, label=_("VAT collected %(rate)s %%") % {"rate": plain_number(rate)},
                              credit=sign * (amount - pending_amount), vat_base=sign * (base - pending_base)))
        if pending_amount:
            specs.append(LineSpec(account=rule_account(RuleKind.VAT_PENDING, rules=rules), credit=sign * pending_amount,
                                  vat_base=sign * pending_base,
                                  label=_("VAT on services not yet paid %(rate)s %%") % {"rate": plain_number(rate)}))
    link = {"credit_note": document} if is_credit_note(document) else {"invoice": document}
    link["party"] = document.account
    return entry_create(actor=actor, journal=_journal(JournalKind.SALES), date=document.issue_date, label=label,
                        company=document.company, piece_ref=document.number, lines=specs,
                        source=RecordSource.WORKFLOW, owner_user=document.owner_user, owner_team=document.owner_team,
                        **link)


def pending_vat(document: Invoice | CreditNote) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """Per rate, `(base, VAT)` of what is due only when paid, unless the company opted for the debits: a deposit's
    whole VAT (goods and services, CGI 269-2-a and c), otherwise the services' share of each rate (CGI 269-2-c).
    A rate's share is its services' part of its item lines; the lines deducting a deposit (and any negative line
    without an item, such as those lines copied on a credit note) reduce the rate as a whole, so a final invoice
    leaves pending the services VAT net of the deposits it deducts — the deposits' own VAT is due when they are
    paid. A credit note mirrors its invoice the same way."""
    if document.company.vat_on_debits:
        return {}
    breakdown = vat_breakdown(document)
    invoice = invoice_of(document)
    if is_deposit_invoice(invoice):
        return {rate: (base, amount) for rate, base, amount in breakdown if amount}
    items, services = _services_share(item_lines(document))
    pending = {}
    for rate, base, amount in breakdown:
        if not items[rate]:  # only deductions at this rate: shared as the order's items are
            order = _services_share(item_lines(invoice.order)) if invoice.order_id else None
            items[rate], services[rate] = (order[0][rate], order[1][rate]) if order and order[0][rate] else (1, 1)
        if services[rate]:
            share = services[rate] / items[rate]
            pending[rate] = (round2(base * share), round2(amount * share))
    return pending


def _services_share(lines) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    """Per rate, the net of the item lines, and of the services among them (what is not a product)."""
    items, services = defaultdict(Decimal), defaultdict(Decimal)
    for line in lines:
        deduction = getattr(line, "deposit_invoice_id", None) or (
            line.line_net < 0 and not line.product_id and not line.service_id)
        if not deduction:
            items[line.vat_rate] += line.line_net
            if not line.product_id:
                services[line.vat_rate] += line.line_net
    return items, services


@in_tenant_language  # the labels it stores are the tenant's, whoever issues or pays
def vat_on_receipt_transfer(*, actor, invoice: Invoice, date, payment: Payment | None = None,
                            without: PaymentAllocation | None = None):
    """Move to the collected VAT accounts the share of an invoice's pending VAT that its payments made due.

    What waits is the pending VAT of the invoice less its credit notes' (each credit note takes off 445740 its
    mirror of the invoice's pending VAT); it becomes due in proportion of what was paid of the amount owed (the
    total less the credit notes; a final invoice's total is already net of the deposits it deducts). Computed as
    what should be transferred so far less what was, base and VAT, so rounding never accumulates, a removed
    allocation (`without`) moves VAT back, and a credit note on a VAT already due takes it off the collected VAT
    (the invoice's payments now cover more than it owes). Once paid in full, 445740 holds nothing for it."""
    rules = list(PostingRule.objects.select_related("ledger_account"))
    credit_notes = issued_credit_notes(invoice)
    waiting: dict[LedgerAccount, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for document, sign in [(invoice, 1), *((credit_note, -1) for credit_note in credit_notes)]:
        for rate, (base, amount) in pending_vat(document).items():
            account = rule_account(RuleKind.VAT_COLLECTED, vat_rate=rate, rules=rules)
            waiting[account][0] += sign * base
            waiting[account][1] += sign * amount
    if not waiting:
        return None
    owed = invoice.total_incl_vat - sum((credit_note.total_incl_vat for credit_note in credit_notes), ZERO)
    paid = sum((allocation.amount for allocation in invoice.allocations.all()
                if without is None or allocation.pk != without.pk), ZERO)
    share = Decimal(1) if owed <= 0 or paid >= owed else paid / owed
    moved = JournalLine.objects.filter(
        entry__invoice=invoice, entry__journal__kind=JournalKind.MISC, entry__status=EntryStatus.POSTED,
        ledger_account__in=list(waiting)).values("ledger_account").annotate(
        amount=Sum(F("credit") - F("debit")), base=Sum("vat_base"))
    done = {row["ledger_account"]: (row["base"] or ZERO, row["amount"]) for row in moved}
    pending_account = rule_account(RuleKind.VAT_PENDING, rules=rules)
    specs = []
    for account, (base, amount) in sorted(waiting.items(), key=lambda item: item[0].number):
        done_base, done_amount = done.get(account.pk, (ZERO, ZERO))
        due, due_base = round2(amount * share) - done_amount, round2(base * share) - done_base
        if due:
            label = _("VAT on services now due (%(account)s)") % {"account": account.number}
            specs += [LineSpec(account=pending_account, label=label, debit=due, vat_base=-due_base),
                      LineSpec(account=account, label=label, credit=due, vat_base=due_base)]
    if not specs:
        return None
    return entry_create(actor=actor, journal=_journal(JournalKind.MISC), date=date, company=invoice.company,
                        label=_("VAT on receipt – %(number)s") % {"number": invoice.number}, lines=specs,
                        piece_ref=(payment.reference or payment.number) if payment else invoice.number,
                        invoice=invoice, payment=payment, party=invoice.account, source=RecordSource.WORKFLOW,
                        owner_user=invoice.owner_user, owner_team=invoice.owner_team)


@in_tenant_language  # the labels it stores are the tenant's, whoever issues or pays
def payment_entry(*, actor, payment: Payment):
    """The bank-journal entry of a customer payment: the bank (or cash…) debited, the customer credited — one line
    per invoice the payment settles (each lettered with its invoice once that balances, DOMAIN.md 4.4), and one
    for what is left unallocated (the customer's credit)."""
    rules = list(PostingRule.objects.filter(kind=RuleKind.PAYMENT).select_related("ledger_account", "journal"))
    auxiliary = auxiliary_for(party=payment.account)
    bank = rule_account(RuleKind.PAYMENT, payment_method=payment.method, rules=rules)
    journal = next((rule.journal for rule in rules if rule.ledger_account_id == bank.pk and rule.journal), None)
    if (known := _paid_into.get()) is not None:
        bank, journal = known[0], known[1] or journal
    label = f"{payment.account.name} – {payment.number}"
    lines = [LineSpec(account=bank, label=label, debit=payment.amount)]
    allocations = list(payment.allocations.select_related("invoice").order_by("pk"))
    for allocation in allocations:
        lines.append(LineSpec(account=auxiliary.collective, auxiliary=auxiliary, credit=allocation.amount,
                              label=f"{label} – {allocation.invoice.number}", invoice=allocation.invoice))
    rest = payment.amount - sum((allocation.amount for allocation in allocations), ZERO)
    if rest:
        lines.append(LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, credit=rest))
    return entry_create(
        actor=actor, journal=journal or _journal(JournalKind.BANK), date=payment.date, label=label,
        company=payment.company, piece_ref=payment.reference or payment.number, payment=payment, party=payment.account,
        source=RecordSource.WORKFLOW, owner_user=payment.owner_user, owner_team=payment.owner_team, lines=lines)


@in_tenant_language  # the labels it stores are the tenant's, whoever issues or pays
def allocation_post(*, actor, payment: Payment, invoice: Invoice, without: PaymentAllocation | None = None):
    """Keep the payment's customer lines in step with its allocations: when an allocation is made after the payment
    was posted, or removed, an entry moves the amount between the payment's unallocated line and the invoice's
    (both on 411: the balance does not change, only what each line settles)."""
    target = sum((allocation.amount for allocation in payment.allocations.filter(invoice=invoice)
                  if without is None or allocation.pk != without.pk), ZERO)
    lines = JournalLine.objects.filter(entry__payment=payment, entry__status=EntryStatus.POSTED, invoice=invoice,
                                       auxiliary__isnull=False)
    posted = lines.aggregate(total=Sum(F("credit") - F("debit"), default=ZERO))["total"]
    if target == posted:
        return None
    auxiliary = auxiliary_for(party=payment.account)
    moved = target - posted
    label = _("Payment %(payment)s allocated to %(invoice)s") % {"payment": payment.number,
                                                                  "invoice": invoice.number}
    return entry_create(
        actor=actor, journal=_journal(JournalKind.MISC), date=timezone.localdate(), label=label,
        company=payment.company, piece_ref=payment.reference or payment.number, payment=payment, invoice=invoice,
        party=payment.account, source=RecordSource.WORKFLOW, owner_user=payment.owner_user,
        owner_team=payment.owner_team,
        lines=[LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, debit=moved),
               LineSpec(account=auxiliary.collective, auxiliary=auxiliary, label=label, credit=moved,
                        invoice=invoice)])


def invoice_letter(*, actor, invoice: Invoice) -> str | None:
    """Letter an invoice's customer lines — its own, its credit notes', the payments' shares allocated to it — once
    their debits equal their credits: each invoice settled in full is lettered, whatever else its payments pay."""
    return _letter(actor, JournalLine.objects.filter(invoice=invoice))


def unallocated_letter(*, actor, payment: Payment) -> str | None:
    """Letter what a payment left unallocated with the moves that allocated it since, once all of it is."""
    return _letter(actor, JournalLine.objects.filter(invoice__isnull=True, entry__payment=payment))


def _letter(actor, lines) -> str | None:
    lines = list(lines.filter(entry__status=EntryStatus.POSTED, auxiliary__isnull=False, lettering=""))
    if len(lines) < 2 or sum(line.debit for line in lines) != sum(line.credit for line in lines):
        return None
    return lines_letter(actor=actor, lines=lines)


def _revenue_account(document, line, rules: list[PostingRule]) -> LedgerAccount:
    deducted = getattr(line, "deposit_invoice_id", None)  # a final invoice's negative line: back off 4191
    if deducted or is_deposit_invoice(document):
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
def on_document_issued(*, actor, document) -> None:
    document_entry(actor=actor, document=document)
    invoice = invoice_of(document)
    vat_on_receipt_transfer(actor=actor, invoice=invoice, date=document.issue_date)
    invoice_letter(actor=actor, invoice=invoice)


@consequence()
def on_payment_recorded(*, actor, payment) -> None:
    payment_entry(actor=actor, payment=payment)


@consequence()
def on_allocation_changed(*, actor, allocation, created: bool) -> None:
    payment, invoice = allocation.payment, allocation.invoice
    without = None if created else allocation
    if not created:
        for code in set(JournalLine.objects.filter(invoice=invoice, auxiliary__isnull=False).exclude(
                lettering="").values_list("lettering", flat=True)):
            lines_unletter(actor=actor, line=JournalLine.objects.filter(
                invoice=invoice, auxiliary__isnull=False, lettering=code).first())
    allocation_post(actor=actor, payment=payment, invoice=invoice, without=without)
    vat_on_receipt_transfer(actor=actor, invoice=invoice, date=payment.date, payment=payment, without=without)
    invoice_letter(actor=actor, invoice=invoice)
    unallocated_letter(actor=actor, payment=payment)
