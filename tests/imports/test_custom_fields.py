"""CSV import into custom fields: a column mapped to `custom.<key>` (by hand, by a saved mapping, or by its
label), each cell read as a value of the field's type, bad cells reported on their row, updates undone."""

import pytest
from django.db import connection

from saas.crm import services as crm
from saas.crm.models import Contact, Deal
from tests.imports.test_imports import UNDO, start

DEFINE = """mutation($module: String!, $key: String!, $label: String!, $type: String!, $choices: [String!]) {
  customFieldDefine(module: $module, key: $key, label: $label, fieldType: $type, choices: $choices) {
    __typename } }"""


@pytest.fixture
def defined(acme_admin_api):
    for module in ("contacts", "deals"):
        for key, label, kind, choices in (("score", "Score", "number", None), ("budget", "Budget", "decimal", None),
                                          ("met", "Met on", "date", None), ("vip", "VIP", "boolean", None),
                                          ("tier", "Tier", "choice", ["gold", "silver"]),
                                          ("note", "Note", "text", None)):
            acme_admin_api.execute(DEFINE, {"module": module, "key": key, "label": label, "type": kind,
                                            "choices": choices})
    return acme_admin_api


def custom_of(model) -> dict:
    connection.set_schema("acme")
    found = {record.name if model is Deal else record.last_name: record.custom
             for record in model.objects.filter(deleted_at=None)}
    connection.set_schema_to_public()
    return found


CSV = ("Nom;Points;Budget;Rencontre;VIP;Niveau;Remarque\n"
       "Martin;12;1 234,50;31/01/2027;oui;Gold;Met at the fair\n"
       "Durand;douze;10;2027-02-30;peut-être;bronze;\n"
       "Petit;;;;non;;\n")
COLUMNS = {"Points": "custom.score", "Budget": "custom.budget", "Rencontre": "custom.met", "VIP": "custom.vip",
           "Niveau": "custom.tier", "Remarque": "custom.note"}


def test_columns_mapped_to_custom_fields_fill_them_typed_and_bad_cells_are_reported(
        defined, django_capture_on_commit_callbacks):
    # Contacts are created by batches (records_create_many).
    result = start(defined, CSV, django_capture_on_commit_callbacks, columns={"Nom": "last_name", **COLUMNS})
    assert (result["status"], result["created"], result["invalid"]) == ("DONE", 2, 1), result
    assert {(e["row"], e["column"], e["code"]) for e in result["report"]} == {
        (3, "Points", "invalid_number"), (3, "Rencontre", "invalid_date"), (3, "VIP", "invalid_boolean"),
        (3, "Niveau", "invalid_choice")}
    assert custom_of(Contact) == {
        "Martin": {"score": 12, "budget": "1234.50", "met": "2027-01-31", "vip": True, "tier": "gold",
                   "note": "Met at the fair"},
        "Petit": {"vip": False}}


def test_a_record_type_created_one_by_one_gets_its_custom_fields_too(defined, acme_admin,
                                                                    django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    crm.account_create(actor=acme_admin, fields={"name": "Dupont SA"})
    connection.set_schema_to_public()
    result = start(defined, CSV, django_capture_on_commit_callbacks, module="deals",
                   columns={"Nom": "name", **COLUMNS}, defaults={"account": "Dupont SA"})
    assert (result["status"], result["created"], result["invalid"]) == ("DONE", 2, 1), result
    assert {(e["row"], e["column"], e["code"]) for e in result["report"]} == {
        (3, "Points", "invalid_number"), (3, "Rencontre", "invalid_date"), (3, "VIP", "invalid_boolean"),
        (3, "Niveau", "invalid_choice")}
    assert custom_of(Deal)["Martin"] == {"score": 12, "budget": "1234.50", "met": "2027-01-31", "vip": True,
                                            "tier": "gold", "note": "Met at the fair"}


def test_the_dry_run_checks_custom_cells_and_a_column_named_like_the_label_maps_itself(
        defined, django_capture_on_commit_callbacks):
    csv = "last_name;Score;Tier\nMartin;7;silver\nDurand;x;silver\n"
    dry = start(defined, csv, django_capture_on_commit_callbacks, dryRun=True)
    assert (dry["created"], dry["invalid"]) == (1, 1)
    assert [(e["row"], e["column"], e["code"]) for e in dry["report"]] == [(3, "Score", "invalid_number")]
    assert custom_of(Contact) == {}


def test_a_saved_mapping_to_custom_fields_is_reused_and_an_update_is_undone(
        defined, acme_admin, django_capture_on_commit_callbacks):
    connection.set_schema("acme")
    crm.contact_create(actor=acme_admin, fields={"last_name": "Martin", "email": "m@example.com"},
                       custom={"tier": "silver", "score": 3})
    connection.set_schema_to_public()
    csv = "Mail;Niveau;Points\nm@example.com;gold;40\n"
    first = start(defined, csv, django_capture_on_commit_callbacks, columns={
        "Mail": "email", "Niveau": "custom.tier", "Points": "custom.score"}, saveMappingAs="Fair",
        duplicateFields=["email"], onDuplicate="UPDATE")
    assert (first["status"], first["updated"]) == ("DONE", 1), first
    assert custom_of(Contact)["Martin"] == {"tier": "gold", "score": 40}
    assert defined.execute(UNDO, {"id": first["id"]})["data"]["importUndo"]["status"] == "UNDONE"
    assert custom_of(Contact)["Martin"] == {"tier": "silver", "score": 3}

    again = start(defined, csv, django_capture_on_commit_callbacks, mappingName="Fair", duplicateFields=["email"],
                  onDuplicate="UPDATE")
    assert again["updated"] == 1 and custom_of(Contact)["Martin"] == {"tier": "gold", "score": 40}


def test_custom_fields_are_no_duplicate_keys(defined, django_capture_on_commit_callbacks):
    refused = start(defined, "last_name;Tier\nMartin;gold\n", django_capture_on_commit_callbacks,
                    duplicateFields=["custom.tier"])
    assert {m["field"]: m["code"] for m in refused["messages"]} == {"duplicateFields": "unknown_field"}
