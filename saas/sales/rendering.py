"""Sales documents as files: an HTML template rendered to PDF/A-3b by WeasyPrint, with the Factur-X
EN 16931 XML embedded for invoices and credit notes (DOMAIN.md sections 1.2 and 7.6), stored with the
record and sent by email."""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import facturx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.access.rights import consequence
from saas.core.money import round2
from saas.crm.selectors import contact_list
from saas.records import registry
from saas.records.enums import ActivityKind, ActivityStatus
from saas.records.selectors.records import document_list_for_record
from saas.records.services.activities import activity_create
from saas.records.services.documents import document_upload
from saas.records.services.records import write_check
from saas.sales import output_codes, quotes
from saas.sales.models import CommercialDocument, CreditNote, Invoice, InvoiceKind, LineKind, Quote, QuoteStatus
from saas.sales.services import vat_breakdown
from tenants.language import tenant_language

if TYPE_CHECKING:
    from saas.records.models import Activity, Document

# EN 16931 document type (BT-3) of the documents that carry Factur-X; quotes and orders are plain PDF/A-3b.
FACTURX_TYPE_CODES: dict[type[CommercialDocument], str] = {Invoice: "380", CreditNote: "381"}
DEPOSIT_TYPE_CODE = "386"
# UN/ECE recommendation 20 codes (BT-130) of the catalog's seeded units; "one" (C62) for any other.
UNECE_UNITS = {"u": "C62", "h": "HUR", "d": "DAY", "kg": "KGM", "m": "MTR", "m2": "MTK", "l": "LTR",
               "pkg": "LS", "month": "MON"}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
XMP_LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
# One message is for one customer, not a mailing list.
MAX_RECIPIENTS = 10


def document_language(document: CommercialDocument) -> str:
    """The language the document speaks, in its PDF, its Factur-X notes and its email: its customer's, else the
    tenant's."""
    return document.account.language or tenant_language()


def document_html(document: CommercialDocument, language: str) -> str:
    """The document as HTML, in `language`, with the mentions the law wants on it (DOMAIN.md section 1.2)."""
    with translation.override(language):
        return render_to_string("sales/document.html", _context(document))


def document_pdf(document: CommercialDocument) -> bytes:
    """PDF/A-3b of the document; an invoice or a credit note also embeds its Factur-X XML (issued only)."""
    language = document_language(document)
    xml = facturx_xml(document) if type(document) in FACTURX_TYPE_CODES else None
    pdf = html_pdf(document_html(document, language))
    if xml is None:
        return pdf
    return facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True,
                                        lang=XMP_LANGUAGES.get(language, language))


def html_pdf(html: str) -> bytes:
    """PDF/A-3b of the HTML, fetching nothing but `data:` URLs: the logo comes inlined, and an address in a
    tenant's text must never make the server connect anywhere (saas/core/outbound.py) or read its own files."""
    # Imported here: WeasyPrint loads Pango when imported, which only rendering needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(pdf_variant="pdf/a-3b")


def facturx_xml(document: CommercialDocument) -> bytes:
    """The Factur-X (CII, EN 16931 profile) XML of an issued invoice or credit note (DOMAIN.md section 7.6)."""
    type_code = FACTURX_TYPE_CODES.get(type(document))
    if type_code is None:
        raise ValueError(f"Factur-X applies to invoices and credit notes, not to {type(document).__name__}")
    _check_issued(document)
    company, account = document.company, document.account
    _check_company(company, document)
    items = [line for line in document.lines.all() if line.kind == LineKind.ITEM]
    if getattr(document, "kind", "") == InvoiceKind.DEPOSIT:
        type_code = DEPOSIT_TYPE_CODE
    # A credit note names the invoice it corrects (BR-FR-CO-05); a final invoice, the deposits it deducts (BOI 136).
    preceding = [document.invoice] if isinstance(document, CreditNote) else list(
        {line.deposit_invoice_id: line.deposit_invoice for line in items if getattr(line, "deposit_invoice_id", None)
         }.values())
    goods, services = _natures(items)
    with translation.override(document_language(document)):
        notes = [{"BT-21": "PMT", "BT-22": _indemnity_text(account)},
                 {"BT-21": "PMD", "BT-22": _penalty_text(company)},
                 {"BT-21": "AAB", "BT-22": _("No discount for early payment.")},
                 {"BT-21": "BAR", "BT-22": _treatment(account)}]
        notes += [{"BT-22": text} for text in (getattr(document, "reason", ""), document.notes) if text.strip()]
        data = {
            "BT-1": document.number, "BT-2": document.issue_date, "BT-3": type_code, "BT-5": document.currency,
            # Nature of the operations (decree 2022-1299): goods, services or mixed; then 1 for a plain invoice,
            # 4 for the final invoice after deposits (BR-FR-08).
            "BT-23": ("M" if goods and services else "B" if goods else "S")
                     + ("4" if preceding and not isinstance(document, CreditNote) else "1"),
            "BT-20": _payment_terms(document),
            "BG-1": notes,
            "BG-3": [{"BT-25": invoice.number, "BT-26": invoice.issue_date} for invoice in preceding],
            "BG-4": _party(name=company.name, siren=company.siren, vat=company.vat_number,
                           street=company.street, postcode=company.postal_code, city=company.city,
                           country=company.country, legal_info=seller_legal_info(company)),
            "BG-7": _party(name=account.name, siren=account.siren, vat=account.vat_number,
                           street=account.billing_street, postcode=account.billing_postal_code,
                           city=account.billing_city, country=account.billing_country,
                           email=(document.contact.email if document.contact_id else "") or account.email),
            "BG-25": [_facturx_line(index, line) for index, line in enumerate(items, start=1)],
            "BG-23": [_facturx_vat(rate, base, vat) for rate, base, vat in vat_breakdown(document)],
            "BT-106": _amount(sum((line.line_net for line in items), Decimal("0"))),
            "BT-109": _amount(document.total_excl_vat), "BT-110": _amount(document.total_vat),
            "BT-112": _amount(document.total_incl_vat), "BT-115": _amount(document.total_incl_vat),
        }
    period = getattr(document, "period_start", None), getattr(document, "period_end", None)
    if any(period):
        data.update({"BT-73": period[0], "BT-74": period[1]})
    else:
        # No delivery date is kept: the issue date stands for it (an empty delivery block fails the XSD).
        data["BT-72"] = document.issue_date
    if getattr(document, "customer_reference", ""):
        data["BT-13"] = document.customer_reference
    if document.due_date:
        data["BT-9"] = document.due_date
    if company.iban:
        data.update({"BT-81": "30", "BT-84": company.iban.replace(" ", "")})
        if company.bic:
            data["BT-86"] = company.bic
    # The schematrons need a Saxon server at run time: they run in the tests (saxonche), not here.
    return facturx.generate_xml(data, flavor="factur-x", level="en16931", check_xsd=True, check_schematron=False)


def document_file_name(document: CommercialDocument) -> str:
    if document.number:
        return f"{document.number}.pdf"
    return f"{slugify(str(registry.for_model(type(document)).label))}-{document.pk}.pdf"


def document_render(*, actor, document: CommercialDocument) -> Document:
    """The document's PDF, stored and linked to it; an invoice or a credit note keeps its first rendering as
    its original (its content never changes once issued, CGI 289 V), other documents are rendered anew."""
    file_name = document_file_name(document)
    if type(document) in FACTURX_TYPE_CODES:
        _check_issued(document)
        original = document_list_for_record(actor=actor, record=document).filter(
            file_name=file_name, content_type="application/pdf").order_by("created_at", "id").first()
        if original is not None:
            return original
    pdf = document_pdf(document)
    # Whoever may see a document may have its PDF: storing it with the document is the system's doing.
    with consequence():
        return document_upload(actor=actor, upload=ContentFile(pdf, name=file_name), records=[document],
                               title=file_name)


@dataclass(frozen=True)
class DocumentSent:
    recipients: list[str]
    pdf: Document
    activity: Activity


def document_send(*, actor, document: CommercialDocument, to: list[str] | None = None,
                  message: str = "") -> DocumentSent:
    """Email the document's PDF to `to`, by default its contact, else the customer's address or contacts;
    the message leaves once the transaction commits, and shows as a done activity of the document. Sending
    changes the document (its activities, a quote's status): the actor must be allowed to."""
    write_check(actor, document, Action.EDIT)
    if type(document) in FACTURX_TYPE_CODES:
        _check_issued(document)
    recipients = _recipients(actor, document, to)
    if isinstance(document, Quote) and document.status == QuoteStatus.DRAFT:
        document = quotes.quote_send(actor=actor, quote=document)  # emailing a quote sends it
    pdf = document_render(actor=actor, document=document)
    company = document.company
    with translation.override(document_language(document)):
        names = {"document": str(_title(document)), "number": document.number or "", "company": company.name}
        subject = _("%(document)s %(number)s from %(company)s") % names
        body = (message or "").strip() or _(
            "Hello,\n\nPlease find attached our %(document)s %(number)s.\n\nKind regards,\n%(company)s") % {
            **names, "document": names["document"].lower()}
        activity_subject = _("%(document)s %(number)s sent by email") % names
    email = EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                         to=recipients, reply_to=[company.email] if company.email else None)
    with pdf.file.open("rb") as content:
        email.attach(pdf.file_name, content.read(), "application/pdf")
    # A done email activity linked to the document: its activities list it, its history shows the link.
    activity = activity_create(actor=actor, subject=activity_subject[:200], records=[document],
                               kind=ActivityKind.EMAIL, status=ActivityStatus.DONE, due_at=timezone.now(),
                               description="\n\n".join([", ".join(recipients), subject, body]))
    # Sent after the commit: a refused or rolled-back operation sends nothing (DESIGN.md section 9.4).
    transaction.on_commit(email.send)
    return DocumentSent(recipients=recipients, pdf=pdf, activity=activity)


def seller_legal_info(company) -> str:
    """The seller's legal form, capital and register: "SAS au capital de 10 000 € – RCS Lyon 732 829 320" (R123-237)."""
    form = company.legal_form
    if company.share_capital is not None:
        capital = f"{_number(company.share_capital, 2)} €"
        form = (_("%(form)s with a share capital of %(capital)s") % {"form": form, "capital": capital}).strip()
    return " – ".join(part for part in (form, company.rcs) if part)


def _title(document: CommercialDocument) -> str:
    """The title ("Invoice", "Deposit invoice", "Credit note", "Quote"…) in the active language."""
    if getattr(document, "kind", ""):
        return document.get_kind_display()
    return registry.for_model(type(document)).label


def _check_issued(document: CommercialDocument) -> None:
    if document.status == "draft" or not document.number:
        raise ValidationError(_("A draft has no number yet: issue it before rendering or sending it."),
                              code=output_codes.NOT_ISSUED)


def _check_company(company, document: CommercialDocument) -> None:
    required = {"siren": "SIREN", "street": _("street"), "postal_code": _("postal code"), "city": _("city")}
    if document.total_vat:
        required["vat_number"] = _("VAT number")  # BR-S-02: the seller's VAT number with VAT charged
    missing = [label for name, label in required.items() if not getattr(company, name)]
    if missing:
        raise ValidationError(
            _("The company %(company)s lacks what an invoice must show: %(missing)s.")
            % {"company": company.name, "missing": ", ".join(str(label) for label in missing)},
            code=output_codes.COMPANY_INCOMPLETE)


def _recipients(actor, document: CommercialDocument, to: list[str] | None) -> list[str]:
    if to is None:
        if document.contact_id and document.contact.email:
            to = [document.contact.email]
        elif document.account.email:
            to = [document.account.email]
        else:
            to = list(contact_list(actor=actor).filter(account_id=document.account_id).exclude(email="")
                      .order_by("id").values_list("email", flat=True))
    recipients = list(dict.fromkeys(address.strip() for address in to if address and address.strip()))
    if not recipients:
        raise ValidationError({"to": ValidationError(
            _("Nobody to send it to: give an address, or one to the contact or the customer."),
            code=output_codes.NO_RECIPIENT)})
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError({"to": ValidationError(_("At most %(max)s recipients.") % {"max": MAX_RECIPIENTS},
                                                     code=output_codes.TOO_MANY_RECIPIENTS)})
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError as error:
            raise ValidationError({"to": ValidationError(
                _("%(address)s is not an email address.") % {"address": address},
                code=output_codes.INVALID_RECIPIENT)}) from error
    return recipients


def _natures(items) -> tuple[bool, bool]:
    """(goods, services): whether the item lines sell goods (a product), services (anything else but a deducted
    deposit), or both — the nature of the operations a document must state (decree 2022-1299)."""
    goods = any(line.product_id for line in items)
    services = any(not line.product_id and not getattr(line, "deposit_invoice_id", None) for line in items)
    return goods, services


def _nature_text(goods: bool, services: bool) -> str:
    if goods and services:
        return _("Nature of the operations: deliveries of goods and services.")
    if goods:
        return _("Nature of the operations: deliveries of goods.")
    return _("Nature of the operations: services.") if services else ""


def _is_business(account) -> bool:
    """A customer with a SIREN or a VAT number buys as a business: the 40 € indemnity applies (D441-5)."""
    return bool(account.siren or account.vat_number)


def _treatment(account) -> str:
    """The `BAR` note (BR-FR-20): a French business by its SIREN, a foreign one by its VAT number."""
    if account.siren:
        return "B2B"
    if account.vat_number and account.billing_country != "FR":
        return "B2BINT"
    return "B2C"


def _indemnity_text(account) -> str:
    if _is_business(account):
        return _("Fixed indemnity for recovery costs in case of late payment: 40 € (art. L441-10 and D441-5 "
                 "of the French Commercial Code).")
    return _("Fixed indemnity for recovery costs: not applicable (consumer customer).")


def _penalty_text(company) -> str:
    return company.late_penalty_text.strip() or _(
        "Late payment penalties: the ECB refinancing rate plus 10 points, due from the day after the due date.")


def _payment_terms(document: CommercialDocument) -> str:
    if isinstance(document, CreditNote):
        return _("Credit note on invoice %(number)s of %(date)s.") % {
            "number": document.invoice.number, "date": formats.date_format(document.invoice.issue_date,
                                                                           "SHORT_DATE_FORMAT")}
    if document.due_date:
        return _("Payment due by %(date)s.") % {"date": formats.date_format(document.due_date, "SHORT_DATE_FORMAT")}
    return _("Payment on receipt.")


def _party(*, name, siren, vat, street, postcode, city, country, legal_info="", email="") -> dict:
    party = {"name": name, "vat_identifier": vat, "addr_l1": street, "postcode": postcode, "city": city,
             "country_code": country or "FR", "legal_info": legal_info}
    if siren:
        # Legal identifier scheme 0002 = SIREN; e-invoicing address scheme 0225 = SIREN (BR-FR-09/12/13/21).
        party.update({"legal_identifier": siren, "legal_identifier_schemeid": "0002",
                      "einvoicing_addr": siren, "einvoicing_addr_schemeid": "0225"})
    elif email:
        # The electronic address is mandatory even without a SIREN (BR-FR-12): a consumer's email (scheme EM).
        party.update({"einvoicing_addr": email, "einvoicing_addr_schemeid": "EM"})
    return {key: value for key, value in party.items() if value}


def _vat_category(rate: Decimal) -> tuple[str, str]:
    """(category, exemption reason): S for a rate, E (exempt, with a reason: BR-E-10) for 0 %."""
    if rate:
        return "S", ""
    # No exemption ground is kept per line or company yet: a generic reason until there is one.
    return "E", _("VAT exempt")


def _facturx_line(index: int, line) -> dict:
    category, _reason = _vat_category(line.vat_rate)
    description = line.description.strip()
    name = description.splitlines()[0] if description else "-"
    # A deduction (a deposit, a refund) is a negative quantity: the net price is never negative (BR-27).
    sign = -1 if line.unit_price < 0 else 1
    entry = {"BT-126": str(index), "BT-153": name[:200], "BT-146": _price(sign * line.unit_price),
             "BT-129": _decimal(sign * line.quantity, 4), "BT-130": UNECE_UNITS.get(line.unit, "C62"),
             "BT-131": _amount(line.line_net), "BT-151": category, "BT-152": _amount(line.vat_rate)}
    if description != name:
        entry["BT-154"] = description
    if line.discount_percent:
        # The line discount as a line allowance: BT-131 = quantity × price − allowance, to the cent.
        gross = round2(line.quantity * line.unit_price)
        entry["BG-27"] = [{"amount": _amount(gross - line.line_net), "base_amount": _amount(gross),
                           "rate": _amount(line.discount_percent), "reason": _("Discount"), "reason_code": "95"}]
    return entry


def _facturx_vat(rate: Decimal, base: Decimal, vat: Decimal) -> dict:
    category, reason = _vat_category(rate)
    entry = {"BT-116": _amount(base), "BT-117": _amount(vat), "BT-118": category, "BT-119": _amount(rate)}
    if reason:
        entry["BT-120"] = reason
    return entry


def _amount(value) -> str:
    return f"{round2(Decimal(value)):.2f}"


def _decimal(value, places: int) -> str:
    """Only the decimals the value has, at most `places` (BR-FR-DEC)."""
    return f"{round(Decimal(value), places).normalize():f}"


def _price(value) -> str:
    text = _decimal(value, 4)
    return text if len(text.partition(".")[2]) >= 2 else f"{Decimal(value):.2f}"


def _number(value, places: int, minimum: int = 0) -> str:
    """A localized number (the active language's separators) with the decimals it has, within bounds."""
    value = round(Decimal(value), places).normalize()
    decimals = max(-value.as_tuple().exponent, minimum)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def _context(document: CommercialDocument) -> dict:
    company, account = document.company, document.account
    symbol = CURRENCY_SYMBOLS.get(document.currency, document.currency)

    def money(value) -> str:
        return f"{_number(value, 2, minimum=2)} {symbol}"

    items = [line for line in document.lines.all() if line.kind == LineKind.ITEM]
    goods, services = _natures(items)
    delivery = [account.shipping_street, account.shipping_postal_code, account.shipping_city]
    billing = [account.billing_street, account.billing_postal_code, account.billing_city]
    lines = [{
        "kind": line.kind, "description": line.description, "unit": line.unit,
        "quantity": _number(line.quantity, 4), "unit_price": money(line.unit_price),
        "discount": f"{_number(line.discount_percent, 2)} %" if line.discount_percent else "",
        "vat_rate": f"{_number(line.vat_rate, 2)} %", "total": money(line.line_net),
    } for line in document.lines.all()]
    return {
        "document": document, "company": company, "title": _title(document),
        # Invoices and credit notes are issued on a date; quotes and orders are dated.
        "date": getattr(document, "issue_date", None) or getattr(document, "date", None),
        "due_date": getattr(document, "due_date", None), "valid_until": getattr(document, "valid_until", None),
        "customer_reference": getattr(document, "customer_reference", ""),
        "period_start": getattr(document, "period_start", None), "period_end": getattr(document, "period_end", None),
        "account": account, "contact": document.contact if document.contact_id else None,
        "seller_legal_info": seller_legal_info(company), "logo": _logo(company),
        "business_customer": _is_business(account), "penalty_text": _penalty_text(company),
        "lines": lines, "item": LineKind.ITEM, "section": LineKind.SECTION,
        "vat_rows": [{"rate": f"{_number(rate, 2)} %", "base": money(base), "vat": money(vat)}
                     for rate, base, vat in vat_breakdown(document)],
        "total_excl_vat": money(document.total_excl_vat), "total_vat": money(document.total_vat),
        "total_incl_vat": money(document.total_incl_vat),
        "credited_invoice": document.invoice if isinstance(document, CreditNote) else None,
        "exempt": any(not line.vat_rate for line in items),
        "nature": _nature_text(goods, services),
        # The option for the debits concerns services: without it their VAT is due on payment (CGI 269-2-c).
        "vat_on_debits": company.vat_on_debits and services,
        # Shown when it differs from the billing address (decree 2022-1299, mention 7 bis).
        "delivery_address": bool(account.shipping_street.strip()) and delivery != billing,
    }


def _logo(company) -> str:
    """The logo inlined (the PDF is rendered from a string, without access to the storage's URLs)."""
    if not company.logo:
        return ""
    content_type = mimetypes.guess_type(company.logo.name)[0] or ""
    if not content_type.startswith("image/"):
        return ""
    try:
        with company.logo.open("rb") as logo:
            return f"data:{content_type};base64,{base64.b64encode(logo.read()).decode()}"
    except OSError:  # a missing file does not prevent invoicing
        return ""
