from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saas.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Loaded after pgtrigger, which patches makemigrations' autodetector: django-tenants'
        # migrate command pins Django's own, and Django refuses two different ones (DESIGN.md section 4).
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector
