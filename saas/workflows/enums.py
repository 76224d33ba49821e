from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    ON_CREATE = "on_create", _("When a record is created")
    ON_SAVE = "on_save", _("Every time a record is saved")
    ON_CONDITION = "on_condition", _("When the conditions first become true")
    SCHEDULE = "schedule", _("On a schedule")
    MANUAL = "manual", _("Manually")
    ON_COMMENT = "on_comment", _("When a comment is added")


class Match(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class Operator(models.TextChoices):
    EQUALS = "equals", _("equals")
    NOT_EQUALS = "not_equals", _("does not equal")
    CONTAINS = "contains", _("contains")
    GREATER = "greater", _("is greater than")
    LESS = "less", _("is less than")
    IS_EMPTY = "is_empty", _("is empty")
    IS_NOT_EMPTY = "is_not_empty", _("is not empty")
    HAS_CHANGED = "has_changed", _("has changed")
    CHANGED_TO = "changed_to", _("changed to")
    IN_LAST_DAYS = "in_last_days", _("in the last N days")
    OLDER_THAN_DAYS = "older_than_days", _("older than N days")


class ActionKind(models.TextChoices):
    UPDATE_FIELDS = "update_fields", _("Update fields")
    CREATE_ACTIVITY = "create_activity", _("Create an activity")
    CREATE_RECORD = "create_record", _("Create a record")
    WEBHOOK = "webhook", _("Call a webhook")
    SEND_EMAIL = "send_email", _("Send an email from a template")


class RunResult(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    DEPTH_EXCEEDED = "depth_exceeded", _("Stopped: workflows triggering each other too deep")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
