"""`manage.py tenant_delete <slug> --yes`: a tenant deleted completely, audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import selectors, services


class Command(BaseCommand):
    help = "Deletes a tenant completely: schema, files, domains, memberships, queued jobs and cache keys."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--yes", dest="confirm", action="store_true",
                            help="Required: every row and file of the tenant is deleted, without a way back.")
        parser.add_argument("--actor", help="Who runs the deletion, for the audit trail (default: user@host).")

    def handle(self, *args, slug, confirm, actor, **options):
        tenant = selectors.tenant_get(slug=slug)
        if tenant is None:
            raise CommandError(f"no tenant {slug!r}")
        try:
            removed = services.tenant_delete(tenant=tenant, confirm=confirm, actor=actor)
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from refusal
        self.stdout.write(f"deleted {slug}: schema dropped, " + ", ".join(
            f"{count} {what}" for what, count in removed.items()))
