from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What a profile allows on a module."""

    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    EDIT = "edit", _("Edit")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class DefaultAccess(models.TextChoices):
    """Organisation-wide default of a module: who sees the records nobody shared explicitly."""

    PRIVATE = "private", _("Private: owners, their superiors and sharing rules")
    PUBLIC_READ = "public_read", _("Public read, owners write")
    PUBLIC_READ_WRITE = "public_read_write", _("Public read and write")


class RuleAccess(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class FieldAccess(models.TextChoices):
    """A field's right in a profile; editable fields have no row."""

    HIDDEN = "hidden", _("Hidden")
    READ_ONLY = "read_only", _("Read-only")
