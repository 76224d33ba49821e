from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "saas.workflows"
    label = "workflows"
    verbose_name = "Workflows"

    def ready(self):
        from saas.workflows import hooks

        hooks.connect()
