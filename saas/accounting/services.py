"""Entries: balanced by construction, posted with a gapless number per fiscal year, never changed once posted
(reversal only), never in a closed year (DOMAIN.md 4.1, 4.5); lettering of third-party lines (4.4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas.accounting import error_codes
from saas.accounting.models import (
    AccountKind,
    AuxiliaryAccount,
    AuxiliaryKind,
    EntryStatus,
    EntryTemplate,
    FiscalYear,
    ItemNature,
    Journal,
    JournalEntry,
    JournalKind,
    JournalLine,
    LedgerAccount,
    PostingRule,
    RuleKind,
)
from saas.accounting.reports import PROFIT_AND_LOSS, opening_at, posted_lines
from saas.companies.selectors import company_default
from saas.records.enums import RecordSource
from saas.records.services.pipelines import record_transition, verb_state_check
from saas.records.services.records import record_create
from tenants.language import tenant_language

if TYPE_CHECKING:
    from saas.companies.models import Company

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineSpec:
    account: LedgerAccount
    label: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    auxiliary: AuxiliaryAccount | None = None
    due_date: dt.date | None = None
    invoice: object | None = None  # a customer line's invoice (lettering)
    vat_base: Decimal | None = None  # a VAT line's base, signed like credit − debit


def entry_create(*, actor, journal: Journal, date: dt.date, label: str, lines: list[LineSpec],
                 company: Company | None = None, piece_ref: str = "", post: bool = True,
                 source: str = RecordSource.MANUAL, owner_user=None, owner_team=None, **links) -> JournalEntry:
    """An entry from its lines — refused unless balanced, in an open fiscal year, on active accounts — posted at
    once unless `post=False` (a draft, brouillard). `links`: invoice, credit_note or payment it comes from."""
    company = company or company_default()
    lines = [line for line in _netted(lines) if line.debit or line.credit]
    _lines_check(lines)
    fiscal_year = fiscal_year_for(company=company, date=date)
    entry = record_create(actor=actor, model=JournalEntry, source=source, owner_user=owner_user,
                          owner_team=owner_team, fields={
                              "company": company, "journal": journal, "fiscal_year": fiscal_year, "date": date,
                              "label": (label or "")[:200], "piece_ref": piece_ref or "", **links})
    JournalLine.objects.bulk_create(
        JournalLine(entry=entry, ref_id=entry.ref_id, position=position, ledger_account=line.account,
                    auxiliary=line.auxiliary, label=(line.label or label)[:200], debit=line.debit,
                    credit=line.credit, due_date=line.due_date, invoice=line.invoice, vat_base=line.vat_base)
        for position, line in enumerate(lines, start=1))
    return entry_post(actor=actor, entry=entry) if post else entry


def entry_post(*, actor, entry: JournalEntry) -> JournalEntry:
    """Validate a draft: its definitive number from the fiscal year's gapless counter, then frozen."""
    verb_state_check(entry, "post", _("This entry is already posted."), code=error_codes.POSTED)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=entry.fiscal_year_id)
    entry_postable_check(entry, fiscal_year)
    fiscal_year.last_number += 1
    fiscal_year.save(update_fields=["last_number"])
    return record_transition(actor=actor, record=entry, to=EntryStatus.POSTED, verb="post", extra_fields={
        "posted_at": timezone.now(), "number": f"{fiscal_year.name}-{fiscal_year.last_number:06d}"})


def entry_postable_check(entry: JournalEntry, fiscal_year: FiscalYear | None = None) -> None:
    """What posting a draft needs: balanced lines on active accounts, in an open fiscal year."""
    _lines_check([LineSpec(account=line.ledger_account, label=line.label, debit=line.debit, credit=line.credit)
                  for line in entry.lines.select_related("ledger_account")])
    _open_check(fiscal_year or entry.fiscal_year)


def entry_reverse(*, actor, entry: JournalEntry, date: dt.date | None = None, label: str = "") -> JournalEntry:
    """Cancel a posted entry the lawful way: a posted entry with every debit and credit swapped."""
    verb_state_check(entry, "reverse", _("Only a posted entry is reversed; a draft can simply be changed."),
                     code=error_codes.NOT_POSTED)
    entry_unreversed_check(entry)
    lines = [LineSpec(account=line.ledger_account, auxiliary=line.auxiliary, label=line.label, debit=line.credit,
                      credit=line.debit, invoice=line.invoice,
                      vat_base=None if line.vat_base is None else -line.vat_base)
             for line in entry.lines.select_related("ledger_account", "auxiliary", "invoice")]
    links = {name: getattr(entry, name) for name in ("party", "invoice", "credit_note", "payment")}
    if not label:
        with translation.override(tenant_language()):  # a stored label: the tenant's language
            label = _("Reversal of %(number)s") % {"number": entry.number}
    return entry_create(actor=actor, journal=entry.journal, date=date or timezone.localdate(), company=entry.company,
                        label=label,
                        piece_ref=entry.piece_ref, lines=lines, reversal_of=entry, **links)


def entry_unreversed_check(entry: JournalEntry) -> None:
    """What reversing a posted entry needs: no reversal of it already."""
    if JournalEntry.objects.filter(reversal_of=entry).exists():
        raise ValidationError(_("This entry is already reversed."), code=error_codes.ALREADY_REVERSED)


def fiscal_year_for(*, company: Company, date: dt.date) -> FiscalYear:
    """The company's fiscal year holding `date`; a calendar year is opened when none does (and none overlaps)."""
    fiscal_year = FiscalYear.objects.filter(company=company, start__lte=date, end__gte=date).first()
    if fiscal_year is None:
        start, end = dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
        if FiscalYear.objects.filter(company=company, start__lte=end, end__gte=start).exists():
            raise ValidationError({"date": ValidationError(_("No fiscal year holds %(date)s.") % {
                "date": date.isoformat()}, code=error_codes.NO_FISCAL_YEAR)})
        fiscal_year = FiscalYear.objects.create(company=company, name=str(date.year), start=start, end=end)
    _open_check(fiscal_year)
    return fiscal_year


def fiscal_year_create(*, actor, company: Company, name: str, start: dt.date, end: dt.date) -> FiscalYear:
    errors = {}
    if end <= start:
        errors["end"] = ValidationError(_("A fiscal year ends after it starts."), code=error_codes.PERIOD)
    elif (end - start).days > 731:
        errors["end"] = ValidationError(_("A fiscal year lasts 24 months at most."), code=error_codes.PERIOD)
    elif FiscalYear.objects.filter(company=company, start__lte=end, end__gte=start).exists():
        errors["start"] = ValidationError(_("It overlaps another fiscal year."), code=error_codes.PERIOD)
    if FiscalYear.objects.filter(company=company, name=name).exists():
        errors["name"] = ValidationError(_("A fiscal year already has this name."), code=error_codes.PERIOD)
    if errors:
        raise ValidationError(errors)
    return FiscalYear.objects.create(company=company, name=name.strip(), start=start, end=end)


def fiscal_year_close(*, actor, fiscal_year: FiscalYear) -> FiscalYear:
    """Close a year: no draft left in it; from then on nothing is posted with a date inside it."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    _open_check(fiscal_year)
    drafts = fiscal_year.entries.filter(status=EntryStatus.DRAFT, deleted_at__isnull=True).count()
    if drafts:
        raise ValidationError(_("%(count)s draft entries are left in this year: post or delete them.")
                              % {"count": drafts}, code=error_codes.DRAFTS_LEFT)
    fiscal_year.closed_at = timezone.now()
    fiscal_year.save(update_fields=["closed_at"])
    return fiscal_year


def fiscal_year_carry_forward(*, actor, fiscal_year: FiscalYear) -> JournalEntry:
    """The opening entry (à-nouveaux, journal AN) of the year after a closed one, dated its first day: the closing
    balance of every balance-sheet account (classes 1 to 5) per third party, the year's result on 120000 (profit)
    or 129000 (loss) and, when the closed year had no opening entry of its own, the earlier years' unallocated
    result on 110000 or 119000 (DOMAIN.md 4.5). Once per year; reversing it allows a new one."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.closed_at is None:
        raise ValidationError(_("Close the fiscal year %(name)s before carrying its balances forward.")
                              % {"name": fiscal_year.name}, code=error_codes.YEAR_OPEN)
    journal = Journal.objects.filter(kind=JournalKind.OPENING).order_by("pk").first()
    if journal is None:
        raise ValidationError(_("No journal of opening balances (AN): add one first."),
                              code=error_codes.JOURNAL_CODE)
    company, first_day = fiscal_year.company, fiscal_year.end + dt.timedelta(days=1)
    next_year = fiscal_year_for(company=company, date=first_day)
    if JournalEntry.objects.filter(fiscal_year=next_year, journal__kind=JournalKind.OPENING, deleted_at__isnull=True,
                                   reversal_of__isnull=True, reversed_by__isnull=True).exists():
        raise ValidationError(_("The fiscal year %(name)s already has its opening entry.") % {"name": next_year.name},
                              code=error_codes.ALREADY_CARRIED)
    window = opening_at(company, fiscal_year.start)
    lines = posted_lines(company).filter(entry__date__lte=fiscal_year.end)
    balances = (lines.filter(window.before(first_day) & ~PROFIT_AND_LOSS)
                .values("ledger_account", "auxiliary").annotate(balance=Sum(F("debit") - F("credit")))
                .exclude(balance=0).order_by("ledger_account__number", "auxiliary__code"))
    accounts = LedgerAccount.objects.in_bulk({row["ledger_account"] for row in balances} |
                                             set(LedgerAccount.objects.filter(
                                                 number__in=["110000", "119000", "120000", "129000"])
                                                 .values_list("pk", flat=True)))
    by_number = {account.number: account for account in accounts.values()}
    auxiliaries = AuxiliaryAccount.objects.in_bulk({row["auxiliary"] for row in balances} - {None})
    with translation.override(tenant_language()):  # a stored label: the tenant's language
        label = _("Opening balances from %(name)s") % {"name": fiscal_year.name}
    specs = [LineSpec(account=accounts[row["ledger_account"]], auxiliary=auxiliaries.get(row["auxiliary"]),
                      label=label, debit=row["balance"]) for row in balances]
    year_result = -(lines.filter(PROFIT_AND_LOSS, entry__date__gte=fiscal_year.start)
                    .aggregate(total=Sum(F("debit") - F("credit"), default=ZERO))["total"])
    for result, (profit, loss) in ((year_result, ("120000", "129000")),
                                   (window.prior_result(company), ("110000", "119000"))):
        if result:
            specs.append(LineSpec(account=by_number[profit if result > 0 else loss], label=label, credit=result))
    if not specs:
        raise ValidationError(_("The fiscal year %(name)s has no balance to carry forward.")
                              % {"name": fiscal_year.name}, code=error_codes.NOTHING_TO_CARRY)
    return entry_create(actor=actor, journal=journal, date=first_day, label=label, lines=specs, company=company)


def auxiliary_for(*, party, kind: str = AuxiliaryKind.CUSTOMER) -> AuxiliaryAccount:
    """The third party's sub-ledger account (CLI00012 on 411100, FOU00007 on 401100), made on first use."""
    auxiliary = AuxiliaryAccount.objects.filter(party=party, kind=kind).first()
    if auxiliary is None:
        prefix, collective = ("CLI", "411100") if kind == AuxiliaryKind.CUSTOMER else ("FOU", "401100")
        auxiliary = AuxiliaryAccount.objects.create(
            code=f"{prefix}{party.pk:05d}", label=party.name[:200], kind=kind, party=party,
            collective=LedgerAccount.objects.get(number=collective))
    return auxiliary


def lines_letter(*, actor, lines: list[JournalLine], on: dt.date | None = None) -> str:
    """Match posted lines of one reconcilable account and third party whose debits equal their credits: they get
    the next letter code of that account (A, B, … Z, AA, AB…)."""
    lines = list(JournalLine.objects.select_for_update().filter(pk__in=[line.pk for line in lines]).select_related(
        "entry", "ledger_account"))
    errors = []
    if len(lines) < 2:
        errors.append(ValidationError(_("Letter two lines at least."), code=error_codes.LETTERING))
    elif len({(line.ledger_account_id, line.auxiliary_id) for line in lines}) > 1:
        errors.append(ValidationError(_("Lettered lines share one account and third party."),
                                      code=error_codes.LETTERING))
    elif not lines[0].ledger_account.reconcilable:
        errors.append(ValidationError(_("This account is not reconcilable."), code=error_codes.LETTERING))
    elif any(line.lettering for line in lines) or any(line.entry.status != EntryStatus.POSTED for line in lines):
        errors.append(ValidationError(_("Only posted, unlettered lines can be lettered."), code=error_codes.LETTERING))
    elif sum(line.debit for line in lines) != sum(line.credit for line in lines):
        errors.append(ValidationError(_("Lettered lines balance: debits equal credits."),
                                      code=error_codes.LETTERING_UNBALANCED))
    if errors:
        raise ValidationError(errors)
    first = lines[0]
    used = JournalLine.objects.filter(ledger_account_id=first.ledger_account_id, auxiliary_id=first.auxiliary_id
                                      ).exclude(lettering="").values("lettering").distinct().count()
    code = _letters(used)
    while JournalLine.objects.filter(ledger_account_id=first.ledger_account_id, auxiliary_id=first.auxiliary_id,
                                     lettering=code).exists():
        used += 1
        code = _letters(used)
    on = on or max(line.entry.date for line in lines)
    JournalLine.objects.filter(pk__in=[line.pk for line in lines]).update(lettering=code, lettered_on=on)
    return code


def lines_unletter(*, actor, line: JournalLine) -> int:
    """Undo a lettering (it is not an entry: allowed, and kept in the entries' history)."""
    if not line.lettering:
        raise ValidationError(_("This line is not lettered."), code=error_codes.LETTERING)
    return JournalLine.objects.filter(ledger_account_id=line.ledger_account_id, auxiliary_id=line.auxiliary_id,
                                      lettering=line.lettering).update(lettering="", lettered_on=None)


def _letters(index: int) -> str:
    code = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        code = chr(65 + rest) + code
    return code


def _netted(lines: list[LineSpec]) -> list[LineSpec]:
    """A negative amount on one side is a positive amount on the other (a deducted deposit credits nothing)."""
    netted = []
    for line in lines:
        debit, credit = line.debit - line.credit, ZERO
        if debit < 0:
            debit, credit = ZERO, -debit
        netted.append(LineSpec(account=line.account, label=line.label, debit=debit, credit=credit,
                               auxiliary=line.auxiliary, due_date=line.due_date, invoice=line.invoice,
                               vat_base=line.vat_base))
    return netted


def _lines_check(lines: list[LineSpec]) -> None:
    errors = []
    if len(lines) < 2:
        errors.append(ValidationError(_("An entry has two lines at least."), code=error_codes.UNBALANCED))
    debit, credit = sum((line.debit for line in lines), ZERO), sum((line.credit for line in lines), ZERO)
    if debit != credit:
        errors.append(ValidationError(_("The entry is not balanced: %(debit)s debit, %(credit)s credit.")
                                      % {"debit": debit, "credit": credit}, code=error_codes.UNBALANCED))
    if any(not line.account.active for line in lines):
        errors.append(ValidationError(_("An account of the entry is inactive."), code=error_codes.INACTIVE_ACCOUNT))
    if any(line.debit < 0 or line.credit < 0 or line.debit.as_tuple().exponent < -2 for line in lines):
        errors.append(ValidationError(_("Amounts have two decimals."), code=error_codes.UNBALANCED))
    if errors:
        raise ValidationError(errors)


def _open_check(fiscal_year: FiscalYear) -> None:
    if fiscal_year.closed_at is not None:
        raise ValidationError(_("The fiscal year %(name)s is closed.") % {"name": fiscal_year.name},
                              code=error_codes.PERIOD_CLOSED)



def template_save(*, actor, name: str, journal: Journal, label: str, lines: list[dict]) -> EntryTemplate:
    """Save a manual-entry template: lines `{account, side, percent, label}` whose percents make 100 per side."""
    errors = []
    numbers = {line.get("account") for line in lines}
    known = set(LedgerAccount.objects.filter(number__in=numbers, active=True).values_list("number", flat=True))
    if numbers - known:
        errors.append(ValidationError(_("Unknown accounts: %(numbers)s.") % {
            "numbers": ", ".join(sorted(str(number) for number in numbers - known))}, code=error_codes.NOT_FOUND))
    for side in ("debit", "credit"):
        shares = [Decimal(str(line.get("percent", "0"))) for line in lines if line.get("side") == side]
        if sum(shares, ZERO) != Decimal("100") or any(share <= 0 for share in shares):
            errors.append(ValidationError(_("The %(side)s lines share 100 %%.") % {"side": side},
                                          code=error_codes.UNBALANCED))
    if errors:
        raise ValidationError(errors)
    template, _created = EntryTemplate.objects.update_or_create(name=name.strip(), defaults={
        "journal": journal, "label": label, "lines": [
            {"account": line["account"], "side": line["side"], "percent": str(line["percent"]),
             "label": line.get("label", "")} for line in lines]})
    return template


def entry_from_template(*, actor, template: EntryTemplate, amount: Decimal, date: dt.date,
                        label: str = "", post: bool = True) -> JournalEntry:
    """An entry of `amount` split as the template says; each side's last line takes the rounding remainder."""
    if amount is None or amount <= 0:
        raise ValidationError({"amount": ValidationError(_("A positive amount."), code=error_codes.UNBALANCED)})
    accounts = {account.number: account for account in LedgerAccount.objects.filter(
        number__in=[line["account"] for line in template.lines])}
    specs = []
    for side in ("debit", "credit"):
        lines = [line for line in template.lines if line["side"] == side]
        left = amount
        for index, line in enumerate(lines):
            share = left if index == len(lines) - 1 else (amount * Decimal(line["percent"]) / 100).quantize(
                Decimal("0.01"))
            left -= share
            specs.append(LineSpec(account=accounts[line["account"]], label=line["label"] or template.label,
                                  **{side: share}))
    return entry_create(actor=actor, journal=template.journal, date=date, label=label or template.label,
                        lines=specs, post=post)


def posting_rule_set(*, actor, kind: str, account: LedgerAccount, family=None, nature: str = "",
                     vat_rate: Decimal | None = None, payment_method: str = "",
                     journal: Journal | None = None) -> PostingRule:
    """Point the documents matching these criteria to `account` (a tenant's accounting strategy)."""
    if kind not in RuleKind.values:
        raise ValidationError({"kind": ValidationError(_("Unknown kind of rule."), code=error_codes.NOT_FOUND)})
    if nature and nature not in ItemNature.values:
        raise ValidationError({"nature": ValidationError(_("Unknown nature."), code=error_codes.NOT_FOUND)})
    rule, _created = PostingRule.objects.update_or_create(
        kind=kind, family=family, nature=nature or "", vat_rate=vat_rate, payment_method=payment_method or "",
        defaults={"ledger_account": account, "journal": journal})
    return rule


def ledger_account_save(*, actor, number: str, label: str, reconcilable: bool | None = None,
                        active: bool | None = None) -> LedgerAccount:
    """Add an account to the chart (its class from its first digit) or change its label and flags. A number is
    never changed: entries and the FEC refer to it."""
    number, label = (number or "").strip(), (label or "").strip()
    errors = {}
    if not (number.isdigit() and 3 <= len(number) <= 20 and number[0] in ACCOUNT_CLASSES):
        errors["number"] = ValidationError(_("An account number is 3 to 20 digits, from class 1 to 7."),
                                           code=error_codes.ACCOUNT_NUMBER)
    if not label:
        errors["label"] = ValidationError(_("An account needs a label."), code=error_codes.ACCOUNT_NUMBER)
    if errors:
        raise ValidationError(errors)
    account = LedgerAccount.objects.filter(number=number).first() or LedgerAccount(
        number=number, kind=ACCOUNT_CLASSES[number[0]], reconcilable=number.startswith(("40", "41")))
    account.label = label
    if reconcilable is not None:
        account.reconcilable = reconcilable
    if active is not None:
        account.active = active
    account.save()
    return account


def journal_save(*, actor, code: str, label: str, kind: str | None = None,
                 default_account: LedgerAccount | None = None) -> Journal:
    """Add a journal (BQ2 for a second bank…) or rename one; a journal's code and kind never change once used."""
    code, label = (code or "").strip().upper(), (label or "").strip()
    journal = Journal.objects.filter(code=code).first()
    errors = {}
    if not (code.isalnum() and 1 <= len(code) <= 6):
        errors["code"] = ValidationError(_("A journal code is 1 to 6 letters or digits."),
                                         code=error_codes.JOURNAL_CODE)
    if journal is None and kind not in JournalKind.values:
        errors["kind"] = ValidationError(_("Unknown kind of journal."), code=error_codes.JOURNAL_CODE)
    if not label:
        errors["label"] = ValidationError(_("A journal needs a label."), code=error_codes.JOURNAL_CODE)
    if errors:
        raise ValidationError(errors)
    journal = journal or Journal(code=code, kind=kind)
    journal.label = label
    if default_account is not None:
        journal.default_account = default_account
    journal.save()
    return journal


ACCOUNT_CLASSES = {"1": AccountKind.EQUITY, "2": AccountKind.ASSET, "3": AccountKind.STOCK,
                   "4": AccountKind.THIRD_PARTY, "5": AccountKind.FINANCIAL, "6": AccountKind.EXPENSE,
                   "7": AccountKind.INCOME}
