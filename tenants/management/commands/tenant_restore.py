"""`manage.py tenant_restore <archive> <new-slug>`: a new tenant from an archive, verified equal to it."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import lifecycle, selectors


class Command(BaseCommand):
    help = "Restores a tenant archive under a new slug (schema, domain, memberships, rows, files), verified."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("slug", help="The new tenant's slug (the archived one's may still be in use).")
        parser.add_argument("--name", help="The new tenant's name (default: the archived one's).")
        parser.add_argument("--actor", help="Who runs the restore, for the audit trail (default: user@host).")

    def handle(self, *args, archive, slug, name, actor, **options):
        try:
            tenant = lifecycle.tenant_restore(archive=archive, slug=slug, name=name, actor=actor)
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from refusal
        self.stdout.write(f"restored {archive} as {tenant.schema_name}: {selectors.tenant_url(tenant)}")
