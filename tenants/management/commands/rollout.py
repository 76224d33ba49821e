"""`rollout`: the template schema, then every tenant behind it, by forked workers (tenants.rollout)."""

import os

from django.core.management.base import BaseCommand, CommandError

from tenants import pool
from tenants.rollout import rollout


class Command(BaseCommand):
    help = ("Migrates the tenant template (refreshing its cached DDL), then every tenant schema behind it in "
            "parallel; reports each failed tenant and exits non-zero if any failed. Run again to continue.")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="Forked worker processes, each with its own connection (default: CPU count).")
        parser.add_argument("--schema", action="append", dest="schema_names",
                            help="Only this tenant (repeatable), e.g. a canary before the whole fleet.")

    def handle(self, *args, workers, schema_names, verbosity, **options):
        rollout_and_report(self, workers=workers, schema_names=schema_names, verbosity=verbosity)


def rollout_and_report(command: BaseCommand, *, workers: int, schema_names: list[str] | None = None,
                       verbosity: int = 1) -> None:
    def on_result(name, error):
        if error and verbosity > 1:
            command.stderr.write(f"failed {name}: {error}")
        elif verbosity > 1:
            command.stdout.write(f"migrated {name}")

    report = rollout(workers=workers, schema_names=schema_names, on_result=on_result)
    pool.refill_later()  # the spares left behind the template were dropped
    if verbosity:
        command.stdout.write(f"Template DDL cached; {len(report.migrated)} tenant(s) migrated, "
                             f"{len(report.current)} already current, {len(report.failed)} failed.")
    if report.failed:
        for name, error in sorted(report.failed.items()):
            command.stderr.write(f"{name}: {error.splitlines()[0]}")
        raise CommandError(f"{len(report.failed)} tenant(s) failed to migrate; fix them and run again "
                           f"(tenants already migrated are skipped): {', '.join(sorted(report.failed))}")
