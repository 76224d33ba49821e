"""Custom fields of every type through the API: written and validated by the services, shown in the layout, the
history's labels, and lists filtered and sorted by them in the list's own query."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from saas.crm.models import Account
from tests.conftest import messages

DEFINE = """mutation($module: String!, $key: String!, $label: String!, $type: String!, $choices: [String!],
                     $required: Boolean! = false) {
  customFieldDefine(module: $module, key: $key, label: $label, fieldType: $type, choices: $choices,
                    required: $required) { __typename ... on OperationInfo { messages { field code } } } }"""
CREATE = """mutation($input: AccountInput!) { accountCreate(input: $input) {
  __typename ... on Account { id version name customFields { field label type value raw } }
  ... on OperationInfo { messages { field code } } } }"""
UPDATE = """mutation($id: ID!, $version: Int!, $input: AccountInput!) {
  accountUpdate(id: $id, version: $version, input: $input) {
    __typename ... on Account { id version customFields { field raw } }
    ... on OperationInfo { messages { field code } } } }"""
LIST = """query($filters: AccountFilter, $ordering: [AccountOrdering!]! = []) {
  accounts(filters: $filters, ordering: $ordering, first: 50) { totalCount edges { node { name } } } }"""

FIELDS = [("budget", "Budget", "decimal", None), ("seats", "Seats", "number", None),
          ("renewal", "Renewal date", "date", None), ("partner", "Partner", "boolean", None),
          ("tier", "Tier", "choice", ["gold", "silver", "bronze"]), ("motto", "Motto", "text", None)]


@pytest.fixture
def defined(acme_admin_api):
    for key, label, kind, choices in FIELDS:
        result = acme_admin_api.execute(DEFINE, {"module": "accounts", "key": key, "label": label, "type": kind,
                                                 "choices": choices})
        assert result["data"]["customFieldDefine"]["__typename"] == "CustomFieldDefinition", result
    return acme_admin_api


def create(api, name: str, **custom) -> dict:
    result = api.execute(CREATE, {"input": {"name": name, "custom": custom}})
    assert result["data"]["accountCreate"]["__typename"] == "Account", result
    return result["data"]["accountCreate"]


def names(api, filters=None, ordering=None) -> list[str]:
    result = api.execute(LIST, {"filters": filters, "ordering": ordering or []})
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"]["accounts"]["edges"]]


def test_every_type_is_stored_typed_and_read_back(defined):
    created = create(defined, "Typed", budget="1234.50", seats=12,
                     renewal="2027-03-31", partner=True, tier="gold", motto="Onwards")
    assert {f["field"]: f["raw"] for f in created["customFields"]} == {
        "custom.budget": "1234.50", "custom.seats": 12, "custom.renewal": "2027-03-31", "custom.partner": True,
        "custom.tier": "gold", "custom.motto": "Onwards"}
    assert {f["field"]: (f["label"], f["type"]) for f in created["customFields"]}["custom.renewal"] == (
        "Renewal date", "date")
    updated = defined.execute(UPDATE, {"id": created["id"], "version": created["version"],
                                       "input": {"custom": {"seats": "15", "motto": None}}})["data"]["accountUpdate"]
    values = {f["field"]: f["raw"] for f in updated["customFields"]}
    assert values["custom.seats"] == 15 and values["custom.motto"] is None and values["custom.tier"] == "gold"


@pytest.mark.parametrize(("custom", "field", "code"), [
    ({"seats": "twelve"}, "custom.seats", "custom_field_type"),
    ({"seats": 1.5}, "custom.seats", "custom_field_type"),
    ({"budget": "12,5 €"}, "custom.budget", "custom_field_type"),
    ({"budget": "NaN"}, "custom.budget", "custom_field_type"),
    ({"renewal": "31/03/2027"}, "custom.renewal", "custom_field_type"),
    ({"renewal": "20270331"}, "custom.renewal", "custom_field_type"),
    ({"renewal": "2027-02-30"}, "custom.renewal", "custom_field_type"),
    ({"partner": "maybe"}, "custom.partner", "custom_field_type"),
    ({"tier": "platinum"}, "custom.tier", "custom_field_choice"),
    ({"motto": 7}, "custom.motto", "custom_field_type"),
])
def test_a_bad_value_is_a_coded_field_error_and_nothing_is_written(defined, custom, field, code):
    refused = defined.execute(CREATE, {"input": {"name": "Bad", "custom": custom}})["data"]["accountCreate"]
    assert messages(refused) == {field: code}
    kept = create(defined, "Kept", seats=3)
    again = defined.execute(UPDATE, {"id": kept["id"], "version": kept["version"], "input": {"custom": custom}})
    assert messages(again["data"]["accountUpdate"]) == {field: code}
    with schema_context("acme"):
        assert list(Account.objects.values_list("name", "custom", "version")) == [("Kept", {"seats": 3}, 1)]


def test_a_required_custom_field_is_required_on_create(defined):
    defined.execute(DEFINE, {"module": "accounts", "key": "region", "label": "Region", "type": "text",
                             "required": True})
    refused = defined.execute(CREATE, {"input": {"name": "No region"}})["data"]["accountCreate"]
    assert messages(refused) == {"custom.region": "required"}
    assert create(defined, "With region", region="West")["name"] == "With region"


def test_lists_filter_by_custom_fields_of_each_type(defined):
    create(defined, "Small", budget="900.5", seats=9, renewal="2027-01-15", partner=False, tier="bronze",
           motto="Keep small")
    create(defined, "Big", budget="15000", seats=120, renewal="2028-06-01", partner=True, tier="gold",
           motto="Think big")
    create(defined, "Bare")
    assert names(defined, {"custom": {"key": "budget", "gte": "1000"}}) == ["Big"]  # 15000 > 1000 as numbers
    assert names(defined, {"custom": {"key": "seats", "lt": 100}}) == ["Small"]
    assert names(defined, {"custom": {"key": "renewal", "gte": "2027-06-01", "lte": "2028-12-31"}}) == ["Big"]
    assert names(defined, {"custom": {"key": "partner", "exact": False}}) == ["Small"]
    assert names(defined, {"custom": {"key": "tier", "exact": "gold"}}) == ["Big"]
    assert names(defined, {"custom": {"key": "motto", "iContains": "SMALL"}}) == ["Small"]
    assert sorted(names(defined, {"custom": {"key": "tier", "isNull": False}})) == ["Big", "Small"]
    assert names(defined, {"custom": {"key": "tier", "isNull": True}}) == ["Bare"]
    # Combined with the other filters, and through a link (contacts of accounts with a gold tier).
    assert names(defined, {"name": {"startsWith": "B"}, "custom": {"key": "seats", "gt": 10}}) == ["Big"]


def test_matches_reads_what_a_person_typed_by_the_fields_type(defined):
    create(defined, "Small", budget="1500.25", seats=9, renewal="2027-01-15", partner=False, tier="bronze",
           motto="Keep small")
    create(defined, "Big", budget="15000", seats=120, partner=True, tier="gold", motto="Think big")
    for key, typed, found in (("budget", "1 500,25", ["Small"]), ("seats", "120", ["Big"]),
                              ("renewal", "2027-01-15", ["Small"]), ("partner", "true", ["Big"]),
                              ("partner", "False", ["Small"]), ("tier", "gold", ["Big"]),
                              ("motto", "SMALL", ["Small"])):
        assert names(defined, {"custom": {"key": key, "matches": typed}}) == found, (key, typed)
    for key, typed, code in (("seats", "many", "custom_field_type"), ("partner", "yes", "custom_field_type"),
                             ("renewal", "15/01/2027", "custom_field_type"),
                             ("tier", "platinum", "custom_field_choice"), ("nope", "x", "unknown_custom_field")):
        refused = defined.execute(LIST, {"filters": {"custom": {"key": key, "matches": typed}}})
        assert refused["errors"][0]["extensions"]["code"] == code, refused


def test_a_filter_on_an_unknown_key_or_with_a_bad_value_is_refused(defined):
    unknown = defined.execute(LIST, {"filters": {"custom": {"key": "nope", "exact": "x"}}})
    assert unknown["errors"][0]["extensions"]["code"] == "unknown_custom_field", unknown
    bad = defined.execute(LIST, {"filters": {"custom": {"key": "renewal", "gte": "soon"}}})
    assert bad["errors"][0]["extensions"]["code"] == "custom_field_type", bad


def test_lists_sort_by_a_custom_field_typed_with_empty_values_last(defined):
    create(defined, "Nine", budget="9", renewal="2027-12-01", tier="silver")
    create(defined, "Ten", budget="10.5", renewal="2026-02-01", tier="bronze")
    create(defined, "Eighty", budget="80", tier="gold")
    create(defined, "None")
    # As numbers (text would put "10.5" before "80" before "9").
    assert names(defined, ordering=[{"custom": {"key": "budget"}}]) == ["Nine", "Ten", "Eighty", "None"]
    assert names(defined, ordering=[{"custom": {"key": "budget", "direction": "DESC"}}]) == [
        "Eighty", "Ten", "Nine", "None"]
    assert names(defined, ordering=[{"custom": {"key": "renewal"}}, {"name": "ASC"}]) == [
        "Ten", "Nine", "Eighty", "None"]
    assert names(defined, ordering=[{"custom": {"key": "tier", "direction": "DESC"}}]) == [
        "Nine", "Eighty", "Ten", "None"]


def test_a_value_kept_from_an_earlier_field_of_another_type_neither_breaks_the_list_nor_matches(defined):
    create(defined, "Old", seats=5)
    with schema_context("acme"):
        Account.objects.update(custom={"seats": "many"})  # what a removed text field of that key left behind
    create(defined, "New", seats=7)
    assert names(defined, {"custom": {"key": "seats", "gte": 1}}) == ["New"]
    assert names(defined, ordering=[{"custom": {"key": "seats"}}]) == ["New", "Old"]


def test_filter_and_sort_cost_no_query_per_row(defined, django_assert_max_num_queries):
    for number in range(12):
        create(defined, f"Row {number}", seats=number, tier="gold")
    query = """{ accounts(filters: {custom: {key: "tier", exact: "gold"}}, ordering: [{custom: {key: "seats"}}],
                          first: 20) { totalCount edges { node { name customFields { field raw } } } } }"""
    with django_assert_max_num_queries(20):
        result = defined.execute(query)
    assert result["data"]["accounts"]["totalCount"] == 12
    assert result["data"]["accounts"]["edges"][0]["node"]["customFields"][1] == {"field": "custom.seats", "raw": 0}


def test_custom_fields_take_a_block_of_the_layout_until_placed_and_required_ones_join_the_quick_create(defined):
    defined.execute(DEFINE, {"module": "accounts", "key": "region", "label": "Region", "type": "text",
                             "required": True})
    layout = defined.execute('{ layout(module: "accounts") { blocks quickCreateFields } }')["data"]["layout"]
    custom_block = layout["blocks"][-1]
    assert custom_block["key"] == "custom" and custom_block["fields"] == [
        "custom.budget", "custom.seats", "custom.renewal", "custom.partner", "custom.tier", "custom.motto",
        "custom.region"]
    assert "custom.region" in layout["quickCreateFields"] and "custom.budget" not in layout["quickCreateFields"]
    # Placed in another block by the layout manager, a field leaves the custom block.
    blocks = [{**block, "fields": [*block["fields"], "custom.tier"]} if block["key"] != "custom" else
              {**block, "fields": [name for name in block["fields"] if name != "custom.tier"]}
              for block in layout["blocks"]]
    saved = defined.execute("""mutation($blocks: JSON!) { layoutUpdate(module: "accounts", input: {blocks: $blocks}) {
      __typename ... on OperationInfo { messages { field code } } } }""", {"blocks": blocks})
    assert saved["data"]["layoutUpdate"]["__typename"] != "OperationInfo", saved
    layout = defined.execute('{ layout(module: "accounts") { blocks } }')["data"]["layout"]
    assert "custom.tier" in layout["blocks"][0]["fields"]
    assert "custom.tier" not in layout["blocks"][-1]["fields"]


def test_history_labels_custom_fields_by_their_label(defined):
    created = create(defined, "Labelled", tier="gold")
    defined.execute(UPDATE, {"id": created["id"], "version": created["version"],
                             "input": {"custom": {"tier": "silver", "seats": 4}}})
    history = defined.execute("""query($id: ID!) { node(id: $id) { ... on Account {
      history(first: 5) { edges { node { kind changes { field label old new } } } } } } }""", {"id": created["id"]})
    update = next(edge["node"] for edge in history["data"]["node"]["history"]["edges"]
                  if edge["node"]["kind"] == "UPDATED")
    assert [(c["field"], c["label"], c["old"], c["new"]) for c in update["changes"]
            if c["field"].startswith("custom.")] == [("custom.seats", "Seats", None, "4"),
                                                      ("custom.tier", "Tier", "gold", "silver")]
    connection.set_schema_to_public()


def test_quotes_orders_and_invoices_take_custom_values_on_create_and_update(defined):
    account = create(defined, "Buyer")
    for module in ("quotes", "sales_orders", "invoices"):
        defined.execute(DEFINE, {"module": module, "key": "channel", "label": "Channel", "type": "choice",
                                 "choices": ["web", "phone"]})
    for verb, update in (("quoteCreate", "quoteUpdate"), ("orderCreate", "orderUpdate"),
                         ("invoiceCreate", "invoiceUpdate")):
        create_document = f"""mutation($a: ID!, $custom: JSON) {{ {verb}(accountId: $a, custom: $custom) {{
          __typename ... on Record {{ id version customFields {{ field raw }} }}
          ... on OperationInfo {{ messages {{ field code }} }} }} }}"""
        refused = defined.execute(create_document, {"a": account["id"], "custom": {"channel": "fax"}})["data"][verb]
        assert messages(refused) == {"custom.channel": "custom_field_choice"}, verb
        created = defined.execute(create_document, {"a": account["id"], "custom": {"channel": "web"}})["data"][verb]
        assert created["customFields"] == [{"field": "custom.channel", "raw": "web"}], created
        updated = defined.execute(f"""mutation($id: ID!, $v: Int!) {{ {update}(id: $id, version: $v,
          input: {{custom: {{channel: "phone"}}}}) {{ ... on Record {{ customFields {{ raw }} }}
          ... on OperationInfo {{ messages {{ field code }} }} }} }}""", {"id": created["id"], "v": created["version"]})
        assert updated["data"][update]["customFields"] == [{"raw": "phone"}], updated


CREDIT_NOTE_CREATE = """mutation($invoice: ID!, $custom: JSON) {
  creditNoteCreate(invoiceId: $invoice, custom: $custom) {
    __typename ... on CreditNote { id version customFields { field raw } }
    ... on OperationInfo { messages { field code } } } }"""
CREDIT_NOTE_UPDATE = """mutation($id: ID!, $v: Int!, $custom: JSON) {
  creditNoteUpdate(id: $id, version: $v, input: {custom: $custom}) {
    __typename ... on CreditNote { customFields { raw } } ... on OperationInfo { messages { field code } } } }"""
PAYMENT_RECORD = """mutation($input: PaymentInput!) { paymentRecord(input: $input) {
  __typename ... on Payment { id version customFields { field raw } } ... on OperationInfo { messages { field code } }
  } }"""
PAYMENT_UPDATE = """mutation($id: ID!, $v: Int!, $custom: JSON) { paymentUpdate(id: $id, version: $v,
  input: {custom: $custom}) {
    __typename ... on Payment { version amount customFields { raw } } ... on OperationInfo { messages { field code } }
  } }"""


def test_credit_notes_and_payments_take_custom_values_on_create_and_update(defined):
    from saas.sales.models import CreditNote, Payment
    from tests.web import data

    for module in ("credit_notes", "payments"):
        defined.execute(DEFINE, {"module": module, "key": "channel", "label": "Channel", "type": "choice",
                                 "choices": ["web", "phone"]})
    customer = data.account(defined, "Refunded", **data.ADDRESS)
    invoice = data.issued_invoice(defined, customer["id"])

    refused = defined.execute(CREDIT_NOTE_CREATE, {"invoice": invoice, "custom": {"channel": "fax"}})
    assert messages(refused["data"]["creditNoteCreate"]) == {"custom.channel": "custom_field_choice"}
    refused = defined.execute(PAYMENT_RECORD, {"input": {"accountId": customer["id"], "amount": "10",
                                                         "custom": {"channel": "fax"}}})
    assert messages(refused["data"]["paymentRecord"]) == {"custom.channel": "custom_field_choice"}
    with schema_context("acme"):
        assert not CreditNote.objects.exists() and not Payment.objects.exists()

    credit_note = defined.execute(CREDIT_NOTE_CREATE, {"invoice": invoice, "custom": {"channel": "web"}})
    credit_note = credit_note["data"]["creditNoteCreate"]
    assert credit_note["customFields"] == [{"field": "custom.channel", "raw": "web"}], credit_note
    updated = defined.execute(CREDIT_NOTE_UPDATE, {"id": credit_note["id"], "v": credit_note["version"],
                                                   "custom": {"channel": "phone"}})
    assert updated["data"]["creditNoteUpdate"]["customFields"] == [{"raw": "phone"}], updated

    payment = defined.execute(PAYMENT_RECORD, {"input": {"accountId": customer["id"], "amount": "10",
                                                         "custom": {"channel": "web"}}})["data"]["paymentRecord"]
    assert payment["customFields"] == [{"field": "custom.channel", "raw": "web"}], payment
    bad = defined.execute(PAYMENT_UPDATE, {"id": payment["id"], "v": payment["version"], "custom": {"channel": 1}})
    assert messages(bad["data"]["paymentUpdate"]) == {"custom.channel": "custom_field_choice"}
    updated = defined.execute(PAYMENT_UPDATE, {"id": payment["id"], "v": payment["version"],
                                               "custom": {"channel": "phone"}})["data"]["paymentUpdate"]
    assert (updated["amount"], updated["customFields"]) == ("10.00", [{"raw": "phone"}]), updated
    stale = defined.execute(PAYMENT_UPDATE, {"id": payment["id"], "v": payment["version"],
                                             "custom": {"channel": "web"}})
    assert messages(stale["data"]["paymentUpdate"]) == {None: "conflict"}


def test_journal_entries_sort_by_a_custom_field(defined):
    from saas.accounting.models import JournalEntry
    from tests.web import data

    defined.execute(DEFINE, {"module": "journal_entries", "key": "batch", "label": "Batch", "type": "number"})
    customer = data.account(defined, "Booked", **data.ADDRESS)
    for _ in range(3):
        data.issued_invoice(defined, customer["id"])
    with schema_context("acme"):
        entries = list(JournalEntry.objects.order_by("id"))
        for entry, batch in zip(entries, (20, 3, 100), strict=True):
            JournalEntry.objects.filter(pk=entry.pk).update(custom={"batch": batch})
        numbers = [entry.number for entry in entries]
    listed = defined.execute("""{ journalEntries(ordering: [{custom: {key: "batch", direction: DESC}}], first: 10) {
      edges { node { number customFields { raw } } } } }""")
    assert "errors" not in listed, listed
    assert [edge["node"]["number"] for edge in listed["data"]["journalEntries"]["edges"]] == [
        numbers[2], numbers[0], numbers[1]]
