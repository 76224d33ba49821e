"""`schema_pool`: the spare tenant schemas renamed at signup (tenants.pool): status, fill, discard."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from tenants import pool


class Command(BaseCommand):
    help = ("Shows the pool of spare tenant schemas (copies of the template renamed at signup); --fill brings it "
            "to N current spares (TENANT_SPARE_SCHEMAS by default), dropping those behind the template first; "
            "--discard drops them all.")

    def add_arguments(self, parser):
        parser.add_argument("--fill", type=int, nargs="?", const=-1, default=None, metavar="N",
                            help="Copy spares until N are current (default: TENANT_SPARE_SCHEMAS).")
        parser.add_argument("--discard", action="store_true", help="Drop every spare schema.")

    def handle(self, *args, fill, discard, **options):
        if discard:
            self.stdout.write(f"{pool.discard_all()} spare schema(s) dropped.")
        if fill is not None:
            target = settings.TENANT_SPARE_SCHEMAS if fill < 0 else fill
            started = time.perf_counter()
            created = pool.fill(target)
            elapsed = time.perf_counter() - started
            per_spare = f" ({elapsed / created:.2f} s each)" if created else ""
            self.stdout.write(f"{created} spare schema(s) copied in {elapsed:.1f} s{per_spare}.")
        self.stdout.write(f"{pool.spare_count()} spare schema(s) at the template's migration state.")
