"""Lines of every sales document, and invoices and credit notes: drafts edited freely, issued once with a
gapless number, then frozen (DOMAIN.md sections 1.3-1.5). An issued invoice is corrected only by a credit note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.catalog.pricing import price_for
from saas.catalog.selectors import is_product
from saas.companies.selectors import company_default
from saas.core.money import Line, document_totals
from saas.records import registry
from saas.records.enums import RecordSource
from saas.records.services.numbering import number_next
from saas.records.services.pipelines import record_transition
from saas.records.services.records import record_create, record_update, write_check
from saas.sales import bookkeeping, error_codes
from saas.sales.models import (
    CommercialDocument,
    CreditNote,
    Invoice,
    InvoiceStatus,
    LineKind,
    OrderStatus,
    Quote,
    QuoteStatus,
    SalesDocument,
    SalesOrder,
)

if TYPE_CHECKING:
    from saas.companies.models import Company


def editable_check(document: CommercialDocument) -> None:
    """Invoices and credit notes change only as drafts; a quote until it is accepted (DOMAIN.md 1.4); an order
    until it is first invoiced."""
    if isinstance(document, Quote):
        if document.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            raise ValidationError(_("This quote is %(status)s: it can no longer change.")
                                  % {"status": document.get_status_display()}, code=error_codes.NOT_EDITABLE)
    elif isinstance(document, SalesOrder):
        if document.status not in (OrderStatus.DRAFT, OrderStatus.CONFIRMED) or \
                document.invoices.filter(deleted_at__isnull=True).exists():
            raise ValidationError(_("This order is invoiced or cancelled: it can no longer change."),
                                  code=error_codes.NOT_EDITABLE)
    elif document.status != InvoiceStatus.DRAFT:
        raise ValidationError(_("An issued invoice cannot change: correct it with a credit note."),
                              code=error_codes.INVOICE_FROZEN)


def invoice_create(*, actor, account, contact=None, company: Company | None = None, notes: str = "",
                   source: str = RecordSource.MANUAL, custom: dict | None = None) -> Invoice:
    """A draft invoice for a customer, from the tenant's default company unless another is given."""
    company = company or company_default()
    return record_create(actor=actor, model=Invoice, source=source, fields={
        "company": company, "account": account, "contact": contact, "notes": notes or ""}, custom=custom)


HEADER_FIELDS = {"contact", "notes", "valid_until", "customer_reference", "currency"}


def document_update(*, actor, document: CommercialDocument, version: int, fields: dict,
                    custom: dict | None = None) -> CommercialDocument:
    """Change the header of an editable document: contact, notes, validity, the customer's reference, its custom
    fields. Amounts come from the lines, numbers and dates from the verbs (issue, send, accept…)."""
    editable_check(document)
    columns = {field.name for field in document._meta.concrete_fields}
    errors = {name: ValidationError(_("This field cannot be changed here."), code=error_codes.NOT_EDITABLE)
              for name in sorted(fields) if name not in HEADER_FIELDS or name not in columns}
    contact = fields.get("contact")
    if contact is not None and contact.account_id != document.account_id:
        errors["contact"] = ValidationError(_("The contact belongs to another customer."),
                                            code=error_codes.CONTACT_ACCOUNT)
    if errors:
        raise ValidationError(errors)
    if "notes" in fields or "customer_reference" in fields:
        fields = {**fields, **{name: (fields[name] or "").strip() for name in ("notes", "customer_reference")
                               if name in fields}}
    return record_update(actor=actor, record=document, version=version, fields=fields, custom=custom)


def document_line_add(*, actor, document: CommercialDocument, kind: str = LineKind.ITEM, item=None,
                      description: str = "", quantity: Decimal = Decimal("1"), unit_price: Decimal | None = None,
                      discount_percent: Decimal = Decimal("0"), vat_rate: Decimal | None = None,
                      position: int | None = None) -> CommercialDocument:
    """Add a line to an editable document; a catalog item brings its description, unit, VAT rate and price-list
    price. Given a `position` taken by another line, the line takes its place (used to edit a line). A line is
    part of its document: the actor may change the document (a line that leaves the totals alone included)."""
    write_check(actor, document, Action.EDIT)
    editable_check(document)
    errors = {}
    if kind == LineKind.ITEM and quantity is not None and quantity <= 0:
        errors["quantity"] = ValidationError(_("A quantity is positive."), code=error_codes.QUANTITY)
    if discount_percent is not None and not Decimal("0") <= discount_percent <= Decimal("100"):
        errors["discountPercent"] = ValidationError(_("A discount is between 0 and 100 %."),
                                                    code=error_codes.DISCOUNT)
    if position is None:
        position = (document.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    line = document.lines.model(kind=kind, quantity=quantity or Decimal("1"), description=description or "",
                                discount_percent=discount_percent or Decimal("0"), position=position)
    setattr(line, document.lines.field.name, document)
    if item is not None:
        line.product, line.service = (item, None) if is_product(item) else (None, item)
        line.description = line.description or item.name
        line.unit = item.unit.code
        line.vat_rate = item.vat_rate.rate if vat_rate is None else vat_rate
        line.unit_price = unit_price if unit_price is not None else price_for(
            actor=actor, item=item, account=document.account, quantity=line.quantity).unit_price
    else:
        line.unit_price = unit_price or Decimal("0")
        line.vat_rate = vat_rate or Decimal("0")
    if not line.description.strip():
        errors["description"] = ValidationError(_("Describe the line."), code=error_codes.DESCRIPTION_REQUIRED)
    if errors:
        raise ValidationError(errors)
    if kind != LineKind.ITEM:
        line.quantity, line.unit_price, line.vat_rate = Decimal("0"), Decimal("0"), Decimal("0")
    line.line_net = document_totals([_money_line(line)]).line_nets[0]
    line.full_clean(exclude=[document.lines.field.name])
    document.lines.filter(position=position).delete()
    line.save()
    return retotal(actor, document, computed=True)


def document_line_update(*, actor, document: CommercialDocument, position: int, **line) -> CommercialDocument:
    """Replace the line at `position` (prices re-read from the price lists when an item is given)."""
    _line_at(document, position)
    return document_line_add(actor=actor, document=document, position=position, **line)


def document_line_remove(*, actor, document: CommercialDocument, position: int) -> CommercialDocument:
    """Remove the line at `position`; the actor may change the document."""
    write_check(actor, document, Action.EDIT)
    editable_check(document)
    _line_at(document, position).delete()
    return retotal(actor, document, computed=True)


def _line_at(document: CommercialDocument, position: int):
    line = document.lines.filter(position=position).first()
    if line is None:
        raise ValidationError({"position": ValidationError(_("No line at this position."),
                                                           code=error_codes.NOT_FOUND)})
    return line


def invoice_issue(*, actor, invoice: Invoice, issue_date: dt.date | None = None) -> Invoice:
    """Issue a draft: checks, the next number of the company's gapless series, due date, then frozen."""
    editable_check(invoice)
    issue_date = issue_date or timezone.localdate()
    invoice = retotal(actor, invoice)
    issue_check(invoice, issue_date)
    account = invoice.account
    terms = account.payment_terms_days if account.payment_terms_days is not None else invoice.company.payment_terms_days
    return _issue(actor, invoice, issue_date, due_date=issue_date + dt.timedelta(days=terms))


def credit_note_create(*, actor, invoice: Invoice, reason: str = "", full: bool = True,
                       custom: dict | None = None) -> CreditNote:
    """A draft credit note on an issued invoice: a copy of all its lines (full), or empty (partial)."""
    if invoice.status != InvoiceStatus.ISSUED:
        raise ValidationError({"invoiceId": ValidationError(_("Only an issued invoice can be credited."),
                                                            code=error_codes.NOT_CREDITABLE)})
    credit_note = record_create(actor=actor, model=CreditNote, fields={
        "company": invoice.company, "account": invoice.account, "contact": invoice.contact, "invoice": invoice,
        "reason": (reason or "").strip()}, custom=custom)
    if full:  # the mirror of the invoice: its lines, and its VAT per rate as it shows it
        lines_copy(invoice, credit_note)
        if invoice.vat_amounts:
            credit_note = record_update(actor=actor, record=credit_note, version=credit_note.version,
                                        fields={"vat_amounts": invoice.vat_amounts})
        credit_note = retotal(actor, credit_note)
    return credit_note


LINE_COPIED = ("position", "kind", "product", "service", "description", "quantity", "unit", "unit_price",
               "discount_percent", "vat_rate", "line_net")


def lines_copy(source: CommercialDocument, target: CommercialDocument) -> None:
    """Copy a document's lines onto another (a snapshot: later changes to one leave the other alone)."""
    parent = target.lines.field.name
    target.lines.model.objects.bulk_create(
        target.lines.model(**{name: getattr(line, name) for name in LINE_COPIED}, **{parent: target})
        for line in source.lines.all())


def credit_note_issue(*, actor, credit_note: CreditNote, issue_date: dt.date | None = None) -> CreditNote:
    """Issue a credit note (its own gapless series); an invoice credited in full becomes cancelled."""
    editable_check(credit_note)
    issue_date = issue_date or timezone.localdate()
    credit_note = retotal(actor, credit_note)
    issue_check(credit_note, issue_date)
    invoice = Invoice.objects.select_for_update().get(pk=credit_note.invoice_id)
    credited = _credit_check(credit_note, invoice)
    issued = _issue(actor, credit_note, issue_date)
    if credited + credit_note.total_incl_vat == invoice.total_incl_vat:
        record_transition(actor=actor, record=invoice, to=InvoiceStatus.CANCELLED, verb=None)
    return issued


def credit_note_issue_check(credit_note: CreditNote, issue_date: dt.date | None = None) -> None:
    """What issuing a draft credit note needs: an invoice's mentions, and no more than the invoice has left."""
    issue_check(credit_note, issue_date)
    _credit_check(credit_note, credit_note.invoice)


def _credit_check(credit_note: CreditNote, invoice: Invoice) -> Decimal:
    """Refused when the credit note exceeds what the invoice has left; answers what was credited already."""
    credited = CreditNote.objects.filter(invoice=invoice, status=InvoiceStatus.ISSUED).aggregate(
        total=Sum("total_incl_vat"))["total"] or Decimal("0")
    if credited + credit_note.total_incl_vat > invoice.total_incl_vat:
        raise ValidationError(_("A credit note cannot exceed what remains of the invoice (%(open)s).")
                              % {"open": invoice.total_incl_vat - credited}, code=error_codes.CREDIT_EXCEEDS)
    return credited


def invoice_cancel(*, actor, invoice: Invoice, reason: str = "") -> CreditNote:
    """Cancel an issued invoice the only lawful way: a full credit note, issued at once."""
    credit_note = credit_note_create(actor=actor, invoice=invoice, reason=reason, full=True)
    return credit_note_issue(actor=actor, credit_note=credit_note)


def issue_check(document: SalesDocument, issue_date: dt.date | None = None) -> None:
    """What issuing a draft invoice or credit note on `issue_date` (today unless told) needs: an item line, a total
    that is not negative, the customer's billing address (and SIREN once e-invoicing applies), a date that keeps
    the series chronological."""
    issue_date = issue_date or timezone.localdate()
    errors = []
    if not document.lines.filter(kind=LineKind.ITEM).exists():
        errors.append(ValidationError(_("An invoice needs at least one item line."), code=error_codes.NO_LINES))
    if document.total_incl_vat < 0:
        errors.append(ValidationError(_("An invoice cannot have a negative total: issue a credit note."),
                                      code=error_codes.NEGATIVE_TOTAL))
    account = document.account
    if not (account.billing_street and account.billing_postal_code and account.billing_city):
        errors.append(ValidationError(_("The customer's billing address is required on an invoice."),
                                      code=error_codes.CUSTOMER_ADDRESS_REQUIRED))
    if _is_french_business(account) and issue_date >= document.company.einvoicing_from and not account.siren:
        errors.append(ValidationError(_("The customer's SIREN is a mandatory mention on B2B invoices since %(date)s.")
                                      % {"date": document.company.einvoicing_from.isoformat()},
                                      code=error_codes.CUSTOMER_SIREN_REQUIRED))
    last = type(document).objects.filter(
        company=document.company, status__in=[InvoiceStatus.ISSUED, InvoiceStatus.CANCELLED]
    ).aggregate(last=Max("issue_date"))["last"]
    if last and issue_date < last:
        errors.append(ValidationError(_("The series is chronological: an invoice was already issued on %(date)s.")
                                      % {"date": last.isoformat()}, code=error_codes.BACK_DATED))
    if errors:
        raise ValidationError(errors)


def _is_french_business(account) -> bool:
    return account.billing_country == "FR" and bool(account.legal_form or account.vat_number or account.siret)


def _issue(actor, document: SalesDocument, issue_date: dt.date, **fields) -> SalesDocument:
    module = registry.for_model(type(document)).key
    number = number_next(module=module, company_id=document.company_id)
    issued = record_transition(actor=actor, record=document, to=InvoiceStatus.ISSUED, verb="issue", extra_fields={
        "number": number, "issue_date": issue_date, **fields})
    bookkeeping.document_issued(actor=actor, document=issued)
    return issued


def _money_line(line) -> Line:
    return Line(quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate,
                discount_percent=line.discount_percent)


def retotal(actor, document: CommercialDocument, *, computed: bool = False) -> CommercialDocument:
    """Store the document's totals from its lines. `computed`: its lines changed by hand, so VAT set per rate by
    the order it completes no longer applies: every rate's VAT is computed again."""
    fields = {}
    if computed and getattr(document, "vat_amounts", None):
        document.vat_amounts = fields["vat_amounts"] = None
    breakdown = _breakdown(document, list(document.lines.filter(kind=LineKind.ITEM)))
    total_excl_vat = sum((base for _rate, base, _vat in breakdown), Decimal("0.00"))
    total_vat = sum((vat for _rate, _base, vat in breakdown), Decimal("0.00"))
    fields |= {"total_excl_vat": total_excl_vat, "total_vat": total_vat, "total_incl_vat": total_excl_vat + total_vat}
    if all(getattr(document, name) == value for name, value in fields.items()) and "vat_amounts" not in fields:
        return document
    return record_update(actor=actor, record=document, version=document.version, fields=fields)


def vat_key(rate: Decimal) -> str:
    """How a rate names its VAT in `vat_amounts`: "20.00", "5.50"."""
    return f"{Decimal(rate):.2f}"


def vat_breakdown(document: CommercialDocument) -> list[tuple[Decimal, Decimal, Decimal]]:
    """`(rate, base, VAT)` per rate, as the document shows them (BT-116/117): VAT computed on each rate's base
    (DOMAIN.md 1.5) unless the document sets it (`vat_amounts`, the invoice completing an order)."""
    # `.all()` then a Python filter: a list of documents prefetches their lines once (no query per document).
    return _breakdown(document, [line for line in document.lines.all() if line.kind == LineKind.ITEM])


def _breakdown(document: CommercialDocument, items: list) -> list[tuple[Decimal, Decimal, Decimal]]:
    totals = document_totals([_money_line(line) for line in items])
    fixed = getattr(document, "vat_amounts", None) or {}
    return sorted(((rate, base, Decimal(fixed.get(vat_key(rate), totals.vat[rate])))
                   for rate, base in totals.bases.items()), reverse=True)
