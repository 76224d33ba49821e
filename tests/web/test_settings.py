"""The Settings area through the web client: each page renders, each form saves what the API then shows, refusals
keep what was typed, and the administrators' pages are closed to other members."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.tenants.test_members import staff_member
from tests.web.conftest import host_client

ADMIN_PAGES = ("/settings/users/", "/settings/company/", "/settings/numbering/", "/settings/layouts/",
               "/settings/custom-fields/", "/settings/tags/", "/settings/lead-conversion/")


@pytest.fixture
def colleague(acme):
    """A staff member of acme who is not an administrator, logged in through the login page."""
    staff_member(acme)
    client = host_client(acme.host)
    assert client.post("/login/", {"email": "staff@acme.example.com", "password": PASSWORD}).status_code == 302
    return client


def test_settings_pages_render_and_are_in_the_navigation(member):
    home = member.get("/").content.decode()
    for url in (*ADMIN_PAGES, "/settings/api-tokens/"):
        assert member.get(url).status_code == 200, url
        assert f'href="{url}"' in home, url


def test_admin_pages_are_refused_to_other_members(colleague):
    for url in ADMIN_PAGES:
        assert colleague.get(url).status_code == 403, url
    assert colleague.post("/settings/tags/", {"action": "create", "name": "Sneaky"}).status_code == 403
    # their own tokens and preferences stay theirs to manage
    assert colleague.get("/settings/api-tokens/").status_code == 200
    assert colleague.get("/preferences/").status_code == 200


def test_inviting_changing_role_and_deactivating_a_user(member, acme_admin_api):
    assert member.post("/settings/users/", {"action": "invite", "email": "new@acme.example.com",
                                            "role": "admin"}).status_code == 302
    members = {m["email"]: m for m in acme_admin_api.execute("{ members { id email isAdmin isActive } }")["data"][
        "members"]}
    new = members["new@acme.example.com"]
    assert new["isAdmin"] is True
    assert member.post("/settings/users/", {"action": "role", "id": new["id"], "role": "member"}).status_code == 302
    assert member.post("/settings/users/", {"action": "deactivate", "id": new["id"]}).status_code == 302
    html = member.get("/settings/users/").content.decode()
    assert "new@acme.example.com" in html and "Deactivated" in html
    after = {m["email"]: m for m in acme_admin_api.execute("{ members { email isAdmin isActive } }")["data"]["members"]}
    assert after["new@acme.example.com"] == {"email": "new@acme.example.com", "isAdmin": False, "isActive": False}


def test_a_refused_invitation_keeps_the_typed_email(member):
    response = member.post("/settings/users/", {"action": "invite", "email": "not-an-email", "role": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="not-an-email"' in html and "Enter a valid email address." in html
    assert '<option value="admin" selected>' in html


def test_the_last_admin_cannot_step_down(member, acme_admin_api):
    me = acme_admin_api.execute("{ members { id } }")["data"]["members"][0]
    response = member.post("/settings/users/", {"action": "role", "id": me["id"], "role": "member"})
    assert response.status_code == 400
    assert "at least one active administrator" in response.content.decode()


def test_numbering_format_saves_and_a_bad_pattern_is_explained(member, acme_admin_api):
    assert member.post("/settings/numbering/", {"module": "accounts", "pattern": "CLI-{YY}-{SEQ:4}",
                                                "yearlyReset": "on"}).status_code == 302
    formats = {f["module"]: f for f in acme_admin_api.execute("{ numberingFormats { module pattern yearlyReset } }")[
        "data"]["numberingFormats"]}
    assert formats["accounts"] == {"module": "accounts", "pattern": "CLI-{YY}-{SEQ:4}", "yearlyReset": True}
    response = member.post("/settings/numbering/", {"module": "accounts", "pattern": "NO-SEQ"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="NO-SEQ"' in html and "exactly one {SEQ}" in html


def test_layout_manager_saves_the_order_posted_and_moves_with_buttons(member, acme_admin_api):
    html = member.get("/settings/layouts/?module=accounts").content.decode()
    blocks = re.findall(r'name="blocks" value="([^"]+)"', html)
    tabs = re.findall(r'name="tabs" value="([^"]+)"', html)
    fields = {block: re.findall(rf'name="fields:{block}" value="([^"]+)"', html) for block in blocks}
    assert len(blocks) >= 2 and len(tabs) >= 2 and len(fields[blocks[0]]) >= 2
    # what the drag and drop posts: blocks swapped, the first field moved to the second block, tabs reversed,
    # the last tab hidden
    moved = fields[blocks[0]][0]
    post = {"blocks": [blocks[1], blocks[0], *blocks[2:]], "tabs": tabs[::-1], "visible": tabs[1:],
            **{f"fields:{b}": f for b, f in fields.items()}}
    post[f"fields:{blocks[0]}"] = fields[blocks[0]][1:]
    post[f"fields:{blocks[1]}"] = [*fields[blocks[1]], moved]
    assert member.post("/settings/layouts/?module=accounts", post).status_code == 302
    layout = acme_admin_api.execute('{ layout(module: "accounts") { blocks tabs } }')["data"]["layout"]
    assert [b["key"] for b in layout["blocks"]][:2] == [blocks[1], blocks[0]]
    assert layout["blocks"][0]["fields"][-1] == moved
    assert [t["key"] for t in layout["tabs"]] == tabs[::-1]
    assert [t["key"] for t in layout["tabs"] if not t["visible"]] == [tabs[0]]
    # the arrow buttons (no script): the second block goes back up
    saved = [b["key"] for b in layout["blocks"]]
    post = {"blocks": saved, "tabs": tabs, "visible": tabs, "move": "block:1:up",
            **{f"fields:{b['key']}": b["fields"] for b in layout["blocks"]}}
    assert member.post("/settings/layouts/?module=accounts", post).status_code == 302
    layout = acme_admin_api.execute('{ layout(module: "accounts") { blocks } }')["data"]["layout"]
    assert [b["key"] for b in layout["blocks"]][:2] == [blocks[0], blocks[1]]


def test_layout_of_an_unknown_module_is_not_found(member):
    assert member.get("/settings/layouts/?module=nope").status_code == 404


def test_custom_fields_are_added_edited_and_removed(member, acme_admin_api):
    query = '{ customFieldDefinitions(module: "contacts") { key label fieldType choices required } }'
    assert member.post("/settings/custom-fields/?module=contacts", {
        "action": "define", "key": "size", "label": "Size", "fieldType": "choice", "choices": "S\nM, L",
        "required": "on"}).status_code == 302
    assert acme_admin_api.execute(query)["data"]["customFieldDefinitions"] == [
        {"key": "size", "label": "Size", "fieldType": "choice", "choices": ["S", "M", "L"], "required": True}]
    assert "Size" in member.get("/settings/custom-fields/?module=contacts").content.decode()
    assert member.post("/settings/custom-fields/?module=contacts", {
        "action": "update", "key": "size", "label": "T-shirt size", "choices": "S\nM"}).status_code == 302
    assert acme_admin_api.execute(query)["data"]["customFieldDefinitions"][0]["label"] == "T-shirt size"
    assert member.post("/settings/custom-fields/?module=contacts",
                       {"action": "remove", "key": "size"}).status_code == 302
    assert acme_admin_api.execute(query)["data"]["customFieldDefinitions"] == []


def test_a_refused_custom_field_keeps_what_was_typed(member):
    response = member.post("/settings/custom-fields/?module=contacts", {
        "action": "define", "key": "colour", "label": "Colour", "fieldType": "choice", "choices": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="colour"' in html and 'value="Colour"' in html and "A choice field needs choices." in html
    assert '<option value="choice" selected>' in html


def test_company_details_save_and_bad_identifiers_are_explained(member, acme_admin_api):
    form = {"name": "Acme SAS", "legalForm": "SAS", "shareCapital": "10000", "siren": "732829320",
            "siret": "73282932000074", "vatNumber": "", "rcs": "RCS Lyon 732 829 320", "street": "1 rue de la Paix",
            "postalCode": "69001", "city": "Lyon", "country": "FR", "email": "", "phone": "", "website": "",
            "iban": "FR7630006000011234567890189", "bic": "", "paymentTermsDays": "45", "latePenaltyText": "Late.",
            "terms": ""}
    assert member.post("/settings/company/", form).status_code == 302
    company = acme_admin_api.execute("{ companies { name siren shareCapital paymentTermsDays iban rcs } }")["data"][
        "companies"][0]
    assert company == {"name": "Acme SAS", "siren": "732829320", "shareCapital": "10000.00", "paymentTermsDays": 45,
                       "iban": "FR7630006000011234567890189", "rcs": "RCS Lyon 732 829 320"}
    response = member.post("/settings/company/", {**form, "siren": "123456789", "name": "Typed name"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="123456789"' in html and 'value="Typed name"' in html and 'aria-invalid="true"' in html
    # an amount written the French way is one; with a currency sign it is the field's error, nothing saved
    assert member.post("/settings/company/", {**form, "shareCapital": "12 500,50"}).status_code == 302
    refused = member.post("/settings/company/", {**form, "shareCapital": "10 000 €", "name": "Not saved"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'value="10 000 €"' in html and "Enter an amount in figures" in html
    assert acme_admin_api.execute("{ companies { name shareCapital } }")["data"]["companies"][0] == {
        "name": "Acme SAS", "shareCapital": "12500.50"}


def test_tags_are_created_renamed_and_deleted(member, acme_admin_api):
    assert member.post("/settings/tags/", {"action": "create", "name": "Key account", "color": "#ff0000"}
                       ).status_code == 302
    [tag] = acme_admin_api.execute("{ tags { id name color } }")["data"]["tags"]
    assert (tag["name"], tag["color"]) == ("Key account", "#ff0000")
    assert member.post("/settings/tags/", {"action": "update", "id": tag["id"], "name": "Key", "color": "#00ff00"}
                       ).status_code == 302
    assert acme_admin_api.execute("{ tags { name color } }")["data"]["tags"] == [{"name": "Key", "color": "#00ff00"}]
    response = member.post("/settings/tags/", {"action": "create", "name": "key", "color": "#000000"})
    assert response.status_code == 400 and "This tag already exists." in response.content.decode()
    assert member.post("/settings/tags/", {"action": "delete", "id": tag["id"]}).status_code == 302
    assert acme_admin_api.execute("{ tags { name } }")["data"]["tags"] == []


def test_api_token_secret_is_shown_once_and_revoked_tokens_are_marked(member, acme_admin_api):
    response = member.post("/settings/api-tokens/", {"action": "create", "name": "ERP sync", "expiresAt": ""})
    assert response.status_code == 200
    secret = re.search(r'<code class="secret">(sk_[^<]+)</code>', response.content.decode()).group(1)
    [token] = acme_admin_api.execute("{ apiTokens { id name prefix revokedAt } }")["data"]["apiTokens"]
    assert token["name"] == "ERP sync" and secret.startswith(token["prefix"])
    assert secret not in member.get("/settings/api-tokens/").content.decode()
    assert member.post("/settings/api-tokens/", {"action": "revoke", "id": token["id"]}).status_code == 302
    assert acme_admin_api.execute("{ apiTokens { revokedAt } }")["data"]["apiTokens"][0]["revokedAt"]
    response = member.post("/settings/api-tokens/", {"action": "create", "name": " ", "expiresAt": "2020-01-01"})
    assert response.status_code == 400 and 'value="2020-01-01"' in response.content.decode()


def test_lead_conversion_mapping_is_set_and_removed(member, acme_admin_api):
    query = "{ leadConversionRules { leadField target targetField } }"
    rule = {"leadField": "email", "target": "account", "targetField": "industry"}
    assert member.post("/settings/lead-conversion/", {"leadField": "email", "target": "account:industry"}
                       ).status_code == 302
    assert rule in acme_admin_api.execute(query)["data"]["leadConversionRules"]
    assert "Industry" in member.get("/settings/lead-conversion/").content.decode()
    assert member.post("/settings/lead-conversion/", {"target": "account:industry"}).status_code == 302
    assert rule not in acme_admin_api.execute(query)["data"]["leadConversionRules"]
    response = member.post("/settings/lead-conversion/", {"leadField": "email", "target": "deal:nope"})
    assert response.status_code == 400 and "Unknown field." in response.content.decode()
