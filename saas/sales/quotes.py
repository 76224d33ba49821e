"""Quotes (devis): drafted, sent, accepted or refused by the customer, expired past their validity date,
then converted to an order that copies their lines (DOMAIN.md sections 1.4 and 2.1)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.companies.selectors import company_default
from saas.records.enums import RecordSource
from saas.records.services.pipelines import record_transition, verb_state_check
from saas.records.services.records import record_create
from saas.sales import error_codes
from saas.sales.models import LineKind, OrderStatus, Quote, QuoteStatus, SalesOrder
from saas.sales.services import lines_copy, retotal

if TYPE_CHECKING:
    from saas.companies.models import Company

QUOTE_VALIDITY_DAYS = 30


def quote_create(*, actor, account, contact=None, company: Company | None = None, date: dt.date | None = None,
                 valid_until: dt.date | None = None, notes: str = "", source: str = RecordSource.MANUAL,
                 custom: dict | None = None) -> Quote:
    """A draft quote, valid 30 days unless told otherwise."""
    date = date or timezone.localdate()
    valid_until = valid_until or date + dt.timedelta(days=QUOTE_VALIDITY_DAYS)
    if valid_until < date:
        raise ValidationError({"validUntil": ValidationError(_("A quote cannot expire before its date."),
                                                             code=error_codes.SCHEDULE)})
    return record_create(actor=actor, model=Quote, source=source, fields={
        "company": company or company_default(), "account": account, "contact": contact, "date": date,
        "valid_until": valid_until, "notes": notes or ""}, custom=custom)


def quote_send(*, actor, quote: Quote) -> Quote:
    """Mark a quote as sent to the customer (sending it by email does this too)."""
    verb_state_check(quote, "send", _("Only a draft quote can be sent."))
    quote_items_check(quote)
    return record_transition(actor=actor, record=quote, to=QuoteStatus.SENT, verb="send",
                             extra_fields={"sent_at": timezone.now()})


def quote_accept(*, actor, quote: Quote, today: dt.date | None = None) -> Quote:
    """The customer's "bon pour accord": refused once the validity date has passed."""
    verb_state_check(quote, "accept", _("Only a draft or sent quote can be accepted."))
    quote_acceptable_check(quote, today)
    return record_transition(actor=actor, record=quote, to=QuoteStatus.ACCEPTED, verb="accept",
                             extra_fields={"decided_at": timezone.now()})


def quote_acceptable_check(quote: Quote, today: dt.date | None = None) -> None:
    """What accepting a quote in its state needs: an item line, and its validity date not passed."""
    quote_items_check(quote)
    if quote.valid_until and quote.valid_until < (today or timezone.localdate()):
        raise ValidationError(_("This quote expired on %(date)s: extend its validity first.")
                              % {"date": quote.valid_until.isoformat()}, code=error_codes.TRANSITION)


def quote_refuse(*, actor, quote: Quote) -> Quote:
    verb_state_check(quote, "refuse", _("This quote can no longer be refused."))
    return record_transition(actor=actor, record=quote, to=QuoteStatus.REFUSED, verb="refuse",
                             extra_fields={"decided_at": timezone.now()})


def quotes_expire(*, today: dt.date | None = None) -> int:
    """Sent quotes past their validity date become expired; the number of quotes changed."""
    today = today or timezone.localdate()
    expired = 0
    for quote in Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today, deleted_at__isnull=True):
        record_transition(actor=None, record=quote, to=QuoteStatus.EXPIRED, verb=None)
        expired += 1
    return expired


def quote_to_order(*, actor, quote: Quote, customer_reference: str = "") -> SalesOrder:
    """A confirmed order from an accepted quote: its lines copied (a snapshot), the quote marked converted."""
    verb_state_check(quote, "to_order", _("Only an accepted quote becomes an order."))
    order = record_create(actor=actor, model=SalesOrder, fields={
        "company": quote.company, "account": quote.account, "contact": quote.contact, "quote": quote,
        "currency": quote.currency, "notes": quote.notes, "status": OrderStatus.CONFIRMED,
        "customer_reference": (customer_reference or "").strip()})
    lines_copy(quote, order)
    record_transition(actor=actor, record=quote, to=QuoteStatus.CONVERTED, verb="to_order")
    return retotal(actor, order)


def quote_items_check(quote: Quote) -> None:
    if not quote.lines.filter(kind=LineKind.ITEM).exists():
        raise ValidationError(_("A quote needs at least one item line."), code=error_codes.NO_LINES)
