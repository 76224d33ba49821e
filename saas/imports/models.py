"""An import: the uploaded file, how its columns map to a module's fields, its report and the rows it wrote."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.imports.enums import ImportMode, ImportStatus, OnDuplicate, RowAction
from saas.records.models import user_fk


class ImportMapping(models.Model):
    """A column → field mapping saved under a name, reusable for the next file of the same module."""

    module = models.CharField(_("module"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict)  # {"CSV column": "field"}
    defaults = models.JSONField(_("default values"), default=dict)  # {"field": "text value"}
    created_by = user_fk(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "name"]
        constraints = [models.UniqueConstraint(fields=["module", "name"], name="import_mapping_unique_name")]

    def __str__(self) -> str:
        return f"{self.module}: {self.name}"


class Import(models.Model):
    module = models.CharField(_("module"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    # The decoded text: the job reads it after the request is gone, whatever storage holds uploads.
    content = models.TextField()
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=1)
    columns = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict)
    duplicate_fields = models.JSONField(default=list)
    on_duplicate = models.CharField(max_length=10, choices=OnDuplicate.choices, default=OnDuplicate.SKIP)
    mode = models.CharField(max_length=20, choices=ImportMode.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)  # [{"row", "column", "code", "message"}]
    created_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.module}: {self.file_name}"


class ImportRow(models.Model):
    """A record the import wrote; for an update, the values it replaced (what undo puts back)."""

    job = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField()
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=RowAction.choices)
    previous = models.JSONField(default=dict)

    class Meta:
        ordering = ["job", "row"]
        indexes = [models.Index(fields=["job", "action"], name="import_row_job_action")]

    def __str__(self) -> str:
        return f"{self.job_id}: row {self.row} {self.action}"
