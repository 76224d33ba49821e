"""Labels of the API's enum values, in the user's language; tones for the status chips."""

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from web.app import meta

# The values of enums that are no record type's field (the record types' choices are labelled by their declaration:
# the catalog of `web.app.meta`).
ENUM_LABELS = {
    # history
    "CREATED": _("Created"), "UPDATED": _("Updated"), "DELETED": _("Deleted"), "RESTORED": _("Restored"),
    "LINKED": _("Linked"), "UNLINKED": _("Unlinked"), "COMMENTED": _("Commented"),
    "STATUS_CHANGED": _("Status changed"), "EMAILED": _("Emailed"),
    # emails sent about a record
    "PENDING": _("Pending"), "SENT": _("Sent"), "FAILED": _("Failed"),
    "MANUAL": _("Manual"), "QUICK_CREATE": _("Quick create"), "WORKFLOW": _("Workflow"), "IMPORT": _("Import"),
    "API": _("API"), "PORTAL": _("Portal"),
    # activities, comments
    "TASK": _("Task"), "EVENT": _("Event"), "CALL": _("Call"), "EMAIL": _("Email"),
    "PLANNED": _("Planned"), "IN_PROGRESS": _("In progress"), "DONE": _("Done"),
    "LOW": _("Low"), "NORMAL": _("Normal"), "HIGH": _("High"), "URGENT": _("Urgent"),
    "INTERNAL": _("Internal"), "SHARED": _("Shared"),
}

TONES = {"DONE": "good", "IN_PROGRESS": "warn"}  # activities'; the record types' come with their choices


def enum_label(value) -> str:
    if value is None:
        return ""
    catalog = meta.current()
    label = (catalog.choice_labels.get(str(value)) if catalog else None) or ENUM_LABELS.get(str(value))
    return str(label) if label is not None else str(value).replace("_", " ").capitalize()


def tone(value) -> str:
    catalog = meta.current()
    return (catalog.tones.get(value) if catalog else None) or TONES.get(value, "neutral")


def field_label(name: str) -> str:
    """A field's label from its model name (`billing_city`): the words of the model's default verbose name, so
    the model's translation applies."""
    return capfirst(gettext(str(name).replace("_", " ")))
