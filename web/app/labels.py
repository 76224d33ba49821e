"""Labels of the API's enum values, in the user's language; tones for the status chips."""

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ENUM_LABELS = {
    # statuses of documents and records
    "DRAFT": _("Draft"), "SENT": _("Sent"), "ACCEPTED": _("Accepted"), "REFUSED": _("Refused"),
    "EXPIRED": _("Expired"), "CONVERTED": _("Converted"), "INVOICED": _("Invoiced"), "ISSUED": _("Issued"),
    "CANCELLED": _("Cancelled"), "CONFIRMED": _("Confirmed"), "PARTIALLY_INVOICED": _("Partially invoiced"),
    "UNPAID": _("Unpaid"), "PARTIALLY_PAID": _("Partially paid"), "PAID": _("Paid"), "OVERDUE": _("Overdue"),
    "CREDITED": _("Credited"), "POSTED": _("Posted"),
    "STANDARD": _("Standard"), "DEPOSIT": _("Deposit"), "PROGRESS": _("Progress"),
    "PROSPECTING": _("Prospecting"), "QUALIFICATION": _("Qualification"), "PROPOSAL": _("Proposal"),
    "NEGOTIATION": _("Negotiation"), "WON": _("Won"), "LOST": _("Lost"),
    "NEW": _("New"), "CONTACTED": _("Contacted"), "QUALIFIED": _("Qualified"),
    "WEBSITE": _("Website"), "REFERRAL": _("Referral"), "TRADE_SHOW": _("Trade show"), "COLD_CALL": _("Cold call"),
    "PARTNER": _("Partner"), "CAMPAIGN": _("Campaign"), "OTHER": _("Other"),
    "TRANSFER": _("Transfer"), "CARD": _("Card"), "CHECK": _("Check"), "CASH": _("Cash"),
    "DIRECT_DEBIT": _("Direct debit"),
    # history
    "CREATED": _("Created"), "UPDATED": _("Updated"), "DELETED": _("Deleted"), "RESTORED": _("Restored"),
    "LINKED": _("Linked"), "UNLINKED": _("Unlinked"), "COMMENTED": _("Commented"),
    "STATUS_CHANGED": _("Status changed"), "EMAILED": _("Emailed"),
    # emails sent about a record (SENT is shared with quotes)
    "PENDING": _("Pending"), "FAILED": _("Failed"),
    "MANUAL": _("Manual"), "QUICK_CREATE": _("Quick create"), "WORKFLOW": _("Workflow"), "IMPORT": _("Import"),
    "API": _("API"), "PORTAL": _("Portal"),
    # activities, comments
    "TASK": _("Task"), "EVENT": _("Event"), "CALL": _("Call"), "EMAIL": _("Email"),
    "PLANNED": _("Planned"), "IN_PROGRESS": _("In progress"), "DONE": _("Done"),
    "LOW": _("Low"), "NORMAL": _("Normal"), "HIGH": _("High"), "URGENT": _("Urgent"),
    "INTERNAL": _("Internal"), "SHARED": _("Shared"),
    # languages of documents
    "FR": _("French"), "EN": _("English"),
}

TONES = {
    "good": {"ACCEPTED", "PAID", "WON", "CONFIRMED", "POSTED", "ISSUED", "QUALIFIED", "DONE", "CONVERTED",
             "INVOICED"},
    "warn": {"SENT", "PARTIALLY_PAID", "PARTIALLY_INVOICED", "IN_PROGRESS", "CONTACTED", "NEGOTIATION",
             "PROPOSAL"},
    "bad": {"REFUSED", "EXPIRED", "CANCELLED", "OVERDUE", "LOST", "UNPAID"},
}


def enum_label(value) -> str:
    if value is None:
        return ""
    label = ENUM_LABELS.get(str(value))
    return str(label) if label is not None else str(value).replace("_", " ").capitalize()


def tone(value) -> str:
    return next((name for name, values in TONES.items() if value in values), "neutral")


def field_label(name: str) -> str:
    """A field's label from its model name (`billing_city`): the words of the model's default verbose name, so
    the model's translation applies."""
    return capfirst(gettext(str(name).replace("_", " ")))
