from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    """Chosen explicitly for every import: no default, the two behave very differently on bad rows."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    VALID_ROWS_ONLY = "valid_rows_only", _("Valid rows only")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip")
    UPDATE = "update", _("Update")
    MERGE = "merge", _("Merge (fill the empty fields only)")


class ImportStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("Dry run")
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class RowAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
