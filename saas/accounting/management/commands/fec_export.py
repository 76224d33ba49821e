"""The FEC of a tenant's fiscal year, for an auditor or an accountant: checked, then written to a file
(`--output`) or stored as a document of the tenant."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import tenant_context

from saas.accounting import fec
from saas.accounting.models import FiscalYear
from tenants.selectors import tenant_list


class Command(BaseCommand):
    help = "Export the FEC of a fiscal year (DOMAIN.md section 5)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--year", required=True, help="The fiscal year's name, e.g. 2026.")
        parser.add_argument("--company", type=int, help="The company's id when the tenant has several.")
        parser.add_argument("--output", help="A file or folder to write to; else the FEC is stored as a document.")
        parser.add_argument("--separator", choices=sorted(fec.SEPARATORS), default="pipe")

    def handle(self, *args, tenant, year, company=None, output=None, separator="pipe", **options):
        found = tenant_list().filter(schema_name=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}.")
        with tenant_context(found), transaction.atomic():
            years = FiscalYear.objects.select_related("company").filter(name=year)
            years = years.filter(company_id=company) if company else years.filter(company__is_default=True)
            fiscal_year = years.first()
            if fiscal_year is None:
                raise CommandError(f"No fiscal year {year!r} in {tenant!r}.")
            errors = fec.fec_check(fiscal_year=fiscal_year)
            if errors:
                raise CommandError("\n".join(f"{error.code}: {error.message}" for error in errors))
            if output:
                path = Path(output)
                path = path / fec.fec_file_name(fiscal_year) if path.is_dir() else path
                with path.open("wb") as out:
                    lines = fec.fec_write(fiscal_year=fiscal_year, out=out, separator=fec.SEPARATORS[separator])
                self.stdout.write(f"{path}: {lines - 1} lines")
                return
            try:
                document = fec.fec_export(actor=None, fiscal_year=fiscal_year,
                                          separator=fec.SEPARATORS[separator])
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self.stdout.write(f"{document.file_name}: document {document.pk}, {document.size} bytes")
