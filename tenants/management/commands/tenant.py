"""Operator commands: `manage.py tenant create|list|suspend|reactivate|delete`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import selectors, services
from tenants.enums import TenantStatus
from tenants.models import User


class Command(BaseCommand):
    help = "Creates, lists, suspends, reactivates or deletes tenants."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a tenant and its first admin.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--email", required=True, help="The first admin's email (created if new).")
        create.add_argument("--password", help="Required when the admin is a new identity.")
        create.add_argument("--language", default="fr", choices=["fr", "en"])
        create.add_argument("--plan", default="trial")
        create.add_argument("--migrations", action="store_true",
                            help="Build the schema by running migrations instead of replaying the template.")
        listing = actions.add_parser("list", help="List tenants.")
        listing.add_argument("--status", choices=TenantStatus.values)
        for action in ("suspend", "reactivate"):
            actions.add_parser(action, help=f"{action.capitalize()} a tenant.").add_argument("slug")
        delete = actions.add_parser("delete", help="Delete a tenant and drop its schema.")
        delete.add_argument("slug")
        delete.add_argument("--yes-drop-all-data", dest="confirm", action="store_true",
                            help="Required: the schema and every row in it are dropped.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from refusal

    def _create(self, slug, name, email, password, language, plan, migrations, **_):
        admin = User.objects.filter(email=email.lower()).first()
        if admin is None:
            if not password:
                raise CommandError("--password is required for a new admin identity")
            admin = User.objects.create_user(email, password, language=language)
        tenant = services.tenant_create(name=name, slug=slug, admin=admin, language=language, plan=plan,
                                        use_template=not migrations)
        self.stdout.write(f"created {tenant.schema_name}: {selectors.tenant_url(tenant)}")

    def _list(self, status=None, **_):
        for tenant in selectors.tenant_list(status=status):
            self.stdout.write(f"{tenant.schema_name}\t{tenant.status}\t{tenant.plan}\t{tenant.name}\t"
                              f"{tenant.created_at:%Y-%m-%d}")

    def _suspend(self, slug, **_):
        services.tenant_set_status(tenant=self._tenant(slug), status=TenantStatus.SUSPENDED)
        self.stdout.write(f"suspended {slug}")

    def _reactivate(self, slug, **_):
        services.tenant_set_status(tenant=self._tenant(slug), status=TenantStatus.ACTIVE)
        self.stdout.write(f"reactivated {slug}")

    def _delete(self, slug, confirm, **_):
        services.tenant_delete(tenant=self._tenant(slug), confirm=confirm)
        self.stdout.write(f"deleted {slug} and dropped its schema")

    def _tenant(self, slug):
        tenant = selectors.tenant_get(slug=slug)
        if tenant is None:
            raise CommandError(f"no tenant {slug!r}")
        return tenant
