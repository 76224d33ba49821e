"""Create and edit forms generated from the layouts: field errors keep what was typed, version conflicts are
explained, quick create fills the relation field, documents get their lines."""

import re

from tests.web import data

HTMX = {"HTTP_HX_REQUEST": "true"}
NODE = """query($id: ID!) { node(id: $id) { ... on Record { displayName version }
  ... on Account { name billingCity paymentTermsDays parent { name } }
  ... on Contact { firstName lastName email account { name } }
  ... on Lead { company leadSource } ... on Deal { name amount customer: account { name } }
  ... on Product { sku salePrice unit { code } vatRate { rate } }
  ... on Quote { notes customer: account { name } contact { lastName } totalExclVat
                 lines { position description quantity unitPrice vatRate discountPercent lineNet } } } }"""


def node(api, record_id: str) -> dict:
    return api.execute(NODE, {"id": record_id})["data"]["node"]


def created_id(response) -> str:
    html = response.content.decode()
    errors = re.findall(r'role="alert">([^<]*)', html) + re.findall(r'name="(\w+)"[^>]*>\s*(?:</select>\s*)?'
                                                                    r'<ul class="field-errors"><li>([^<]*)', html)
    assert response.status_code == 302, errors
    return re.match(r"/records/([^/]+)/", response["Location"]).group(1)


def test_new_account_form_follows_the_layout_and_creates_the_account(member, acme_admin_api):
    html = member.get("/accounts/new/").content.decode()
    blocks = re.findall(r"<h2>([^<]+)</h2>", html)
    assert blocks == ["Account", "Contact details", "Billing address", "Shipping address", "Terms"]
    assert html.index('name="siren"') < html.index('name="billingStreet"') < html.index('name="paymentTermsDays"')

    response = member.post("/accounts/new/", {"name": "Formed SARL", "billingCity": "Nantes",
                                              "paymentTermsDays": "45"})

    account = node(acme_admin_api, created_id(response))
    assert (account["name"], account["billingCity"], account["paymentTermsDays"]) == ("Formed SARL", "Nantes", 45)
    assert response["Location"].endswith("/") and "/edit/" not in response["Location"]


def test_the_list_page_leads_to_the_form(member):
    html = member.get("/contacts/").content.decode()
    assert 'href="/contacts/new/">+ ' in html
    assert 'name="lastName"' in member.get("/contacts/new/").content.decode()


def test_field_errors_keep_what_was_typed(member):
    # given a number that is none, and a contact without its last name and with a wrong email
    response = member.post("/accounts/new/", {"name": "Typed Co", "paymentTermsDays": "thirty"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a whole number." in html and 'value="thirty"' in html and 'value="Typed Co"' in html

    response = member.post("/contacts/new/", {"firstName": "Ann", "email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 400
    last_name = html[html.index('for="id_lastName"'):html.index('for="id_jobTitle"')]
    assert "field-errors" in last_name
    assert 'value="not-an-email"' in html
    assert 'value="Ann"' in html


def test_a_chosen_relation_is_shown_again_after_an_error(member, acme_admin_api):
    account = data.account(acme_admin_api, "Chosen Parent")
    response = member.post("/contacts/new/", {"firstName": "Bo", "accountId": account["id"]})
    assert response.status_code == 400
    assert f'<option value="{account["id"]}" selected>Chosen Parent</option>' in response.content.decode()


def test_edit_form_starts_from_the_record_and_saves_it(member, acme_admin_api):
    parent = data.account(acme_admin_api, "Holding SA")
    account = data.account(acme_admin_api, "Editable SARL", billingCity="Lyon")
    html = member.get(f"/records/{account['id']}/edit/").content.decode()
    assert 'value="Editable SARL"' in html and 'value="Lyon"' in html
    assert f'name="version" value="{account["version"]}"' in html

    response = member.post(f"/records/{account['id']}/edit/", {
        "version": account["version"], "name": "Edited SARL", "billingCity": "Lille", "parentId": parent["id"]})

    assert created_id(response) == account["id"]
    saved = node(acme_admin_api, account["id"])
    assert (saved["name"], saved["billingCity"], saved["parent"]["name"]) == ("Edited SARL", "Lille", "Holding SA")
    # the record page leads to the form
    page = member.get(f"/records/{account['id']}/").content.decode()
    assert f'href="/records/{account["id"]}/edit/">Edit</a>' in page


def test_a_version_conflict_is_explained_and_keeps_the_changes(member, acme_admin_api):
    # given the form opened at version v, then the record saved by someone else
    account = data.account(acme_admin_api, "Contended SA")
    data.account_update(acme_admin_api, account, phone="+33 1 11 11 11 11")

    response = member.post(f"/records/{account['id']}/edit/", {
        "version": account["version"], "name": "My Version SA"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in html
    assert f'href="/records/{account["id"]}/edit/">Reload the record</a>' in html
    assert 'value="My Version SA"' in html
    assert node(acme_admin_api, account["id"])["name"] == "Contended SA"


def test_quick_create_fills_the_relation_field(member, acme_admin_api):
    # given the contact form's "+" on its account field
    dialog = member.get("/accounts/quick-create/?field=accountId", **HTMX).content.decode()
    assert dialog.startswith("<dialog") and 'name="name"' in dialog and 'name="billingCity"' in dialog
    assert 'name="siren"' not in dialog  # the quick-create fields only

    refused = member.post("/accounts/quick-create/?field=accountId", {"name": ""}, **HTMX)
    assert refused.status_code == 200 and "field-errors" in refused.content.decode()  # htmx swaps 2xx only
    assert member.post("/accounts/quick-create/?field=accountId", {"name": ""}).status_code == 400

    response = member.post("/accounts/quick-create/?field=accountId", {"name": "Quick SAS", "phone": "0102"},
                           **HTMX)

    html = response.content.decode()
    option = re.search(r'<select id="id_accountId" hx-swap-oob="innerHTML"><option value="([^"]+)" selected>'
                       r'Quick SAS</option></select>', html)
    assert option, html
    assert node(acme_admin_api, option.group(1))["name"] == "Quick SAS"


def test_relation_fields_search_through_the_api(member, acme_admin_api):
    data.account(acme_admin_api, "Lookup Widgets")
    html = member.get("/lookup/accounts/", {"q": "lookup widg"}, **HTMX).content.decode()
    assert re.search(r'<option value="[^"]+" selected>Lookup Widgets</option>', html)
    assert member.get("/lookup/nothing/", {"q": "x"}).status_code == 404


def test_leads_and_deals_are_created_through_their_forms(member, acme_admin_api):
    lead = node(acme_admin_api, created_id(member.post("/leads/new/", {
        "lastName": "Lead", "company": "Prospect SA", "leadSource": "REFERRAL"})))
    assert (lead["company"], lead["leadSource"]) == ("Prospect SA", "REFERRAL")

    account = data.account(acme_admin_api, "Deal Maker SA")
    assert member.post("/deals/new/", {"name": "No customer"}).status_code == 400
    deal = node(acme_admin_api, created_id(member.post("/deals/new/", {
        "name": "Big deal", "amount": "12 500,50", "accountId": account["id"]})))
    assert (deal["name"], deal["amount"], deal["customer"]["name"]) == ("Big deal", "12500.50", "Deal Maker SA")


def test_a_product_takes_its_vat_rate_and_unit_from_lists(member, acme_admin_api):
    html = member.get("/products/new/").content.decode()
    rate = re.search(r'<option value="([^"]+)">[^<]*20[^<]*</option>', html).group(1)
    response = member.post("/products/new/", {"name": "Widget", "sku": "W-1", "salePrice": "9.90",
                                              "vatRateId": rate, "unit": "h", "active": "on"})
    product = node(acme_admin_api, created_id(response))
    assert (product["sku"], product["salePrice"], product["unit"]["code"]) == ("W-1", "9.9000", "h")
    assert product["vatRate"]["rate"].startswith("20")


def test_a_quote_is_created_then_gets_its_lines(member, acme_admin_api):
    account = data.account(acme_admin_api, "Quoted SARL", **data.ADDRESS)
    assert member.post("/quotes/new/", {}).status_code == 400  # no customer: said on the field

    response = member.post("/quotes/new/", {"accountId": account["id"], "notes": "Spring works"})

    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    quote = created_id(response)
    edit = member.get(f"/records/{quote}/edit/").content.decode()
    assert "Quoted SARL" in edit and 'name="accountId"' not in edit  # the customer is not changed here
    # when lines are added (one refused, what was typed kept) and one removed
    lines = f"/records/{quote}/lines/"
    refused = member.post(lines, {"action": "add", "description": "Paint", "quantity": "-1", "unitPrice": "10"},
                          **HTMX)
    assert "field-errors" in refused.content.decode() and 'value="-1"' in refused.content.decode()
    for description, price in (("Paint", "35.5"), ("Brushes", "12")):
        added = member.post(lines, {"action": "add", "description": description, "quantity": "2",
                                    "unitPrice": price, "vatRate": "20.00", "discountPercent": "10"}, **HTMX)
        assert added.status_code == 200 and f"<td>{description}</td>" in added.content.decode()
    member.post(lines, {"action": "remove", "position": "2"}, **HTMX)
    # then
    saved = node(acme_admin_api, quote)
    assert [(line["description"], line["lineNet"]) for line in saved["lines"]] == [("Paint", "63.90")]
    assert saved["notes"] == "Spring works"


def test_a_document_header_is_edited_with_its_version(member, acme_admin_api):
    account = data.account(acme_admin_api, "Header SARL", **data.ADDRESS)
    quote = created_id(member.post("/quotes/new/", {"accountId": account["id"]}))
    fragment = member.get(f"/records/{quote}/lines/", **HTMX).content.decode()
    version = re.search(r'name="version" value="(\d+)" id="id_version" hx-swap-oob="true"', fragment).group(1)

    response = member.post(f"/records/{quote}/edit/", {"version": version, "notes": "Edited notes"})

    assert created_id(response) == quote
    assert node(acme_admin_api, quote)["notes"] == "Edited notes"


def test_a_record_one_cannot_see_answers_404(member, globex_admin_api):
    other = data.account(globex_admin_api, "Elsewhere Ltd")
    assert member.get(f"/records/{other['id']}/edit/").status_code == 404
    assert member.get("/records/not-an-id/edit/").status_code == 404
    assert member.get(f"/records/{other['id']}/lines/").status_code == 404


def test_a_manual_journal_entry_is_balanced_by_the_api(member, acme_admin_api):
    lines = {"account-0": "606400", "label-0": "Office supplies", "debit-0": "120", "account-1": "512100",
             "credit-1": "100"}
    entry = {"journal": "OD", "date": "2026-11-02", "label": "Supplies", "post": "on", **lines}

    refused = member.post("/journal-entries/new/", entry)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'name="debit-0" value="120"' in html and 'name="credit-1" value="100"' in html
    created = member.post("/journal-entries/new/", {**entry, "credit-1": "120"})
    posted = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on JournalEntry { number label '
                                    'lines { account { number } debit credit } } } }',
                                    {"id": created_id(created)})["data"]["node"]
    assert posted["number"] and posted["label"] == "Supplies"
    assert [(line["account"]["number"], line["debit"], line["credit"]) for line in posted["lines"]] == [
        ("606400", "120.00", "0.00"), ("512100", "0.00", "120.00")]
