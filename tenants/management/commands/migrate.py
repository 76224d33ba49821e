"""`migrate`: public schema, then the template schema (and its DDL cache), then every tenant.

django-tenants only migrates schemas that have a Tenant row; the template has none (it is not a
tenant), so it is migrated here, first, so that signups during a rollout already get the new
schema. Tenants already at the template's migration state are skipped.
"""

from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from tenants import schemas
from tenants.selectors import tenant_schema_names
from tenants.services import public_tenant_ensure


class Command(MigrateSchemasCommand):
    help = "Migrates the public schema, the tenant template (refreshing its cached DDL) and every tenant."

    def handle(self, *args, **options):
        if options.get("schema_name") or options.get("migration_name"):
            return super().handle(*args, **options)
        super(MigrateSchemasCommand, self).handle(*args, **options)
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
            public_tenant_ensure()
        if not self.sync_tenant:
            return
        template = schemas.template_schema_name()
        schemas.create_empty_schema(template)
        executor.run_migrations(tenants=[template])
        schemas.cache_template_ddl()
        target = schemas.applied_migrations(template)
        stale = [name for name in tenant_schema_names() if schemas.applied_migrations(name) != target]
        if stale:
            executor.run_migrations(tenants=stale)
        verbosity = int(options.get("verbosity", 1))
        if verbosity:
            skipped = len(tenant_schema_names()) - len(stale)
            self.stdout.write(f"Template DDL cached; {len(stale)} tenant(s) migrated, {skipped} already current.")
