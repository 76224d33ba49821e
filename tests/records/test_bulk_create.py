"""Creating records by batches (`records_create_many`): the checks of `record_create` row by row, a constant
number of queries per batch, numbers in one step (gapless series included), history written by the triggers."""

import pghistory
import pytest
from django.db import connection, transaction

from saas.crm.models import Account, Contact, Deal, Lead
from saas.records.enums import RecordSource
from saas.records.models import NumberingFormat, RecordRef
from saas.records.services.numbering import number_next, numbering_get
from saas.records.services.records import records_create_many
from saas.records.signals import records_created


@pytest.fixture
def actor(acme, acme_admin):
    connection.set_schema("acme")
    return acme_admin


def people(count: int) -> list[dict]:
    return [{"first_name": f"F{i}", "last_name": f"Person{i}", "email": f"p{i}@example.com"} for i in range(count)]


def sequence_of(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


@pytest.mark.parametrize("count", [3, 300])
def test_a_batch_takes_the_same_queries_whatever_its_size(actor, django_assert_max_num_queries, count):
    records_create_many(actor=actor, model=Contact, rows=people(1))  # the actor's rights, computed once
    # custom fields, ids, numbering format, its sequence (created if missing, then taken), references, records,
    # and the workflows' look at the batch
    with django_assert_max_num_queries(8):
        created = records_create_many(actor=actor, model=Contact, rows=people(count), source=RecordSource.IMPORT)
    assert all(isinstance(record, Contact) for record in created)
    assert Contact.objects.filter(pk__in=[record.pk for record in created], source="import").count() == count


def test_rows_are_checked_one_by_one_and_the_valid_ones_created_as_record_create_would(actor):
    # when
    with pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        martin, refused, petit = records_create_many(actor=actor, model=Contact, source=RecordSource.IMPORT, rows=[
            {"first_name": "Ann", "last_name": " Martin ", "email": "ann@example.com"},
            {"last_name": "", "email": "not-an-email"},
            {"last_name": "Petit"},
        ])
    # then: the refused row names each bad field (the model's own code first, as a form would)
    assert {name: [error.code for error in errors] for name, errors in refused.error_dict.items()} == {
        "last_name": ["blank"], "email": ["invalid"]}
    martin.refresh_from_db()
    assert (martin.last_name, martin.owner_user_id, martin.created_by_id, martin.source) == (
        "Martin", actor.pk, actor.pk, "import")
    assert sequence_of(petit.number) == sequence_of(martin.number) + 1
    ref = RecordRef.objects.get(pk=martin.ref_id)
    assert (ref.type_key, ref.object_id, ref.display_name) == ("contacts", martin.pk, "Ann Martin")
    assert RecordRef.objects.filter(pk=ref.pk, search_vector="martin").exists()
    [event] = Contact.pgh_event_model.objects.filter(pgh_obj_id=martin.pk).select_related("pgh_context")
    assert (event.pgh_label, event.pgh_context.metadata["source"]) == ("insert", "import")


def test_the_types_own_rules_hold_by_batches(actor):
    lead, = records_create_many(actor=actor, model=Lead, rows=[{"last_name": "Lee", "status": "qualified"}])
    account, mismatch = records_create_many(actor=actor, model=Account, rows=[
        {"name": "Total", "siren": "732 829 320"}, {"name": "Other", "siren": "732829320", "siret": "30326504500003"}])
    assert Lead.objects.get(pk=lead.pk).status == "new"
    assert Account.objects.get(pk=account.pk).siren == "732829320"
    assert [error.code for error in mismatch.error_dict["siret"]] == ["siret_siren_mismatch"]


def test_a_gapless_series_numbers_a_batch_in_one_locked_step_and_a_rollback_gives_the_numbers_back(actor):
    NumberingFormat.objects.filter(pk=numbering_get(module="contacts").pk).update(gapless=True)
    first = records_create_many(actor=actor, model=Contact, rows=people(3))
    with pytest.raises(RuntimeError), transaction.atomic():
        records_create_many(actor=actor, model=Contact, rows=people(5))
        raise RuntimeError
    following = sequence_of(number_next(module="contacts"))
    assert [sequence_of(record.number) for record in first] == [following - 3, following - 2, following - 1]


def test_receivers_hear_of_a_batch_once(actor):
    heard = []

    def receiver(sender, records, **kwargs):
        heard.append((sender, len(records)))

    records_created.connect(receiver)
    try:
        records_create_many(actor=actor, model=Contact, rows=[*people(4), {"last_name": ""}])
    finally:
        records_created.disconnect(receiver)
    assert heard == [(Contact, 4)]


def test_a_type_created_with_more_than_the_engines_work_is_refused(actor):
    with pytest.raises(ValueError, match="deals"):
        records_create_many(actor=actor, model=Deal, rows=[{"name": "Big deal"}])
