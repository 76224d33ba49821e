"""The VAT return (CA3, form 3310-CA3-SD) of a period, read from the books (DOMAIN.md section 6).

Collected VAT is what the collected-VAT accounts (44571x, one per rate) moved in the period: goods VAT is posted
there at invoicing, services and deposits VAT waits on 445740 and moves there when paid (CGI 269-2-a, c), so the
movements are exactly what became due. Each rate's base is the base those movements were posted with: the
goods' base at invoicing, the services' base moved in the same share as their VAT when paid, credit notes
negative (saas.accounting.posting); only a movement posted without one falls back to the base of its document
in proportion of its VAT, or (a manual entry) its VAT divided by the rate. Deductible VAT is the movements of
44566 (box 20) and 44562 (box 19). The settlement entries (those moving 44551 VAT to pay or 44567 VAT credit) are
left out, so a return still reads the same once settled. Boxes are declared in whole euros, rounded half up; the
cents are kept beside."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas.accounting import error_codes
from saas.accounting.reports import ZERO, default_company, posted_lines
from saas.core.money import HUNDRED, round2
from saas.sales.selectors import credit_note_item_bases, invoice_item_bases

if TYPE_CHECKING:
    from saas.companies.models import Company

# Account numbers (prefixes for the lists) of the return; pass another mapping to `vat_return` to change them
# (DOMAIN.md 10.6: some accountants use 4458x as transition accounts).
DEFAULT_ACCOUNTS = {
    # collected VAT account → its rate
    "collected": {"445711": Decimal("20"), "445713": Decimal("10"), "445712": Decimal("5.5"),
                  "445714": Decimal("2.1")},
    "collected_pending": ("44574",),  # services VAT not yet paid: not due
    "deductible_fixed_assets": ("44562",),  # box 19
    "deductible_other": ("44566",),  # box 20 (445660, 445662 intra-EU, 445663…)
    "deductible_pending": ("44564",),  # services bought, not yet paid: not deductible yet
    "credit_carried": ("44567",),  # box 22: the credit left by the previous returns
    "settlement": ("44551", "44567"),  # entries moving these settle a return: left out of the next ones
}
# Rate → CA3 box. 2.1 % in mainland France goes to T6 (DOMAIN.md 6.3 and 10.4: to confirm against the notice).
RATE_BOXES = {Decimal("20"): "08", Decimal("10"): "9B", Decimal("5.5"): "09", Decimal("8.5"): "10",
              Decimal("2.1"): "T6"}
BOX_LABELS = {
    "A1": gettext_lazy("Sales, services (taxable base excl. VAT)"),
    "08": gettext_lazy("Standard rate 20 %"), "9B": gettext_lazy("Reduced rate 10 %"),
    "09": gettext_lazy("Reduced rate 5.5 %"), "10": gettext_lazy("Overseas departments 8.5 %"),
    "T6": gettext_lazy("Mainland France 2.1 %"), "OTHER": gettext_lazy("Other rates"),
    "16": gettext_lazy("Total gross VAT due"),
    "19": gettext_lazy("Deductible VAT on fixed assets"), "20": gettext_lazy("Deductible VAT on other goods and "
                                                                             "services"),
    "22": gettext_lazy("Credit carried forward from the previous return"),
    "23": gettext_lazy("Total deductible VAT"), "25": gettext_lazy("VAT credit"),
    "28": gettext_lazy("Net VAT due"),
}


def whole_euros(amount: Decimal) -> int:
    return int(Decimal(amount).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class VatBox:
    box: str
    label: str
    base: Decimal | None = None  # exact, in cents
    tax: Decimal | None = None
    rate: Decimal | None = None
    # As declared: whole euros; a total box sums the declared boxes it totals, as the form does.
    declared_base: int | None = None
    declared_tax: int | None = None


@dataclass
class VatReturn:
    start: dt.date
    end: dt.date
    boxes: list[VatBox]
    collected_pending: Decimal  # services VAT invoiced and not yet paid, at the end of the period
    deductible_pending: Decimal
    accounts: dict = field(repr=False, default_factory=dict)

    def box(self, code: str) -> VatBox | None:
        return next((box for box in self.boxes if box.box == code), None)


def _prefixed(prefixes) -> Q:
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(ledger_account__number__startswith=prefix)
    return query


def vat_return(*, actor, start: dt.date, end: dt.date, company: Company | None = None,
               accounts: dict | None = None) -> VatReturn:
    """The CA3 boxes of a period: collected VAT and its base per rate (08, 9B, 09, T6…), A1, 16, deductible VAT
    (19, 20), the credit carried (22), 23, and the net VAT due (28) or the credit (25)."""
    if end < start:
        raise ValidationError({"end": ValidationError(_("The period ends before it starts."),
                                                      code=error_codes.PERIOD)})
    company = default_company(company)
    accounts = {**DEFAULT_ACCOUNTS, **(accounts or {})}
    rates = {number: Decimal(rate) for number, rate in accounts["collected"].items()}
    books = posted_lines(company)
    settlements = books.filter(_prefixed(accounts["settlement"])).values("entry_id")
    period = books.filter(entry__date__gte=start, entry__date__lte=end).exclude(entry_id__in=settlements)

    per_rate = _collected(period.filter(ledger_account__number__in=list(rates)), rates)
    boxes, declared_due = [], 0
    for rate in sorted(per_rate, reverse=True):
        base, tax = per_rate[rate]
        code = RATE_BOXES.get(rate, "OTHER")
        boxes.append(VatBox(box=code, label=str(BOX_LABELS[code]), rate=rate, base=base, tax=tax,
                            declared_base=whole_euros(base), declared_tax=whole_euros(tax)))
        declared_due += whole_euros(tax)
    sales_base = sum((box.base for box in boxes), ZERO)
    boxes.insert(0, VatBox(box="A1", label=str(BOX_LABELS["A1"]), base=sales_base,
                           declared_base=sum(box.declared_base for box in boxes)))
    gross = sum((box.tax for box in boxes if box.tax is not None), ZERO)

    def movement(prefixes) -> Decimal:
        return period.filter(_prefixed(prefixes)).aggregate(total=Sum(F("debit") - F("credit"), default=ZERO))["total"]

    def balance_at(prefixes, day: dt.date) -> Decimal:
        return books.filter(_prefixed(prefixes), entry__date__lte=day).aggregate(
            total=Sum(F("debit") - F("credit"), default=ZERO))["total"]

    fixed_assets, other = movement(accounts["deductible_fixed_assets"]), movement(accounts["deductible_other"])
    carried = max(balance_at(accounts["credit_carried"], start - dt.timedelta(days=1)), ZERO)
    deductible = [("19", fixed_assets), ("20", other), ("22", carried)]
    boxes.append(_total("16", gross, declared_due))
    boxes += [_total(code, amount, whole_euros(amount)) for code, amount in deductible]
    declared_deductible = sum(whole_euros(amount) for _code, amount in deductible)
    total_deductible = fixed_assets + other + carried
    boxes.append(_total("23", total_deductible, declared_deductible))
    if declared_deductible > declared_due:
        boxes.append(_total("25", total_deductible - gross, declared_deductible - declared_due))
    else:
        boxes.append(_total("28", gross - total_deductible, declared_due - declared_deductible))
    return VatReturn(start=start, end=end, boxes=boxes, accounts=accounts,
                     collected_pending=-balance_at(accounts["collected_pending"], end),
                     deductible_pending=balance_at(accounts["deductible_pending"], end))


def _total(code: str, amount: Decimal, declared: int) -> VatBox:
    return VatBox(box=code, label=str(BOX_LABELS[code]), tax=amount, declared_tax=declared)


def _collected(lines, rates: dict[str, Decimal]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """(base, VAT) per rate of the collected-VAT movements: the base each movement was posted with (the goods'
    base at invoicing, the share of the services' base a payment made due); a movement without one (a manual
    entry, or posted before bases were kept) is based on the document it comes from."""
    totals: dict[Decimal, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in (lines.filter(vat_base__isnull=False).values("ledger_account__number")
                .annotate(tax=Sum(F("credit") - F("debit")), base=Sum("vat_base"))):
        rate = rates[row["ledger_account__number"]]
        totals[rate][0] += row["base"]
        totals[rate][1] += row["tax"]
    for rate, (base, tax) in _collected_without_base(lines.filter(vat_base__isnull=True), rates).items():
        totals[rate][0] += base
        totals[rate][1] += tax
    return {rate: (base, tax) for rate, (base, tax) in totals.items() if base or tax}


def _collected_without_base(lines, rates: dict[str, Decimal]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    moves = list(lines.values("entry_id", "entry__invoice_id", "entry__credit_note_id", "ledger_account__number")
                 .annotate(tax=Sum(F("credit") - F("debit"))))
    invoice_bases = invoice_item_bases({move["entry__invoice_id"] for move in moves if move["entry__invoice_id"]})
    credit_note_bases = credit_note_item_bases({
        move["entry__credit_note_id"] for move in moves if move["entry__credit_note_id"]})
    totals: dict[Decimal, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for move in moves:
        rate, tax = rates[move["ledger_account__number"]], move["tax"]
        if move["entry__credit_note_id"]:
            document_base = credit_note_bases.get((move["entry__credit_note_id"], rate))
        else:
            document_base = invoice_bases.get((move["entry__invoice_id"], rate))
        document_tax = round2(document_base * rate / HUNDRED) if document_base else None
        if document_tax:
            base = document_base if abs(tax) == abs(document_tax) else round2(abs(tax) * document_base
                                                                              / abs(document_tax))
            base = base if tax > 0 else -base
        else:
            base = round2(tax * HUNDRED / rate) if rate else ZERO
        totals[rate][0] += base
        totals[rate][1] += tax
    return {rate: (base, tax) for rate, (base, tax) in totals.items() if base or tax}
