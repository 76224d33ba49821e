"""Payment reminders (relances): an issued invoice still owing money past its due date gets an email from the
tenant's "Payment reminder" template, at most once per level, sent to its contact (or its customer) and kept on
the invoice (SentEmail, history, timeline).

The levels are fixed, not a tenant setting: the 1st reminder 7 days after the due date, the 2nd after 15 days,
the 3rd after 30 days (REMINDER_LEVELS). A run sends an invoice only the highest level it has reached and not
had yet: a job that was down for a month sends one 3rd reminder, not three emails at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from saas.mailing.selectors import email_template_first_named, recipient_of
from saas.mailing.services import email_template_save, record_email_send
from saas.records.enums import RecordSource
from saas.sales.models import Invoice, InvoiceReminder, InvoiceStatus
from saas.sales.selectors import invoices_with_amounts
from tenants.language import tenant_language

if TYPE_CHECKING:
    from saas.mailing.models import EmailTemplate

logger = logging.getLogger(__name__)

# (level, days after the due date)
REMINDER_LEVELS = ((1, 7), (2, 15), (3, 30))

# Filters taking out the invoices another part of the product is already collecting (a direct debit under way):
# registered by the apps above sales, which sales may not import.
_exclusions: list[Callable] = []


def reminder_exclusion_register(exclude: Callable) -> None:
    """`exclude(invoices)` answers the invoices queryset without those that must not be reminded."""
    if exclude not in _exclusions:
        _exclusions.append(exclude)

# The default template, written in the tenant's language when first needed; admins may then edit it (it is found
# again by its name, in either language).
DEFAULT_TEMPLATES = {
    "fr": ("Relance de paiement",
           "Relance : facture {{ invoice.number }} échue le {{ invoice.due_date|date:\"d/m/Y\" }}",
           "Bonjour,\n\nSauf erreur de notre part, la facture {{ invoice.number }} du "
           "{{ invoice.issue_date|date:\"d/m/Y\" }}, d'un montant de {{ invoice.total_incl_vat }} "
           "{{ invoice.currency }} TTC, arrivée à échéance le {{ invoice.due_date|date:\"d/m/Y\" }}, reste impayée.\n\n"
           "Nous vous remercions de bien vouloir procéder à son règlement dans les meilleurs délais. Si votre "
           "paiement a été effectué entre-temps, merci de ne pas tenir compte de ce message.\n\n"
           "Cordialement,\n{{ company.name }}"),
    "en": ("Payment reminder",
           "Reminder: invoice {{ invoice.number }} was due on {{ invoice.due_date|date:\"Y-m-d\" }}",
           "Hello,\n\nOur records show that invoice {{ invoice.number }} of {{ invoice.issue_date|date:\"Y-m-d\" }}, "
           "for {{ invoice.total_incl_vat }} {{ invoice.currency }} including VAT, due on "
           "{{ invoice.due_date|date:\"Y-m-d\" }}, is still unpaid.\n\n"
           "Please arrange for its payment at your earliest convenience. If you have paid it in the meantime, "
           "please disregard this message.\n\nKind regards,\n{{ company.name }}"),
}


def reminder_template() -> EmailTemplate:
    """The tenant's payment reminder template, created in its language on first use."""
    names = [name for name, _subject, _body in DEFAULT_TEMPLATES.values()]
    template = email_template_first_named(module="invoices", names=names)
    if template is None:
        name, subject, body = DEFAULT_TEMPLATES.get(tenant_language(), DEFAULT_TEMPLATES["fr"])
        template = email_template_save(actor=None, module="invoices", name=name, subject=subject, body=body)
    return template


def reminder_level_due(days_overdue: int) -> int:
    """The reminder level an invoice overdue by `days_overdue` days has reached (0: none yet)."""
    return max((level for level, days in REMINDER_LEVELS if days_overdue >= days), default=0)


def invoice_reminders_send(*, today: dt.date) -> dict:
    """Send the reminders due on `today`; an invoice without a recipient email is skipped and listed. Answers
    `{"sent": [{"invoice", "level", "email"}], "no_email": [invoice numbers], "refused": [{"invoice", "error"}]}`
    (an address the mail service refuses)."""
    first_days = REMINDER_LEVELS[0][1]
    last_sent = InvoiceReminder.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice").annotate(
        level=Max("level")).values("level")
    overdue = invoices_with_amounts(Invoice.objects.filter(
        status=InvoiceStatus.ISSUED, deleted_at__isnull=True, due_date__lte=today - dt.timedelta(days=first_days),
    )).annotate(reminded=Coalesce(Subquery(last_sent), 0)).filter(open_amount__gt=0).select_related(
        "account", "contact", "company").order_by("due_date", "id")
    for exclude in _exclusions:
        overdue = exclude(overdue)
    sent, no_email, refused = [], [], []
    template = None
    for invoice in overdue:
        level = reminder_level_due((today - invoice.due_date).days)
        if level <= invoice.reminded:
            continue
        to = recipient_of(invoice, actor=None)
        if not to:
            no_email.append(invoice.number)
            logger.warning("invoice %s overdue: no email to send reminder %s to", invoice.number, level)
            continue
        template = template or reminder_template()
        try:
            with transaction.atomic():
                reminder = InvoiceReminder.objects.create(invoice=invoice, level=level)
                reminder.email = record_email_send(actor=None, record=invoice, template=template, to=to,
                                                   source=RecordSource.WORKFLOW)
                reminder.save(update_fields=["email"])
        except IntegrityError:  # sent meanwhile by another run: once per level
            continue
        except ValidationError as error:
            refused.append({"invoice": invoice.number, "error": " ".join(error.messages)})
            continue
        sent.append({"invoice": invoice.pk, "level": level, "email": reminder.email_id})
    return {"sent": sent, "no_email": no_email, "refused": refused}
