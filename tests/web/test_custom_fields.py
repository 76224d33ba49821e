"""Custom fields on the pages: the settings page says they appear in the module's forms, pages and layout; they
also are list columns (sortable, filterable), CSV export columns, import targets and labelled in Updates."""

import re

import pytest

from tests.web import data

DEFINE = """mutation($module: String!, $key: String!, $label: String!, $type: String!, $choices: [String!],
                     $required: Boolean! = false) {
  customFieldDefine(module: $module, key: $key, label: $label, fieldType: $type, choices: $choices,
                    required: $required) { __typename } }"""
CUSTOM = """query($id: ID!) { node(id: $id) { ... on Record { version customFields { field raw } } } }"""


@pytest.fixture
def defined(acme_admin_api):
    for key, label, kind, choices in (("seats", "Seats", "number", None), ("budget", "Budget", "decimal", None),
                                      ("renewal", "Renewal date", "date", None), ("partner", "Partner", "boolean",
                                                                                   None),
                                      ("tier", "Tier", "choice", ["gold", "silver"])):
        result = acme_admin_api.execute(DEFINE, {"module": "accounts", "key": key, "label": label, "type": kind,
                                                 "choices": choices})
        assert result["data"]["customFieldDefine"]["__typename"] == "CustomFieldDefinition", result
    return acme_admin_api


def custom_of(api, record_id: str) -> dict:
    return {f["field"]: f["raw"] for f in api.execute(CUSTOM, {"id": record_id})["data"]["node"]["customFields"]}


def test_the_create_and_edit_forms_carry_the_custom_fields_and_keep_bad_values_typed(member, defined):
    html = member.get("/accounts/new/").content.decode()
    assert "<h2>Custom fields</h2>" in html
    assert 'name="custom.seats"' in html and 'type="date"' in html and 'name="custom.partner"' in html
    assert '<option value="gold">gold</option>' in html and 'for="id_custom.renewal">Renewal date' in html

    refused = member.post("/accounts/new/", {"name": "Seated", "custom.seats": "many", "custom.tier": "gold"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "Enter a whole number." in html and 'value="many"' in html
    refused = member.post("/accounts/new/", {"name": "Seated", "custom.renewal": "2027-02-30"})
    assert refused.status_code == 400 and "Enter a date (YYYY-MM-DD)." in refused.content.decode()
    # A value the form lets through but the API refuses is shown on its field too.
    refused = member.post("/accounts/new/", {"name": "Seated", "custom.budget": "NaN"})
    html = refused.content.decode()
    budget = html[html.index('for="id_custom.budget"'):html.index('for="id_custom.renewal"')]
    assert refused.status_code == 400 and "Expected a value of type decimal." in budget

    created = member.post("/accounts/new/", {"name": "Seated", "custom.seats": "12", "custom.budget": "1 500,25",
                                             "custom.renewal": "2027-03-31", "custom.partner": "on",
                                             "custom.tier": "gold"})
    assert created.status_code == 302, created.content.decode()[:2000]
    record_id = re.match(r"/records/([^/]+)/", created["Location"]).group(1)
    assert custom_of(defined, record_id) == {"custom.seats": 12, "custom.budget": "1500.25",
                                             "custom.renewal": "2027-03-31", "custom.partner": True,
                                             "custom.tier": "gold"}

    edit = member.get(f"/records/{record_id}/edit/").content.decode()
    assert 'name="custom.seats" value="12"' in edit and '<option value="gold" selected>' in edit
    saved = member.post(f"/records/{record_id}/edit/", {"version": "1", "name": "Seated", "custom.seats": "",
                                                        "custom.tier": "silver", "custom.budget": "1500.25",
                                                        "custom.renewal": "2027-03-31"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    # Emptied: cleared; unticked: no; changed: changed.
    assert custom_of(defined, record_id) == {"custom.seats": None, "custom.budget": "1500.25",
                                             "custom.renewal": "2027-03-31", "custom.partner": False,
                                             "custom.tier": "silver"}


def test_a_required_custom_field_is_required_by_the_form_and_the_quick_create(member, defined):
    defined.execute(DEFINE, {"module": "accounts", "key": "region", "label": "Region", "type": "text",
                             "required": True})
    refused = member.post("/accounts/new/", {"name": "Nowhere"})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    quick = member.get("/accounts/quick-create/", {"field": "accountId"})
    assert quick.status_code == 200 and 'name="custom.region"' in quick.content.decode()


def test_details_show_the_custom_fields_with_their_labels_and_types(member, defined):
    account = data.account(defined, "Detailed", custom={"seats": 0, "renewal": "2027-03-31", "partner": True,
                                                        "tier": "gold"})
    html = member.get(f"/records/{account['id']}/tabs/details/").content.decode()
    block = html[html.index("<h2>Custom fields</h2>"):]
    shown = {label: value.strip() for label, value in re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", block)}
    assert shown["Seats"] == "0" and shown["Partner"] == "Yes" and shown["Tier"] == "gold"
    assert "2027" in shown["Renewal date"]


def test_the_layout_manager_lists_custom_fields_by_label_and_moves_them(member, defined):
    html = member.get("/settings/layouts/?module=accounts").content.decode()
    assert 'name="fields:custom" value="custom.tier"' in html and "Renewal date" in html


def test_list_columns_sort_filter_and_export_by_custom_fields(member, defined):
    for name, seats, tier, partner in (("Ninety", 90, "gold", True), ("Nine", 9, "silver", False),
                                       ("Hundred", 100, "gold", False), ("Empty", None, None, None)):
        custom = {"seats": seats, "tier": tier, "partner": partner}
        data.account(defined, name, custom={k: v for k, v in custom.items() if v is not None})
    html = member.get("/accounts/").content.decode()
    assert 'name="cols" value="custom.seats"> Seats' in html  # offered in the column picker
    assert 'name="custom.tier"' in html and '<option value="gold">gold</option>' in html  # and as a filter

    html = member.get("/accounts/", {"cols": ["custom.seats", "custom.partner"], "sort": "custom.seats"}).content
    html = html.decode()
    names = re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', html)
    assert names == ["Nine", "Ninety", "Hundred", "Empty"]  # as numbers, the empty one last
    assert ">Seats</a>" in html and "<td>90</td>" in html and "<td>✓</td>" in html

    filtered = member.get("/accounts/", {"custom.tier": "gold", "sort": "-custom.seats"}).content.decode()
    assert re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', filtered) == ["Hundred", "Ninety"]
    by_flag = member.get("/accounts/", {"custom.partner": "false"}).content.decode()
    assert sorted(re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', by_flag)) == ["Hundred", "Nine"]
    # Values the field cannot hold, and fields the module lacks, are refused by the API: the 400 page.
    for params in ({"custom.seats": "many"}, {"custom.partner": "no"}, {"custom.tier": "platinum"},
                   {"custom.nope": "x"}, {"sort": "custom.nope"}):
        assert member.get("/accounts/", params).status_code == 400, params

    response = member.get("/accounts/export.csv", {"cols": ["custom.seats", "custom.tier", "custom.partner"],
                                                   "custom.tier": "gold", "sort": "custom.seats"})
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines == ["Name,Seats,Partner,Tier", "Ninety,90,Yes,gold", "Hundred,100,No,gold"]


def test_a_saved_view_keeps_its_custom_filter_and_columns(member, defined):
    data.account(defined, "Golden", custom={"tier": "gold"})
    data.account(defined, "Silver", custom={"tier": "silver"})
    saved = member.post("/accounts/saved-filters/", {"name": "Gold", "custom.tier": "gold", "cols": ["custom.tier"]})
    assert saved.status_code == 302 and "custom.tier=gold" in saved["Location"], saved
    html = member.get(saved["Location"]).content.decode()
    assert re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', html) == ["Golden"]


def test_updates_name_custom_fields_by_their_label(member, defined):
    account = data.account(defined, "Changing", custom={"tier": "gold"})
    data.account_update(defined, account, custom={"tier": "silver"})
    html = member.get(f"/records/{account['id']}/tabs/history/").content.decode()
    assert "<th>Tier</th>" in html and "custom.tier" not in html


def test_a_column_of_the_import_maps_to_a_custom_field(member, defined):
    from tests.web.test_workflow_import_pages import csv_file

    response = member.post("/accounts/import/", {"file": csv_file("Nom;Niveau\nMartin;gold\n")})
    html = response.content.decode()
    assert response.status_code == 200, html
    assert '<option value="custom.tier">Tier</option>' in html
    duplicates = html[html.index('name="duplicateFields"'):]
    assert 'value="custom.tier"' not in duplicates


def test_a_quote_is_created_with_its_custom_fields(member, defined):
    defined.execute(DEFINE, {"module": "quotes", "key": "channel", "label": "Channel", "type": "choice",
                             "choices": ["web", "phone"]})
    customer = data.account(defined, "Quoted")
    assert 'name="custom.channel"' in member.get("/quotes/new/").content.decode()
    created = member.post("/quotes/new/", {"accountId": customer["id"], "custom.channel": "phone"})
    assert created.status_code == 302, created.content.decode()[:2000]
    record_id = re.match(r"/records/([^/]+)/", created["Location"]).group(1)
    assert custom_of(defined, record_id) == {"custom.channel": "phone"}


def test_payments_and_credit_notes_take_their_custom_fields_in_their_forms(member, defined):
    for module in ("payments", "credit_notes"):
        defined.execute(DEFINE, {"module": module, "key": "channel", "label": "Channel", "type": "choice",
                                 "choices": ["web", "phone"]})
    customer = data.account(defined, "Paying", **data.ADDRESS)
    assert 'name="custom.channel"' in member.get("/payments/new/").content.decode()
    refused = member.post("/payments/new/", {"accountId": customer["id"], "amount": "12", "custom.channel": "fax"})
    assert refused.status_code == 400
    created = member.post("/payments/new/", {"accountId": customer["id"], "amount": "12", "custom.channel": "web"})
    assert created.status_code == 302, created.content.decode()[:2000]
    payment_id = re.match(r"/records/([^/]+)/", created["Location"]).group(1)
    assert custom_of(defined, payment_id) == {"custom.channel": "web"}
    edit = member.get(f"/records/{payment_id}/edit/").content.decode()
    assert 'name="custom.channel"' in edit and 'name="amount"' not in edit  # recorded: only its custom fields
    saved = member.post(f"/records/{payment_id}/edit/", {"version": "1", "custom.channel": "phone"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert custom_of(defined, payment_id) == {"custom.channel": "phone"}

    invoice = data.issued_invoice(defined, customer["id"])
    assert 'name="custom.channel"' in member.get(f"/credit-notes/new/?invoiceId={invoice}").content.decode()
    created = member.post("/credit-notes/new/", {"invoiceId": invoice, "full": "on", "custom.channel": "web"})
    assert created.status_code == 302, created.content.decode()[:2000]
    credit_note_id = re.match(r"/records/([^/]+)/", created["Location"]).group(1)
    assert custom_of(defined, credit_note_id) == {"custom.channel": "web"}
    version = defined.execute(CUSTOM, {"id": credit_note_id})["data"]["node"]["version"]
    saved = member.post(f"/records/{credit_note_id}/edit/", {"version": str(version), "custom.channel": "phone"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert custom_of(defined, credit_note_id) == {"custom.channel": "phone"}


def test_journal_entries_list_shows_and_sorts_by_custom_columns(member, defined):
    from django_tenants.utils import schema_context

    from saas.accounting.models import JournalEntry

    defined.execute(DEFINE, {"module": "journal_entries", "key": "batch", "label": "Batch", "type": "number"})
    customer = data.account(defined, "Booked", **data.ADDRESS)
    for _ in range(2):
        data.issued_invoice(defined, customer["id"])
    with schema_context("acme"):
        first, second = JournalEntry.objects.order_by("id")
        JournalEntry.objects.filter(pk=first.pk).update(custom={"batch": 7})
        JournalEntry.objects.filter(pk=second.pk).update(custom={"batch": 30})
    html = member.get("/journal-entries/").content.decode()
    assert 'name="cols" value="custom.batch"> Batch' in html and 'name="custom.batch"' in html
    html = member.get("/journal-entries/", {"cols": ["custom.batch"], "sort": "-custom.batch"}).content.decode()
    assert ">Batch</a>" in html
    assert re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', html) == [second.number, first.number]
    html = member.get("/journal-entries/", {"custom.batch": "7"}).content.decode()
    assert re.findall(r'class="title-cell"><a [^>]*>([^<]+)</a>', html) == [first.number]
