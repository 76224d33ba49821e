"""`manage.py tenant_export <slug> <archive.tar.gz>`: one tenant's rows, files and manifest in one archive."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import lifecycle, selectors


class Command(BaseCommand):
    help = "Exports a tenant (its schema's rows, its files and a manifest) to a tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("archive", type=Path)
        parser.add_argument("--actor", help="Who runs the export, for the audit trail (default: user@host).")

    def handle(self, *args, slug, archive, actor, **options):
        tenant = selectors.tenant_get(slug=slug)
        if tenant is None:
            raise CommandError(f"no tenant {slug!r}")
        try:
            manifest = lifecycle.tenant_export(tenant=tenant, archive=archive, actor=actor)
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from refusal
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(f"exported {slug} to {archive}: {len(manifest['tables'])} tables, {rows} rows, "
                          f"{len(manifest['files'])} files")
        for name in manifest["missing_files"]:
            self.stderr.write(f"missing from storage, not exported: {name}")
