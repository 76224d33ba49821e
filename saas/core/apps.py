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

        # pgtrigger reinstalls its slow `_pgtrigger_should_ignore` with every trigger a migration installs.
        from django.db.models.signals import post_migrate

        from saas.core.triggers import reinstall_after_migrate

        post_migrate.connect(reinstall_after_migrate, sender=self)
