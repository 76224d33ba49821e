"""pgtrigger and pghistory put their own per-row functions back with every trigger a migration installs and with
pghistory's own migrations: ours (saas.core.triggers) are installed again after every migration run."""

from collections import Counter
from contextlib import contextmanager

import pgtrigger
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate
from pghistory.models import Context

from saas.crm.models import Contact
from saas.records.services.records import records_create_many


@contextmanager
def subtransactions():
    """The subtransactions PostgreSQL starts and rolls back on this connection while the block runs (it reports
    each one as a DEBUG5 message): a trigger function that catches an error rolls one back."""
    seen: Counter = Counter()

    def count(diagnostic) -> None:
        kind = (diagnostic.message_primary or "").split("(", 1)[0]
        if kind in ("StartSubTransaction", "AbortSubTransaction"):
            seen[kind] += 1

    connection.ensure_connection()
    raw = connection.connection
    raw.add_notice_handler(count)
    with connection.cursor() as cursor:
        cursor.execute("SET client_min_messages = debug5")
    try:
        yield seen
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET client_min_messages")
        raw.remove_notice_handler(count)


def rolled_back_per_contact(actor) -> int:
    with subtransactions() as seen:
        records_create_many(actor=actor, model=Contact, rows=[{"last_name": f"Person{i}"} for i in range(4)])
    return seen["AbortSubTransaction"] // 4


def test_the_packages_functions_installed_again_by_a_migration_are_replaced_after_it(acme, acme_admin):
    connection.set_schema("acme")
    assert rolled_back_per_contact(acme_admin) == 0
    # what a migration installing a trigger, and pghistory's own migrations, run
    [(model, trigger)] = pgtrigger.registered("crm.Contact:insert_insert")
    trigger.install(model)
    Context.install_pgh_attach_context_func()
    assert rolled_back_per_contact(acme_admin) >= 1
    # when: the migration run ends
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, verbosity=0, interactive=False, using=connection.alias,
                      apps=apps, plan=[])
    # then
    assert rolled_back_per_contact(acme_admin) == 0
