"""`migrate`: the public schema, then the rollout: the template schema (and its DDL cache), then every tenant.

django-tenants only migrates schemas that have a Tenant row; the template has none (it is not a
tenant), so it is migrated here, first, so that signups during a rollout already get the new
schema. Tenants already at the template's migration state are skipped (tenants.rollout).
"""

import os

from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from tenants.management.commands.rollout import rollout_and_report
from tenants.services import public_tenant_ensure


class Command(MigrateSchemasCommand):
    help = "Migrates the public schema, the tenant template (refreshing its cached DDL) and every tenant."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="Forked worker processes migrating tenants (default: CPU count).")

    def handle(self, *args, **options):
        if options.get("schema_name") or options.get("migration_name"):
            return super().handle(*args, **options)
        super(MigrateSchemasCommand, self).handle(*args, **options)
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
            public_tenant_ensure()
        if self.sync_tenant:
            rollout_and_report(self, workers=options["workers"], verbosity=int(options.get("verbosity", 1)))
