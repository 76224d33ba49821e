"""The access-rights settings through the web client: the role tree, profiles with their module and field rights,
the organisation-wide defaults and sharing rules, and the role of each user; every change goes through the API,
refusals are shown next to the fields, and other members are refused."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.tenants.test_members import staff_member
from tests.web.conftest import host_client

ROLES = "{ roles { id name isDefault depth parent { name } profiles { name } } }"
PROFILES = """{ profiles { id name description viewAll editAll modules { module actions }
  fields { module field access } } }"""


@pytest.fixture
def colleague(acme):
    """A staff member of acme who is not an administrator, logged in through the login page."""
    staff_member(acme)
    client = host_client(acme.host)
    assert client.post("/login/", {"email": "staff@acme.example.com", "password": PASSWORD}).status_code == 302
    return client


def roles_by_name(api) -> dict[str, dict]:
    return {role["name"]: role for role in api.execute(ROLES)["data"]["roles"]}


def profiles_by_name(api) -> dict[str, dict]:
    return {profile["name"]: profile for profile in api.execute(PROFILES)["data"]["profiles"]}


def test_access_pages_render_and_are_in_the_navigation(member, acme_admin_api):
    home = member.get("/").content.decode()
    for url in ("/settings/roles/", "/settings/profiles/", "/settings/sharing/"):
        assert member.get(url).status_code == 200, url
        assert f'href="{url}"' in home, url
    roles = member.get("/settings/roles/").content.decode()
    # the tree, indented by depth: Sales sits two levels down
    assert re.search(r'margin-left: 3\.0rem">.*?value="Sales"', roles, re.S)
    profile = profiles_by_name(acme_admin_api)["Sales"]
    assert f'href="/settings/profiles/{profile["id"]}/"' in member.get("/settings/profiles/").content.decode()


def test_access_pages_are_refused_to_other_members(colleague, acme_admin_api):
    profile = profiles_by_name(acme_admin_api)["Sales"]["id"]
    for url in ("/settings/roles/", "/settings/profiles/", f"/settings/profiles/{profile}/", "/settings/sharing/"):
        assert colleague.get(url).status_code == 403, url
    assert colleague.post("/settings/roles/", {"action": "create", "name": "Sneaky",
                                               "parentId": roles_by_name(acme_admin_api)["Manager"]["id"]}
                          ).status_code == 403
    assert "Sneaky" not in roles_by_name(acme_admin_api)


def test_roles_are_created_renamed_moved_and_deleted_with_transfer(member, acme_admin_api):
    roles = roles_by_name(acme_admin_api)
    profiles = profiles_by_name(acme_admin_api)
    assert member.post("/settings/roles/", {"action": "create", "name": "Team lead", "parentId": roles["Manager"]["id"],
                                            "profileIds": [profiles["Sales"]["id"]]}).status_code == 302
    lead = roles_by_name(acme_admin_api)["Team lead"]
    assert (lead["depth"], lead["parent"]["name"], lead["profiles"]) == (2, "Manager", [{"name": "Sales"}])
    # rename, other profiles, made the default role
    assert member.post("/settings/roles/", {"action": "update", "id": lead["id"], "name": "Squad lead",
                                            "profileIds": [profiles["Read-only"]["id"]], "isDefault": "on"}
                       ).status_code == 302
    roles = roles_by_name(acme_admin_api)
    assert roles["Squad lead"]["profiles"] == [{"name": "Read-only"}] and roles["Squad lead"]["isDefault"]
    # Sales moves under it
    assert member.post("/settings/roles/", {"action": "move", "id": roles["Sales"]["id"],
                                            "parentId": lead["id"]}).status_code == 302
    assert roles_by_name(acme_admin_api)["Sales"]["parent"] == {"name": "Squad lead"}
    # the default role cannot go without a role to transfer to: the refusal shows on its row
    response = member.post("/settings/roles/", {"action": "delete", "id": lead["id"], "transferToId": ""})
    assert response.status_code == 400
    assert "choose the role they move to" in response.content.decode()
    assert "Squad lead" in roles_by_name(acme_admin_api)
    assert member.post("/settings/roles/", {"action": "delete", "id": lead["id"],
                                            "transferToId": roles["Manager"]["id"]}).status_code == 302
    roles = roles_by_name(acme_admin_api)
    assert "Squad lead" not in roles and roles["Manager"]["isDefault"]
    assert roles["Sales"]["parent"] == {"name": "Manager"}


def test_refused_role_changes_are_shown_next_to_the_fields(member, acme_admin_api):
    roles = roles_by_name(acme_admin_api)
    response = member.post("/settings/roles/", {"action": "create", "name": "sales",
                                                "parentId": roles["Manager"]["id"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This name is already used." in html and 'value="sales"' in html
    response = member.post("/settings/roles/", {"action": "move", "id": roles["Manager"]["id"],
                                                "parentId": roles["Sales"]["id"]})
    assert response.status_code == 400
    assert "cannot be placed under itself or its subordinates" in response.content.decode()
    assert roles_by_name(acme_admin_api)["Manager"]["parent"] == {"name": "Administrator"}


def test_profiles_are_created_and_deleted(member, acme_admin_api):
    assert member.post("/settings/profiles/", {"action": "create", "name": "Auditor", "description": "Reads books",
                                               "viewAll": "on"}).status_code == 302
    auditor = profiles_by_name(acme_admin_api)["Auditor"]
    assert (auditor["description"], auditor["viewAll"], auditor["editAll"]) == ("Reads books", True, False)
    response = member.post("/settings/profiles/", {"action": "create", "name": "auditor"})
    assert response.status_code == 400 and "This name is already used." in response.content.decode()
    assert member.post("/settings/profiles/", {"action": "delete", "id": auditor["id"]}).status_code == 302
    assert "Auditor" not in profiles_by_name(acme_admin_api)


def test_profile_grid_sets_module_actions_and_field_access(member, acme_admin_api):
    profile = profiles_by_name(acme_admin_api)["Sales"]
    url = f"/settings/profiles/{profile['id']}/"
    html = member.get(url).content.decode()
    ticked = re.findall(r'name="(actions:[^"]+)" value="([A-Z]+)"[^>]*checked', html)
    posted: dict[str, list[str]] = {}
    for name, action in ticked:
        posted.setdefault(name, []).append(action)
    # what the page shows is what the API holds
    assert {name.removeprefix("actions:"): actions for name, actions in posted.items()} == {
        row["module"]: row["actions"] for row in profile["modules"] if row["actions"]}
    # accounts: view and export only; products: view and create
    posted["actions:accounts"] = ["VIEW", "EXPORT"]
    posted["actions:products"] = ["VIEW", "CREATE"]
    assert member.post(url, {"action": "modules", **posted}).status_code == 302
    modules = {row["module"]: row["actions"] for row in profiles_by_name(acme_admin_api)["Sales"]["modules"]}
    assert (modules["accounts"], modules["products"]) == (["VIEW", "EXPORT"], ["VIEW", "CREATE"])
    # fields of accounts: one hidden, one read-only, the others left editable
    fields = re.findall(r'name="field:([^"]+)" aria-label="Account ·', html)
    assert len(fields) >= 3
    assert member.post(url, {"action": "fields", "module": "accounts", f"field:{fields[0]}": "HIDDEN",
                             f"field:{fields[1]}": "READ_ONLY"}).status_code == 302
    rights = {(row["module"], row["field"]): row["access"] for row in profiles_by_name(acme_admin_api)["Sales"][
        "fields"]}
    assert rights == {("accounts", fields[0]): "HIDDEN", ("accounts", fields[1]): "READ_ONLY"}
    html = member.get(url).content.decode()
    assert re.search(rf'name="field:{fields[0]}"[^>]*>.*?<option value="HIDDEN" selected>', html, re.S)
    # editable again; a field missing from the post, or with a forged access, is left as it is
    assert member.post(url, {"action": "fields", "module": "accounts", f"field:{fields[0]}": "EDITABLE",
                             f"field:{fields[2]}": "BOGUS"}).status_code == 302
    rights = [(row["field"], row["access"]) for row in profiles_by_name(acme_admin_api)["Sales"]["fields"]]
    assert rights == [(fields[1], "READ_ONLY")]


def test_profile_rename_refusal_and_unknown_profile(member, acme_admin_api):
    profiles = profiles_by_name(acme_admin_api)
    url = f"/settings/profiles/{profiles['Sales']['id']}/"
    assert member.post(url, {"action": "update", "name": "Sellers", "description": "Sells",
                             "editAll": "on"}).status_code == 302
    sellers = profiles_by_name(acme_admin_api)["Sellers"]
    assert (sellers["description"], sellers["viewAll"], sellers["editAll"]) == ("Sells", False, True)
    response = member.post(url, {"action": "update", "name": "Read-only"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This name is already used." in html and 'value="Read-only"' in html
    assert member.get("/settings/profiles/not-an-id/").status_code == 404
    role = roles_by_name(acme_admin_api)["Sales"]["id"]
    assert member.get(f"/settings/profiles/{role}/").status_code == 404


def test_defaults_and_sharing_rules(member, acme_admin_api):
    roles = roles_by_name(acme_admin_api)
    html = member.get("/settings/sharing/").content.decode()
    defaults = dict(re.findall(r'name="default:([^"]+)".*?<option value="([A-Z_]+)" selected>', html, re.S))
    assert defaults["accounts"] == "PUBLIC_READ_WRITE"
    assert member.post("/settings/sharing/", {"action": "defaults", **{f"default:{m}": a for m, a in defaults.items()},
                                              "default:accounts": "PRIVATE"}).status_code == 302
    stored = {row["module"]: row["access"] for row in acme_admin_api.execute("{ moduleDefaults { module access } }")[
        "data"]["moduleDefaults"]}
    assert stored == {**defaults, "accounts": "PRIVATE"}
    # a rule: accounts owned by Sales shared with Accountant, read and write
    assert member.post("/settings/sharing/", {"action": "create", "module": "accounts",
                                              "from": f"role:{roles['Sales']['id']}",
                                              "to": f"role:{roles['Accountant']['id']}", "access": "WRITE"}
                       ).status_code == 302
    query = "{ sharingRules { id module access fromRole { name } toRole { name } } }"
    [rule] = acme_admin_api.execute(query)["data"]["sharingRules"]
    assert {**rule, "id": None} == {"id": None, "module": "accounts", "access": "WRITE", "fromRole": {"name": "Sales"},
                                    "toRole": {"name": "Accountant"}}
    html = member.get("/settings/sharing/").content.decode()
    assert "Accountant" in html and "Read and write" in html
    # refused: nobody to share with
    response = member.post("/settings/sharing/", {"action": "create", "module": "accounts",
                                                  "from": f"role:{roles['Sales']['id']}", "to": "", "access": "READ"})
    assert response.status_code == 400
    assert "Name one role or one team on each side of the rule." in response.content.decode()
    assert member.post("/settings/sharing/", {"action": "delete", "id": rule["id"]}).status_code == 302
    assert acme_admin_api.execute(query)["data"]["sharingRules"] == []


def test_a_user_is_given_an_access_role_on_the_users_page(member, acme, acme_admin_api):
    staff_member(acme)
    roles = roles_by_name(acme_admin_api)
    html = member.get("/settings/users/").content.decode()
    # the staff member holds the default role (Sales) until given one
    form = re.search(r'name="userId" value="([^"]+)">\s*<select name="roleId"[^>]*>(.*?)</select>',
                     html[html.index("staff@acme.example.com"):], re.S)
    user_id, options = form.group(1), form.group(2)
    assert f'<option value="{roles["Sales"]["id"]}" selected>' in options
    assert member.post("/settings/users/", {"action": "access-role", "userId": user_id,
                                            "roleId": roles["Accountant"]["id"]}).status_code == 302
    held = {row["user"]["email"]: row["role"]["name"] for row in acme_admin_api.execute(
        "{ userRoles { user { email } role { name } } }")["data"]["userRoles"]}
    assert held["staff@acme.example.com"] == "Accountant"


TEAMS = "{ teams { team { name } members { email } } }"


def test_teams_are_created_given_members_renamed_and_deleted(member, colleague, acme_admin_api):
    owners = acme_admin_api.execute("{ owners { __typename ... on User { id email } } }")["data"]["owners"]
    staff = next(owner["id"] for owner in owners if owner.get("email") == "staff@acme.example.com")
    assert member.post("/settings/teams/", {"action": "create", "name": "Key accounts",
                                            "memberIds": [staff]}).status_code == 302
    assert acme_admin_api.execute(TEAMS)["data"]["teams"] == [
        {"team": {"name": "Key accounts"}, "members": [{"email": "staff@acme.example.com"}]}]
    page = member.get("/settings/teams/").content.decode()
    assert 'value="Key accounts"' in page
    team = re.search(r'name="action" value="update"><input type="hidden" name="id" value="([^"]+)"', page).group(1)
    # a taken name is refused next to the form, what was typed stays
    refused = member.post("/settings/teams/", {"action": "create", "name": "key accounts"})
    assert refused.status_code == 400 and "already used" in refused.content.decode()
    assert member.post("/settings/teams/", {"action": "update", "id": team, "name": "Big accounts"}).status_code == 302
    assert acme_admin_api.execute(TEAMS)["data"]["teams"][0]["team"] == {"name": "Big accounts"}
    assert colleague.get("/settings/teams/").status_code == 403
    assert member.post("/settings/teams/", {"action": "delete", "id": team}).status_code == 302
    assert acme_admin_api.execute(TEAMS)["data"]["teams"] == []
