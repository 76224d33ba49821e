from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    API_TOKEN_USE = "api_token_use", _("API token use")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    WORKFLOW_RUN = "workflow_run", _("Workflow run")
    SETTINGS_CHANGE = "settings_change", _("Settings change")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
