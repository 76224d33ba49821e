from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from saas.workflows.services import scheduled_workflows_run
from tenants.selectors import tenant_schema_names


class Command(BaseCommand):
    help = "Run the due scheduled workflows of every tenant now (safe to run twice: a slot runs once)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this tenant schema.")

    def handle(self, *args, schema=None, **options):
        for schema_name in [schema] if schema else tenant_schema_names():
            with schema_context(schema_name):
                runs = scheduled_workflows_run()
            self.stdout.write(f"{schema_name}: {len(runs)} run(s)")
