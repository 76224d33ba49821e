"""Status pipelines as data: every status field declared, moved only by `record_transition`, the move in history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models

from saas.crm import leads
from saas.crm.models import Deal, Lead
from saas.records import registry
from saas.records.services.pipelines import record_transition
from saas.records.services.records import record_update
from tests.helpers import gid

HISTORY = """query($id: ID!) { node(id: $id) { ... on Record { history(first: 10) { edges { node {
  kind changes { field old new } } } } } } }"""
STATUS_FIELDS = {"status", "stage"}


def test_every_status_field_of_every_record_type_is_a_pipeline_over_its_choices():
    for record_type in registry.all_types():
        declared = {field.name for field in record_type.model._meta.concrete_fields
                    if field.name in STATUS_FIELDS and isinstance(field, models.CharField) and field.choices}
        assert set(record_type.pipelines) == declared, record_type.key
        for name, transitions in record_type.pipelines.items():
            states = {value for value, _label in record_type.model._meta.get_field(name).choices}
            for transition in transitions:
                assert {*transition.sources, transition.target} <= states, (record_type.key, transition)
                assert transition.verb is None or isinstance(transition.verb, str)
        for verb in record_type.verbs:
            assert record_type.verb_states(verb.key), (record_type.key, verb.key)


def test_record_update_refuses_a_status_field_and_writes_nothing(world, acme_admin):
    connection.set_schema("acme")
    lead = leads.lead_create(actor=acme_admin, fields={"last_name": "Martin", "company": "Martin SA"})

    with pytest.raises(ValidationError) as refused:
        record_update(actor=acme_admin, record=lead, version=lead.version,
                      fields={"status": "qualified", "company": "Other SA"})

    assert {name: [error.code for error in errors] for name, errors in refused.value.error_dict.items()} == {
        "status": ["pipeline_field"]}
    unchanged = Lead.objects.get(pk=lead.pk)
    assert (unchanged.status, unchanged.company, unchanged.version) == ("new", "Martin SA", lead.version)


def test_a_transition_outside_the_pipeline_is_refused(world, acme_admin):
    connection.set_schema("acme")
    deal = leads.deal_create(actor=acme_admin, fields={"name": "Big", "account": world.account})

    with pytest.raises(ValidationError) as refused:
        record_transition(actor=acme_admin, record=deal, to="won", verb="move", field="stage")

    assert refused.value.error_dict["stage"][0].code == "transition"
    assert Deal.objects.get(pk=deal.pk).stage == "prospecting"


def test_a_transition_is_a_status_change_in_the_record_history(world, acme_admin, acme_admin_api):
    connection.set_schema("acme")
    lead = leads.lead_create(actor=acme_admin, fields={"last_name": "Martin"})
    leads.lead_set_status(actor=acme_admin, lead=lead, status="contacted")
    deal = leads.deal_create(actor=acme_admin, fields={"name": "Big", "account": world.account})
    leads.deal_move(actor=acme_admin, deal=deal, stage="proposal")
    connection.set_schema_to_public()

    for record, field, old, new in ((lead, "status", "new", "contacted"), (deal, "stage", "prospecting", "proposal")):
        events = acme_admin_api.execute(HISTORY, {"id": gid(record)})
        latest = events["data"]["node"]["history"]["edges"][0]["node"]
        assert latest["kind"] == "STATUS_CHANGED"
        assert {"field": field, "old": old, "new": new} in latest["changes"]
