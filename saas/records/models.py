"""The record engine's tables: every record's central reference, and what hangs off any record.

Comments, tags, activity and document links point at `RecordRef` through real foreign keys: integrity
holds, the optimizer can prefetch them, one index serves global search and one set of ids serves the
roll-up (DESIGN.md section 4).
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.records.enums import (
    ActivityKind,
    ActivityPriority,
    ActivityStatus,
    CommentVisibility,
    CustomFieldType,
    RecordSource,
)
from saas.records.history import tracked

USER = settings.AUTH_USER_MODEL


def user_fk(**options):
    # Identities live in the public schema: no cascade from there (Django's collector cannot see tenant
    # tables), and no database constraint either: with one, deleting an identity would check (and lock)
    # every referencing table of every tenant schema, which runs out of lock slots past ~90 tenants. An
    # identity is protected in Python instead: it cannot be deleted while it holds a membership
    # (tenants.Membership.user is PROTECT), and a tenant's rows only name its members.
    return models.ForeignKey(USER, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, **options)


class RecordRef(models.Model):
    type_key = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    display_name = models.CharField(max_length=255)
    company = models.ForeignKey("companies.Company", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    search_text = models.TextField(blank=True, default="")
    search_vector = SearchVectorField(null=True)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type_key", "object_id"], name="recordref_unique_object")]
        indexes = [
            GinIndex(fields=["search_vector"], name="recordref_search_vector"),
            GinIndex(OpClass(Upper("search_text"), name="gin_trgm_ops"), name="recordref_search_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.type_key}#{self.object_id} {self.display_name}"


class Record(models.Model):
    """What every business record carries; created, changed and deleted only through the engine's services."""

    ref = models.OneToOneField(RecordRef, on_delete=models.PROTECT, related_name="+", editable=False)
    number = models.CharField(_("number"), max_length=40, null=True, blank=True, db_index=True)
    owner_user = user_fk(null=True, blank=True, verbose_name=_("owner"))
    owner_team = models.ForeignKey("access.Team", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("owner team"))
    source = models.CharField(max_length=16, choices=RecordSource.choices, default=RecordSource.MANUAL)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = user_fk(null=True, blank=True, verbose_name=_("created by"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = user_fk(null=True, blank=True, verbose_name=_("updated by"))
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = user_fk(null=True, blank=True)
    custom = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=False, owner_team__isnull=True)
                | models.Q(owner_user__isnull=True, owner_team__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
            ),
        ]


@tracked("comment")
class Comment(models.Model):
    ref = models.ForeignKey(RecordRef, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField()
    author = user_fk()
    visibility = models.CharField(max_length=10, choices=CommentVisibility.choices,
                                  default=CommentVisibility.INTERNAL)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ref", "-created_at", "-id"], name="comment_ref_newest"),
            # A roll-up covering many records walks the newest comments and stops at the page size.
            models.Index(fields=["-created_at", "-id"], name="comment_newest"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class Tag(models.Model):
    name = models.CharField(max_length=60)
    color = models.CharField(max_length=7, default="#6b7280")

    class Meta:
        constraints = [models.UniqueConstraint(Upper("name"), name="tag_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@tracked("taglink", pghistory.InsertEvent("linked"), pghistory.DeleteEvent("unlinked"))
class TagLink(models.Model):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="links")
    ref = models.ForeignKey(RecordRef, on_delete=models.CASCADE, related_name="tag_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ref", "tag"], name="taglink_unique")]

    def __str__(self) -> str:
        return f"{self.tag_id}@{self.ref_id}"


class Activity(models.Model):
    kind = models.CharField(max_length=8, choices=ActivityKind.choices, default=ActivityKind.TASK)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    priority = models.CharField(max_length=8, choices=ActivityPriority.choices, default=ActivityPriority.NORMAL)
    due_at = models.DateTimeField(null=True, blank=True)
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)
    assigned_user = user_fk(null=True, blank=True)
    assigned_team = models.ForeignKey("access.Team", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    created_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    refs = models.ManyToManyField(RecordRef, through="ActivityLink", related_name="activities")

    class Meta:
        ordering = ["due_at", "start_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assigned_user__isnull=True) | models.Q(assigned_team__isnull=True),
                name="activity_one_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


@tracked("activitylink", pghistory.InsertEvent("linked"), pghistory.DeleteEvent("unlinked"))
class ActivityLink(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    ref = models.ForeignKey(RecordRef, on_delete=models.CASCADE, related_name="activity_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "ref"], name="activitylink_unique")]

    def __str__(self) -> str:
        return f"{self.activity_id}@{self.ref_id}"


class DocumentFolder(models.Model):
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="folder_unique_name",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    title = models.CharField(max_length=200)
    file = models.FileField(max_length=300)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    folder = models.ForeignKey(DocumentFolder, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="documents")
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents")
    uploaded_by = user_fk(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    refs = models.ManyToManyField(RecordRef, through="DocumentLink", related_name="documents")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


@tracked("documentlink", pghistory.InsertEvent("linked"), pghistory.DeleteEvent("unlinked"))
class DocumentLink(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    ref = models.ForeignKey(RecordRef, on_delete=models.CASCADE, related_name="document_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "ref"], name="documentlink_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}@{self.ref_id}"


class CustomFieldDefinition(models.Model):
    module = models.CharField(max_length=64)
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=10, choices=CustomFieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["module", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="customfield_unique_key")]

    def __str__(self) -> str:
        return f"{self.module}.{self.key}"


class NumberingFormat(models.Model):
    module = models.CharField(max_length=64, unique=True)
    pattern = models.CharField(max_length=60)
    yearly_reset = models.BooleanField(default=False)
    # The law wants invoices, credit notes and posted entries numbered without gaps: a locked counter
    # row in the caller's transaction. Others take a PostgreSQL sequence (no lock, gaps on rollback).
    gapless = models.BooleanField(default=False)
    company_scoped = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.module}: {self.pattern}"


class NumberCounter(models.Model):
    numbering = models.ForeignKey(NumberingFormat, on_delete=models.CASCADE, related_name="counters")
    company_id = models.BigIntegerField(default=0)
    year = models.PositiveIntegerField(default=0)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["numbering", "company_id", "year"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.numbering_id}/{self.company_id}/{self.year}={self.value}"


class Layout(models.Model):
    """A tenant's customization of a module's layout; missing keys fall back to the registry's defaults."""

    module = models.CharField(max_length=64, unique=True)
    config = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.module


class UserPreference(models.Model):
    user = user_fk()
    module = models.CharField(max_length=64)
    comments_roll_up = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.module}"


class SavedFilter(models.Model):
    """A user's named view of a module's list: its filter, its columns and its sort, to come back to in one click."""

    user = user_fk()
    module = models.CharField(max_length=64)
    name = models.CharField(max_length=60)
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    sort = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("user", "module", Upper("name"), name="savedfilter_unique_name")]

    def __str__(self) -> str:
        return f"{self.module}: {self.name}"
