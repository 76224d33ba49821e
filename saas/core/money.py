"""Amounts of commercial documents (quotes, orders, invoices, credit notes, supplier invoices).

The method of DOMAIN.md section 1.5, the one EN 16931 checks on e-invoices: each line's net is
rounded to the cent, VAT is computed once per rate on the sum of that rate's bases, never per line.
All arithmetic in `Decimal`, rounded half-up.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def plain_number(number: Decimal) -> str:
    """80, 5.5 or 2.25: a percentage or quantity as people write it in the active language (5,5 in French), no
    trailing zeros, no exponent, no grouping. For texts people read (labels, messages), not for files."""
    return formats.number_format(format(number.normalize(), "f"), use_l10n=True)


def round2(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal  # excl. VAT, up to 4 decimals
    vat_rate: Decimal  # percent, e.g. Decimal("5.5")
    discount_percent: Decimal = Decimal("0")


@dataclass(frozen=True)
class Allowance:
    """A document-level discount (positive) or charge (negative) on one VAT rate's base."""

    amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class Totals:
    line_nets: tuple[Decimal, ...]
    lines_total: Decimal  # BT-106: exactly the sum of the line nets
    bases: dict[Decimal, Decimal] = field(default_factory=dict)  # BT-116 per rate
    vat: dict[Decimal, Decimal] = field(default_factory=dict)  # BT-117 per rate
    total_excl_vat: Decimal = Decimal("0")
    total_vat: Decimal = Decimal("0")
    total_incl_vat: Decimal = Decimal("0")


def line_net(line: Line) -> Decimal:
    """BT-131: quantity × unit price, less the line discount, rounded to the cent."""
    gross = Decimal(line.quantity) * Decimal(line.unit_price)
    return round2(gross - gross * Decimal(line.discount_percent) / HUNDRED)


def document_totals(lines: Iterable[Line], allowances: Iterable[Allowance] = ()) -> Totals:
    """Totals excl. VAT, VAT per rate and incl. VAT of a document (DOMAIN.md section 1.5)."""
    lines = list(lines)
    nets = tuple(line_net(line) for line in lines)
    bases: dict[Decimal, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line, net in zip(lines, nets, strict=True):
        bases[Decimal(line.vat_rate)] += net
    for allowance in allowances:
        bases[Decimal(allowance.vat_rate)] -= round2(allowance.amount)
    vat = {rate: round2(base * rate / HUNDRED) for rate, base in bases.items()}
    total_excl_vat = sum(bases.values(), Decimal("0.00"))
    total_vat = sum(vat.values(), Decimal("0.00"))
    return Totals(line_nets=nets, lines_total=sum(nets, Decimal("0.00")), bases=dict(bases), vat=vat,
                  total_excl_vat=total_excl_vat, total_vat=total_vat, total_incl_vat=total_excl_vat + total_vat)


def split_incl_vat(amount_incl_vat: Decimal, vat_rate: Decimal) -> tuple[Decimal, Decimal]:
    """Prices entered incl. VAT (B2C): base = round2(TTC / (1 + rate)), VAT = TTC − base."""
    base = round2(Decimal(amount_incl_vat) / (1 + Decimal(vat_rate) / HUNDRED))
    return base, Decimal(amount_incl_vat) - base
