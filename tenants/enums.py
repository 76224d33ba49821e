from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class MembershipKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CUSTOMER = "customer", _("Customer")
    EMPLOYEE = "employee", _("Employee")


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class TenantAuditAction(models.TextChoices):
    EXPORT = "export", _("Export")
    RESTORE = "restore", _("Restore")
    DELETE = "delete", _("Delete")
