"""Sales orders and how they become invoices (DOMAIN.md sections 2.1-2.3): all at once or in parts by quantity,
by progress (cumulative percentages per line), after deposit invoices that the completing invoice deducts.
Every invoice line keeps its order line: what remains to invoice is computed from them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, Sum
from django.utils import formats, translation
from django.utils.translation import gettext as _

from saas.companies.selectors import company_default
from saas.core.money import Line, document_totals, plain_number, round2
from saas.records.enums import RecordSource
from saas.records.services.pipelines import record_transition, verb_state_check
from saas.records.services.records import record_create, record_update
from saas.sales import error_codes
from saas.sales.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    OrderStatus,
    QuoteStatus,
    SalesOrder,
    SalesOrderLine,
)
from saas.sales.services import retotal, vat_breakdown, vat_key
from tenants.language import tenant_language

if TYPE_CHECKING:
    from saas.companies.models import Company

HUNDRED = Decimal("100")


def order_create(*, actor, account, contact=None, company: Company | None = None, customer_reference: str = "",
                 notes: str = "", source: str = RecordSource.MANUAL, custom: dict | None = None) -> SalesOrder:
    return record_create(actor=actor, model=SalesOrder, source=source, fields={
        "company": company or company_default(), "account": account, "contact": contact,
        "customer_reference": (customer_reference or "").strip(), "notes": notes or ""}, custom=custom)


def order_confirm(*, actor, order: SalesOrder) -> SalesOrder:
    verb_state_check(order, "confirm", _("Only a draft order can be confirmed."))
    order_items_check(order)
    return record_transition(actor=actor, record=order, to=OrderStatus.CONFIRMED, verb="confirm")


def order_items_check(order: SalesOrder) -> None:
    """What confirming an order needs: an item line."""
    if not order.lines.filter(kind=LineKind.ITEM).exists():
        raise ValidationError(_("An order needs at least one item line."), code=error_codes.NO_LINES)


def order_cancel(*, actor, order: SalesOrder) -> SalesOrder:
    verb_state_check(order, "cancel", _("An invoiced order cannot be cancelled: credit its invoices."))
    order_uninvoiced_check(order)
    return record_transition(actor=actor, record=order, to=OrderStatus.CANCELLED, verb="cancel")


def order_uninvoiced_check(order: SalesOrder) -> None:
    """What cancelling an order needs: no invoice made from it (they are credited instead)."""
    if _invoices(order).exists():
        raise ValidationError(_("An invoiced order cannot be cancelled: credit its invoices."),
                              code=error_codes.TRANSITION)


def order_lines_invoiced(order: SalesOrder) -> dict[int, tuple[Decimal, Decimal | None]]:
    """Per order line id: the quantity already invoiced, and the cumulative progress percentage if invoiced by
    progress. Drafts count (they reserve what they bill); cancelled (fully credited) invoices do not."""
    invoiced = InvoiceLine.objects.filter(
        order_line__order=order, invoice__deleted_at__isnull=True
    ).exclude(invoice__status=InvoiceStatus.CANCELLED).values("order_line").annotate(
        quantity=Sum("quantity", filter=Q(progress_percent__isnull=True)), progress=Max("progress_percent"))
    return {row["order_line"]: (row["quantity"] or Decimal("0"), row["progress"]) for row in invoiced}


def order_remaining(order: SalesOrder) -> dict[int, Decimal]:
    """Per item line position: the quantity left to invoice (none once invoiced by progress to 100 %)."""
    invoiced = order_lines_invoiced(order)
    remaining = {}
    for line in order.lines.filter(kind=LineKind.ITEM):
        quantity, progress = invoiced.get(line.pk, (Decimal("0"), None))
        done = line.quantity * (progress or 0) / HUNDRED + quantity
        remaining[line.position] = max(line.quantity - done, Decimal("0"))
    return remaining


def order_to_invoice(*, actor, order: SalesOrder, quantities: dict[int, Decimal] | None = None) -> Invoice:
    """A draft invoice for what remains of the order, or for the given quantity per line position.
    The invoice that completes the order deducts the order's issued deposit invoices."""
    order = _invoiceable(order)
    if _progress_invoiced(order):
        raise ValidationError(_("This order is invoiced by progress: continue with a progress invoice."),
                              code=error_codes.INVOICING_MODE)
    remaining = order_remaining(order)
    wanted = remaining if quantities is None else quantities
    errors = {}
    for position, quantity in wanted.items():
        if position not in remaining:
            errors[f"line{position}"] = ValidationError(_("No item line at position %(position)s.")
                                                        % {"position": position}, code=error_codes.NOT_FOUND)
        elif quantity < 0 or quantity > remaining[position]:
            errors[f"line{position}"] = ValidationError(
                _("Line %(position)s: between 0 and the %(remaining)s left to invoice.")
                % {"position": position, "remaining": plain_number(remaining[position])},
                code=error_codes.REMAINING_EXCEEDED)
    if errors:
        raise ValidationError(errors)
    if not any(quantity > 0 for quantity in wanted.values()):
        raise ValidationError(_("Nothing left to invoice on this order."), code=error_codes.NOTHING_TO_INVOICE)
    invoice = _invoice_for(actor, order, InvoiceKind.STANDARD)
    for line in order.lines.all():
        if line.kind != LineKind.ITEM:
            _line_create(invoice, line, kind=line.kind, quantity=Decimal("0"), unit_price=Decimal("0"))
        elif wanted.get(line.position, 0) > 0:
            _line_create(invoice, line, quantity=wanted[line.position], unit_price=line.unit_price,
                         discount_percent=line.discount_percent, order_line=line)
    return _invoice_finish(actor, order, invoice)


def order_progress_invoice(*, actor, order: SalesOrder, percents: dict[int, Decimal]) -> Invoice:
    """A progress invoice (situation): per line position, the cumulative completion percentage; each line bills
    `line total × cumulative % − what earlier progress invoices billed` (DOMAIN.md 2.3)."""
    order = _invoiceable(order)
    invoiced = order_lines_invoiced(order)
    if any(quantity > 0 for quantity, _progress in invoiced.values()):
        raise ValidationError(_("This order is invoiced by quantity: continue with an invoice by quantity."),
                              code=error_codes.INVOICING_MODE)
    lines = {line.position: line for line in order.lines.filter(kind=LineKind.ITEM)}
    errors = {}
    for position, percent in percents.items():
        line = lines.get(position)
        previous = invoiced.get(line.pk, (0, None))[1] or Decimal("0") if line else Decimal("0")
        if line is None:
            errors[f"line{position}"] = ValidationError(_("No item line at position %(position)s.")
                                                        % {"position": position}, code=error_codes.NOT_FOUND)
        elif not previous < percent <= HUNDRED:
            errors[f"line{position}"] = ValidationError(
                _("Line %(position)s: a cumulative percentage above %(previous)s %% and at most 100 %%.")
                % {"position": position, "previous": plain_number(previous)}, code=error_codes.PERCENT)
    if errors:
        raise ValidationError(errors)
    if not percents:
        raise ValidationError(_("Give the cumulative percentage of at least one line."),
                              code=error_codes.NOTHING_TO_INVOICE)
    billed = _progress_billed(order)
    invoice = _invoice_for(actor, order, InvoiceKind.PROGRESS)
    # The lines' descriptions are printed on the invoice: written in the tenant's language, as it is.
    with translation.override(tenant_language()):
        _progress_lines(invoice, lines, percents, invoiced, billed)
    return _invoice_finish(actor, order, invoice)


def _progress_lines(invoice: Invoice, lines: dict, percents: dict, invoiced: dict, billed: dict) -> None:
    for position, percent in sorted(percents.items()):
        line = lines[position]
        previous = invoiced.get(line.pk, (0, None))[1] or Decimal("0")
        amount = round2(line.line_net * percent / HUNDRED) - billed.get(line.pk, Decimal("0"))
        _line_create(invoice, line, quantity=Decimal("1"), unit_price=amount, unit="", order_line=line,
                     progress_percent=percent,
                     description=_("%(description)s — progress %(percent)s %% (previously %(previous)s %%)")
                     % {"description": line.description, "percent": plain_number(percent),
                        "previous": plain_number(previous)})


def order_deposit_invoice(*, actor, order: SalesOrder, percent: Decimal) -> Invoice:
    """A deposit invoice (facture d'acompte, type 386): `percent` of the order, one line per VAT rate so the
    deposit carries the VAT of the ordered items (DOMAIN.md 2.2)."""
    order = _invoiceable(order)
    if percent is None or not Decimal("0") < percent <= HUNDRED:
        raise ValidationError({"percent": ValidationError(_("A deposit is a percentage above 0, up to 100."),
                                                          code=error_codes.PERCENT)})
    deposited = Invoice.objects.filter(order=order, kind=InvoiceKind.DEPOSIT, deleted_at__isnull=True).exclude(
        status=InvoiceStatus.CANCELLED).aggregate(total=Sum("total_excl_vat"))["total"] or Decimal("0")
    invoice = _invoice_for(actor, order, InvoiceKind.DEPOSIT)
    for position, (rate, base, _vat) in enumerate(vat_breakdown(order), start=1):
        with translation.override(tenant_language()):  # printed on the invoice: the tenant's language
            description = _("Deposit of %(percent)s %% on order %(number)s (VAT %(rate)s %%)") % {
                "percent": plain_number(percent), "number": order.number, "rate": plain_number(rate)}
        _line_create(invoice, None, position=position, quantity=Decimal("1"),
                     unit_price=round2(base * percent / HUNDRED), vat_rate=rate, description=description)
    invoice = retotal(actor, invoice)
    if deposited + invoice.total_excl_vat > order.total_excl_vat:
        raise ValidationError({"percent": ValidationError(
            _("Deposits cannot exceed the order: %(left)s excl. VAT left.")
            % {"left": order.total_excl_vat - deposited}, code=error_codes.PERCENT)})
    return invoice


def _invoiceable(order: SalesOrder) -> SalesOrder:
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    verb_state_check(order, "to_invoice", _("Only a confirmed order can be invoiced."))
    return order


def _invoices(order: SalesOrder):
    return Invoice.objects.filter(order=order, deleted_at__isnull=True).exclude(status=InvoiceStatus.CANCELLED)


def _progress_invoiced(order: SalesOrder) -> bool:
    return InvoiceLine.objects.filter(invoice__in=_invoices(order), progress_percent__isnull=False).exists()


def _progress_billed(order: SalesOrder) -> dict[int, Decimal]:
    rows = InvoiceLine.objects.filter(invoice__in=_invoices(order), progress_percent__isnull=False).values(
        "order_line").annotate(total=Sum("line_net"))
    return {row["order_line"]: row["total"] for row in rows}


def _invoice_for(actor, order: SalesOrder, kind: str) -> Invoice:
    return record_create(actor=actor, model=Invoice, fields={
        "company": order.company, "account": order.account, "contact": order.contact, "order": order,
        "kind": kind, "currency": order.currency, "customer_reference": order.customer_reference})


def _line_create(invoice: Invoice, origin: SalesOrderLine | None, **fields) -> InvoiceLine:
    values = {name: getattr(origin, name) for name in ("position", "kind", "product_id", "service_id",
                                                       "description", "unit", "vat_rate")} if origin else {}
    values.update(fields)
    line = InvoiceLine(invoice=invoice, **values)
    line.line_net = document_totals([Line(quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate,
                                          discount_percent=line.discount_percent)]).line_nets[0]
    line.save()
    return line


def _invoice_finish(actor, order: SalesOrder, invoice: Invoice) -> Invoice:
    """Deduct the deposits when this invoice completes the order, then move the order (and its quote) on."""
    complete = not any(order_remaining(order).values())
    if complete:
        _deposits_deduct(order, invoice)
        invoice = _order_vat_complete(actor, order, retotal(actor, invoice))
    record_transition(actor=actor, record=order,
                      to=OrderStatus.INVOICED if complete else OrderStatus.PARTIALLY_INVOICED, verb="to_invoice")
    if complete and order.quote_id and order.quote.status == QuoteStatus.CONVERTED:
        record_transition(actor=actor, record=order.quote, to=QuoteStatus.INVOICED, verb=None)
    return retotal(actor, invoice)


def _order_vat_complete(actor, order: SalesOrder, invoice: Invoice) -> Invoice:
    """The invoice completing an order takes, per rate, the order's VAT less the VAT its earlier invoices and the
    deposits it deducts showed: VAT rounded per document would otherwise make the invoices of an order differ
    from its total by a cent per rate and document. Only rounding is taken up this way (at most a cent per
    invoice involved); a larger gap (a draft edited by hand) leaves the VAT computed."""
    deducted = set(invoice.lines.filter(deposit_invoice__isnull=False).values_list("deposit_invoice", flat=True))
    earlier = _invoices(order).exclude(pk=invoice.pk).filter(~Q(kind=InvoiceKind.DEPOSIT) | Q(pk__in=deducted))
    left = {rate: vat for rate, _base, vat in vat_breakdown(order)}
    for document in earlier.prefetch_related("lines"):
        for rate, _base, vat in vat_breakdown(document):
            left[rate] = left.get(rate, Decimal("0")) - vat
    tolerance = Decimal("0.01") * (len(earlier) + 1)
    fixed = {vat_key(rate): str(left[rate]) for rate, _base, vat in vat_breakdown(invoice)
             if rate in left and left[rate] != vat and abs(left[rate] - vat) <= tolerance}
    if not fixed:
        return invoice
    invoice = record_update(actor=actor, record=invoice, version=invoice.version, fields={"vat_amounts": fixed})
    return retotal(actor, invoice)


def _deposits_deduct(order: SalesOrder, invoice: Invoice) -> None:
    """One negative line per deposit invoice and VAT rate, naming the deposit invoice (BOI 136 §120, BG-3)."""
    deducted = InvoiceLine.objects.filter(invoice__in=_invoices(order), deposit_invoice__isnull=False).values_list(
        "deposit_invoice", flat=True)
    deposits = Invoice.objects.filter(order=order, kind=InvoiceKind.DEPOSIT, status=InvoiceStatus.ISSUED).exclude(
        pk__in=deducted).order_by("issue_date", "id")
    position = (invoice.lines.aggregate(last=Max("position"))["last"] or 0)
    for deposit in deposits:
        per_rate = defaultdict(Decimal)
        for line in deposit.lines.all():
            per_rate[line.vat_rate] += line.line_net
        for rate, amount in sorted(per_rate.items(), reverse=True):
            position += 1
            with translation.override(tenant_language()):  # printed on the invoice: the tenant's language
                description = _("Deposit invoice %(number)s of %(date)s (VAT %(rate)s %%)") % {
                    "number": deposit.number, "rate": plain_number(rate),
                    "date": formats.date_format(deposit.issue_date, "SHORT_DATE_FORMAT")}
            _line_create(invoice, None, position=position, quantity=Decimal("1"), unit_price=-amount, vat_rate=rate,
                         deposit_invoice=deposit, description=description)
