"""SEPA direct debit (DOMAIN.md 8.1-8.2): the creditor's ICS, mandates (UMR, signature date, CORE/B2B, FRST then
RCUR), batches of due invoices written as a pain.008 file checked against its XSD, and their settlement as
payments (posted to the bank journal and lettered by the accounting app)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaDD
from sepaxml.validation import ValidationError as XsdError
from stdnum.eu import at_02

from saas.access.enums import Action
from saas.companies.selectors import company_default
from saas.records.enums import RecordSource
from saas.records.services.documents import document_upload
from saas.records.services.records import write_check
from saas.sales.enums import PaymentMethod
from saas.sales.payments import amount_due, payment_record
from saas.sepa import error_codes, selectors
from saas.sepa.models import (
    FILED,
    BatchStatus,
    CreditorSettings,
    DirectDebitBatch,
    DirectDebitLine,
    MandateStatus,
    MessageFormat,
    Scheme,
    SepaMandate,
    SequenceState,
    SequenceType,
)

if TYPE_CHECKING:
    from saas.companies.models import Company
    from saas.sales.models import Invoice

# EPC restricted identifier set (mandate references, end-to-end ids): no space; not starting or ending with "/",
# no "//".
IDENTIFIER = re.compile(r"^(?!/)(?!.*//)[A-Za-z0-9+?/\-:().,']{1,35}(?<!/)$")


def creditor_settings_set(*, actor, ics: str, name: str = "", iban: str = "", bic: str = "",
                          message_format: str = MessageFormat.PAIN_008_001_02,
                          company: Company | None = None) -> CreditorSettings:
    """The company's creditor identity; name, IBAN and BIC default to the company's own."""
    company = company or company_default()
    errors = {}
    ics = _ics(ics, errors)
    name = (name or company.name).strip()[:70]
    iban = _iban(iban or company.iban, errors)
    bic = _bic(bic or company.bic, errors) or (_bank_bic(iban) if iban else "")
    if message_format not in MessageFormat.values:
        errors["message_format"] = ValidationError(_("Unknown file format."), code=error_codes.NOT_FOUND)
    elif message_format == MessageFormat.PAIN_008_001_02 and not bic and "bic" not in errors:
        errors["bic"] = ValidationError(_("The pain.008.001.02 format needs the creditor's BIC."),
                                        code=error_codes.BIC_REQUIRED)
    if errors:
        raise ValidationError(errors)
    settings, _created = CreditorSettings.objects.update_or_create(company=company, defaults={
        "ics": ics, "name": name, "iban": iban, "bic": bic, "message_format": message_format,
        "updated_at": timezone.now()})
    return settings


def mandate_create(*, actor, account, debtor_name: str = "", iban: str, bic: str | None = None,
                   signature_date: dt.date | None, scheme: str = Scheme.CORE, reference: str | None = None
                   ) -> SepaMandate:
    """A signed mandate of a customer; without a reference, one is made: RUM-<account number>-<n>. A mandate is
    part of its customer's account: the actor may change the account."""
    write_check(actor, account, Action.EDIT)
    errors = {}
    iban = _iban(iban, errors)
    bic = _bic(bic, errors) or (_bank_bic(iban) if iban else "")
    if signature_date is None:
        errors["signature_date"] = ValidationError(_("A mandate is only valid once signed: give its signature "
                                                     "date."), code=error_codes.SIGNATURE_DATE_REQUIRED)
    elif signature_date > timezone.localdate():
        errors["signature_date"] = ValidationError(_("The signature date is in the future."),
                                                   code=error_codes.SIGNATURE_DATE_FUTURE)
    if scheme not in Scheme.values:
        errors["scheme"] = ValidationError(_("Unknown scheme."), code=error_codes.NOT_FOUND)
    reference = (reference or "").strip() or _reference_for(account)
    if not IDENTIFIER.match(reference):
        errors["reference"] = ValidationError(
            _("A mandate reference has 35 characters at most: letters, digits and + ? / - : ( ) . , ' "
              "(no space)."), code=error_codes.REFERENCE_INVALID)
    elif SepaMandate.objects.filter(reference__iexact=reference).exists():
        errors["reference"] = ValidationError(_("Another mandate has the reference %(reference)s.")
                                              % {"reference": reference}, code=error_codes.REFERENCE_TAKEN)
    debtor_name = (debtor_name or account.name).strip()
    if not debtor_name:
        errors["debtor_name"] = ValidationError(_("Give the debtor's name."), code=error_codes.NAME_REQUIRED)
    if errors:
        raise ValidationError(errors)
    return SepaMandate.objects.create(account=account, reference=reference, debtor_name=debtor_name[:70],
                                      iban=iban, bic=bic, signature_date=signature_date, scheme=scheme)


def mandate_revoke(*, actor, mandate: SepaMandate) -> SepaMandate:
    """The debtor withdrew its consent: no further collection (a draft batch holding it can no longer be
    generated). The actor may change the customer's account."""
    write_check(actor, mandate.account, Action.EDIT)
    if mandate.status == MandateStatus.REVOKED:
        raise ValidationError(_("This mandate is already revoked."), code=error_codes.REVOKED)
    mandate.status, mandate.revoked_at = MandateStatus.REVOKED, timezone.now()
    mandate.save(update_fields=["status", "revoked_at"])
    return mandate


def batch_create(*, actor, collection_date: dt.date, scheme: str = Scheme.CORE,
                 invoices: list[Invoice] | None = None, company: Company | None = None) -> DirectDebitBatch:
    """A draft batch of the invoices to collect on `collection_date`: by default every issued invoice due by then
    with an amount due, whose customer has an active mandate of the scheme, and that no live batch holds."""
    company = company or company_default()
    # One batch built at a time per creditor: two cannot take the same invoice.
    creditor = CreditorSettings.objects.select_for_update().filter(company=company).first()
    if creditor is None:
        raise ValidationError(_("Set the SEPA creditor identifier (ICS) and the bank account first."),
                              code=error_codes.CREDITOR_MISSING)
    if collection_date is None or collection_date <= timezone.localdate():
        # The file must reach the debtor's bank before the collection date (D-1 at the latest).
        raise ValidationError({"collection_date": ValidationError(
            _("The collection date comes after today."), code=error_codes.COLLECTION_DATE)})
    collectable = selectors.collectable_invoices(company=company, scheme=scheme, collection_date=collection_date)
    if invoices is not None:
        wanted = {invoice.pk: invoice for invoice in invoices}
        collectable = list(collectable.filter(pk__in=wanted))
        refused = sorted(str(wanted[pk].number or pk) for pk in set(wanted) - {invoice.pk for invoice in collectable})
        if refused:
            raise ValidationError({"invoices": ValidationError(
                _("Not collectable on this date (not issued, nothing due, not due yet, no active %(scheme)s "
                  "mandate, or already in a batch): %(numbers)s.") % {"scheme": scheme, "numbers": ", ".join(
                      refused)}, code=error_codes.NOT_COLLECTABLE)})
    collectable = list(collectable)
    if not collectable:
        raise ValidationError(_("No invoice to collect on %(date)s.") % {"date": collection_date.isoformat()},
                              code=error_codes.NOTHING_TO_COLLECT)
    batch = DirectDebitBatch.objects.create(company=company, collection_date=collection_date, scheme=scheme,
                                            created_by=actor if getattr(actor, "pk", None) else None)
    mandates = SepaMandate.objects.in_bulk([invoice.mandate_id for invoice in collectable])
    DirectDebitLine.objects.bulk_create(DirectDebitLine(
        batch=batch, mandate_id=invoice.mandate_id, invoice=invoice, amount=invoice.open_amount,
        sequence_type=_sequence_type(mandates[invoice.mandate_id]), end_to_end_id=invoice.number[:35])
        for invoice in collectable)
    batch.total = sum(invoice.open_amount for invoice in collectable)
    batch.count = len(collectable)
    batch.save(update_fields=["total", "count"])
    return batch


def batches_prepare(*, actor=None, today: dt.date, lead_days: int) -> dict:
    """The planner's daily batches: for every company with creditor settings and every scheme, a draft batch
    (`batch_create`, whose rules apply) of the invoices collectable `lead_days` days from `today`; none when there
    is nothing to collect. Answers `{"batches": [ids], "invoices": count, "skipped": [reasons]}`."""
    collection_date = today + dt.timedelta(days=max(lead_days, 1))
    found = {"collection_date": collection_date.isoformat(), "batches": [], "invoices": 0, "skipped": []}
    for creditor in CreditorSettings.objects.select_related("company").order_by("company_id"):
        for scheme in Scheme.values:
            try:
                batch = batch_create(actor=actor, collection_date=collection_date, scheme=scheme,
                                     company=creditor.company)
            except ValidationError as refusal:
                if getattr(refusal, "code", None) != error_codes.NOTHING_TO_COLLECT:
                    found["skipped"].append(f"{creditor.company} {scheme}: {' '.join(refusal.messages)}")
                continue
            found["batches"].append(batch.pk)
            found["invoices"] += batch.count
    return found


def batch_generate(*, actor, batch: DirectDebitBatch) -> bytes:
    """The batch's pain.008 file, validated against its XSD and stored; its mandates then count as used, so their
    next collection is recurrent (RCUR)."""
    batch = DirectDebitBatch.objects.select_for_update().get(pk=batch.pk)
    _status_check(batch, (BatchStatus.DRAFT,))
    creditor = selectors.creditor_settings_get(company=batch.company)
    if creditor is None:
        raise ValidationError(_("Set the SEPA creditor identifier (ICS) and the bank account first."),
                              code=error_codes.CREDITOR_MISSING)
    lines = list(batch.lines.select_related("mandate", "invoice__account").order_by("id"))
    revoked = [line.mandate.reference for line in lines if line.mandate.status != MandateStatus.ACTIVE]
    if revoked:
        raise ValidationError(_("Revoked mandates: %(references)s. Cancel this batch and create another.")
                              % {"references": ", ".join(sorted(set(revoked)))}, code=error_codes.REVOKED)
    batch.message_id = f"SDD-{timezone.now():%Y%m%d%H%M%S}-{batch.pk}"[:35]
    for line in lines:
        line.sequence_type = _sequence_type(line.mandate)
    xml = _pain008(batch, creditor, lines)
    DirectDebitLine.objects.bulk_update(lines, ["sequence_type"])
    file_name = f"{batch.message_id}.xml"
    batch.file = document_upload(actor=actor, upload=ContentFile(xml, name=file_name), folder_name="SEPA",
                                 title=_("Direct debit %(date)s") % {"date": batch.collection_date.isoformat()})
    batch.xml, batch.sha256 = xml.decode(), hashlib.sha256(xml).hexdigest()
    batch.status, batch.generated_at = BatchStatus.GENERATED, timezone.now()
    batch.save(update_fields=["message_id", "file", "xml", "sha256", "status", "generated_at"])
    _mandates_refresh({line.mandate for line in lines})
    return xml


def batch_mark_sent(*, actor, batch: DirectDebitBatch) -> DirectDebitBatch:
    """The file was handed to the bank: it can no longer be cancelled here."""
    batch = DirectDebitBatch.objects.select_for_update().get(pk=batch.pk)
    _status_check(batch, (BatchStatus.GENERATED,))
    batch.status = BatchStatus.SENT
    batch.save(update_fields=["status"])
    return batch


def batch_cancel(*, actor, batch: DirectDebitBatch) -> DirectDebitBatch:
    """Drop a batch not sent yet: its invoices are free again, and a mandate it used first is first again."""
    batch = DirectDebitBatch.objects.select_for_update().get(pk=batch.pk)
    _status_check(batch, (BatchStatus.DRAFT, BatchStatus.GENERATED))
    batch.status = BatchStatus.CANCELLED
    batch.save(update_fields=["status"])
    _mandates_refresh({line.mandate for line in batch.lines.select_related("mandate")})
    return batch


def batch_settle(*, actor, batch: DirectDebitBatch, date: dt.date | None = None) -> DirectDebitBatch:
    """The bank collected the batch: one direct-debit payment per line, allocated to its invoice (what the invoice
    no longer owes stays as the customer's credit); the payments post to the bank journal and letter the invoices."""
    batch = DirectDebitBatch.objects.select_for_update().get(pk=batch.pk)
    _status_check(batch, (BatchStatus.GENERATED, BatchStatus.SENT))
    lines = list(batch.lines.select_related("invoice__account").order_by("id"))
    for line in lines:
        share = min(line.amount, amount_due(line.invoice))
        line.payment = payment_record(
            actor=actor, account=line.invoice.account, amount=line.amount, date=date or batch.collection_date,
            method=PaymentMethod.DIRECT_DEBIT, reference=line.end_to_end_id, company=batch.company,
            allocations=[(line.invoice, share)] if share > 0 else [], source=RecordSource.WORKFLOW)
    DirectDebitLine.objects.bulk_update(lines, ["payment"])
    batch.status, batch.settled_at = BatchStatus.SETTLED, timezone.now()
    batch.save(update_fields=["status", "settled_at"])
    return batch


def _pain008(batch: DirectDebitBatch, creditor: CreditorSettings, lines: list[DirectDebitLine]) -> bytes:
    config = {"name": creditor.name, "IBAN": creditor.iban, "batch": True, "creditor_id": creditor.ics,
              "currency": "EUR", "instrument": batch.scheme}
    if creditor.bic:
        config["BIC"] = creditor.bic
    company = batch.company
    address = _address(company.street, company.postal_code, company.city, company.country)
    if address:
        config["address"] = address
    sepa = _SepaDD(config, schema=creditor.message_format, msg_id=batch.message_id)
    for line in lines:
        mandate, invoice = line.mandate, line.invoice
        payment = {"name": mandate.debtor_name, "IBAN": mandate.iban, "amount": int(line.amount * 100),
                   "type": line.sequence_type, "collection_date": batch.collection_date,
                   "mandate_id": mandate.reference, "mandate_date": mandate.signature_date,
                   "description": _("Invoice %(number)s") % {"number": invoice.number},
                   "endtoend_id": line.end_to_end_id}
        if mandate.bic:
            payment["BIC"] = mandate.bic
        account = invoice.account
        address = _address(account.billing_street, account.billing_postal_code, account.billing_city,
                           account.billing_country)
        if address:
            payment["address"] = address
        sepa.add_payment(payment)
    try:
        return sepa.export(validate=True)
    except XsdError as error:
        raise ValidationError(_("The pain.008 file does not validate against its schema: %(detail)s")
                              % {"detail": error.__cause__ or error}, code=error_codes.XML_INVALID) from error


class _SepaDD(SepaDD):
    """sepaxml's writer with our message id (it draws a random one)."""

    def __init__(self, config: dict, schema: str, msg_id: str):
        self._wanted_msg_id = msg_id
        super().__init__(config, schema=schema, clean=True)

    def _create_header(self):
        self.msg_id = self._wanted_msg_id
        super()._create_header()


def _address(street: str, postal_code: str, town: str, country: str) -> dict | None:
    """A structured postal address (town and country at least: EPC rule from November 2026)."""
    if not (town and country):
        return None
    address = {"street_name": street[:70], "postcode": postal_code[:16], "town": town[:35], "country": country}
    return {key: value for key, value in address.items() if value}


def _sequence_type(mandate: SepaMandate) -> str:
    return SequenceType.FRST if mandate.sequence == SequenceState.FIRST else SequenceType.RCUR


def _mandates_refresh(mandates: set[SepaMandate]) -> None:
    """A mandate's sequence and last collection follow the batches that produced their file."""
    last_used = dict(DirectDebitLine.objects.filter(mandate__in=mandates, batch__status__in=FILED).order_by()
                     .values("mandate").annotate(last=Max("batch__collection_date")).values_list("mandate", "last"))
    for mandate in mandates:
        mandate.last_used_on = last_used.get(mandate.pk)
        mandate.sequence = SequenceState.RECURRENT if mandate.last_used_on else SequenceState.FIRST
    SepaMandate.objects.bulk_update(mandates, ["last_used_on", "sequence"])


def _status_check(batch: DirectDebitBatch, allowed: tuple[str, ...]) -> None:
    if batch.status not in allowed:
        raise ValidationError(_("Not possible for a batch in status %(status)s.")
                              % {"status": batch.get_status_display()}, code=error_codes.BATCH_STATUS)


def _reference_for(account) -> str:
    base = re.sub(r"[^A-Za-z0-9\-]", "", f"RUM-{account.number or account.pk}")[:30]
    count = SepaMandate.objects.filter(account=account).count()
    while True:
        count += 1
        reference = f"{base}-{count}"
        if not SepaMandate.objects.filter(reference__iexact=reference).exists():
            return reference


def _ics(value: str, errors: dict) -> str:
    compact = at_02.compact(value or "")
    # ISO 7064 mod 97-10 over the national identifier and the country code (the business code is not checked);
    # a French ICS is FRkkZZZnnnnnn.
    if not at_02.is_valid(compact) or (compact.startswith("FR") and len(compact) != 13):
        errors["ics"] = ValidationError(_("Not a valid SEPA creditor identifier (e.g. FR72ZZZ123456)."),
                                        code=error_codes.ICS_INVALID)
    return compact


def _iban(value: str, errors: dict, field: str = "iban") -> str:
    try:
        iban = IBAN(value or "")
    except SchwiftyException:
        errors[field] = ValidationError(_("Not a valid IBAN."), code=error_codes.IBAN_INVALID)
        return ""
    if not iban.in_sepa_zone:
        errors[field] = ValidationError(_("This IBAN is outside the SEPA zone."), code=error_codes.IBAN_INVALID)
    return iban.compact


def _bic(value: str | None, errors: dict, field: str = "bic") -> str:
    if not (value or "").strip():
        return ""
    try:
        return str(BIC(value.strip()).compact)
    except SchwiftyException:
        errors[field] = ValidationError(_("Not a valid BIC."), code=error_codes.BIC_INVALID)
        return ""


def _bank_bic(iban: str) -> str:
    """The BIC of the IBAN's bank from schwifty's registry, when it knows it."""
    try:
        bic = IBAN(iban).bic
    except SchwiftyException:
        return ""
    return str(bic.compact) if bic else ""
