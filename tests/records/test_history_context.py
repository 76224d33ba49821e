"""The history triggers' database functions (saas.core.triggers, our versions of pgtrigger's and pghistory's):
the context of a change is recorded once per context and kept up to date, writes outside a context have none,
and `pgtrigger.ignore` still silences a trigger."""

import pghistory
import pgtrigger
import pytest
from django.db import connection, transaction
from pghistory.models import Context

from saas.crm.models import Contact
from saas.records.enums import RecordSource
from saas.records.services.records import records_create_many


@pytest.fixture
def actor(acme, acme_admin):
    connection.set_schema("acme")
    return acme_admin


def people(count: int, name: str = "Person") -> list[dict]:
    return [{"first_name": f"F{i}", "last_name": f"{name}{i}"} for i in range(count)]


def events(records) -> list:
    return list(Contact.pgh_event_model.objects.filter(pgh_obj_id__in=[record.pk for record in records])
                .select_related("pgh_context").order_by("pgh_id"))


def context_updates() -> int:
    """Rows of pghistory's context table updated so far by this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables "
                       "WHERE relid = to_regclass('pghistory_context')")
        return cursor.fetchone()[0]


def test_a_context_is_written_once_for_its_rows_and_updated_when_its_metadata_changes(actor):
    with transaction.atomic(), pghistory.context(user=actor.pk, source=RecordSource.IMPORT) as context:
        before = context_updates()
        first = records_create_many(actor=actor, model=Contact, rows=people(30))
        # the same metadata: the context row is left as it is, whatever the number of rows
        assert context_updates() == before
        with pghistory.context(step="second"):
            second = records_create_many(actor=actor, model=Contact, rows=people(2, "Other"))
        # the metadata changed within the transaction: updated once, for the next rows
        assert context_updates() == before + 1
    written = events(first + second)
    assert len(written) == 32
    assert {event.pgh_context_id for event in written} == {context.id}
    assert Context.objects.get(pk=context.id).metadata == {"user": actor.pk, "source": "import", "step": "second"}


def test_a_change_outside_any_context_has_no_context(actor):
    before = records_create_many(actor=actor, model=Contact, rows=people(1, "Before"))
    # a context whose transaction (here a savepoint) is rolled back leaves its settings defined but empty
    with pytest.raises(RuntimeError), transaction.atomic(), pghistory.context(user=actor.pk):
        records_create_many(actor=actor, model=Contact, rows=people(1, "RolledBack"))
        raise RuntimeError
    after = records_create_many(actor=actor, model=Contact, rows=people(2, "After"))
    assert [event.pgh_context_id for event in events(before + after)] == [None, None, None]


def test_an_ignored_trigger_writes_no_history_and_the_others_still_do(actor):
    with pgtrigger.ignore("crm.Contact:insert_insert"):
        ignored = records_create_many(actor=actor, model=Contact, rows=people(2, "Ignored"))
    recorded = records_create_many(actor=actor, model=Contact, rows=people(1, "Recorded"))
    assert events(ignored) == []
    assert [event.pgh_label for event in events(recorded)] == ["insert"]
