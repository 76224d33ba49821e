from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    QUICK_CREATE = "quick_create", _("Quick create")
    WORKFLOW = "workflow", _("Workflow")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    PORTAL = "portal", _("Portal")


class CommentVisibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    SHARED = "shared", _("Shared with portals")


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    EVENT = "event", _("Event")
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice")


class HistoryKind(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    RESTORED = "restored"
    LINKED = "linked"
    UNLINKED = "unlinked"
    COMMENTED = "commented"
    STATUS_CHANGED = "status_changed"
    EMAILED = "emailed"
