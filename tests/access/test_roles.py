"""The role tree, profiles and their administration through the GraphQL API."""

import importlib

from django.db import connection
from django_tenants.utils import schema_context

from saas.access.models import Profile, Role, UserRole
from tenants import services as tenant_services
from tenants.models import User
from tests.access.helpers import ROLES, role_ids
from tests.conftest import PASSWORD, messages

ROLE_CREATE = """mutation($input: RoleInput!) { roleCreate(input: $input) {
  __typename ... on Role { id name depth parent { name } profiles { name } }
  ... on OperationInfo { messages { field code } } } }"""
ROLE_MOVE = """mutation($id: ID!, $parentId: ID!) { roleMove(id: $id, parentId: $parentId) {
  __typename ... on Role { depth parent { name } } ... on OperationInfo { messages { field code } } } }"""
ROLE_DELETE = """mutation($id: ID!, $transferToId: ID) { roleDelete(id: $id, transferToId: $transferToId) {
  __typename ... on OperationInfo { messages { field code } } } }"""
USER_ROLE_SET = """mutation($userId: ID!, $roleId: ID!) { userRoleSet(userId: $userId, roleId: $roleId) {
  __typename ... on UserRoleSet { user { email } role { name } } ... on OperationInfo { messages { field code } } } }"""
PROFILES = "{ profiles { id name viewAll editAll modules { module actions } fields { module field access } } }"
PROFILE_MODULE_SET = """mutation($id: ID!, $module: String!, $actions: [ModuleAction!]!) {
  profileModuleSet(id: $id, module: $module, actions: $actions) {
  __typename ... on Profile { modules { module actions } } ... on OperationInfo { messages { field code } } } }"""


def test_seeded_tree_profiles_and_creator_role(acme, acme_admin_api, acme_admin):
    roles = {role["name"]: role for role in acme_admin_api.execute(ROLES)["data"]["roles"]}
    assert {name: (role["depth"], (role["parent"] or {}).get("name")) for name, role in roles.items()} == {
        "Administrator": (0, None), "Manager": (1, "Administrator"), "Sales": (2, "Manager"),
        "Accountant": (2, "Manager"), "Read-only": (2, "Manager")}
    assert [name for name, role in roles.items() if role["isDefault"]] == ["Sales"]
    profiles = {profile["name"]: profile for profile in acme_admin_api.execute(PROFILES)["data"]["profiles"]}
    assert profiles["Administrator"]["viewAll"] and profiles["Administrator"]["editAll"]
    sales = {row["module"]: row["actions"] for row in profiles["Sales"]["modules"]}
    assert sales["accounts"] == ["VIEW", "CREATE", "EDIT", "DELETE", "EXPORT", "IMPORT"]
    assert sales["products"] == ["VIEW"] and "journal_entries" not in sales
    # the company's creator holds the administrators' role
    connection.set_schema("acme")
    assert UserRole.objects.get(user=acme_admin).role.name == "Administrator"


def test_a_french_company_starts_with_roles_and_profiles_named_in_french(db):
    # when
    signed_up = tenant_services.signup(company_name="Dupont", slug="dupont", email="marie@dupont.example.com",
                                       password=PASSWORD, language="fr")
    # then
    with schema_context("dupont"):
        assert sorted(Role.objects.values_list("name", flat=True)) == [
            "Administrateur", "Commercial", "Comptable", "Lecture seule", "Responsable"]
        assert Role.objects.get(is_default=True).name == "Commercial"
        assert UserRole.objects.get(user=signed_up.user).role.name == "Administrateur"
        assert dict(Profile.objects.values_list("name", "description"))["Lecture seule"] == (
            "Voit tous les modules, ne modifie rien.")


def test_a_tenant_signed_up_before_tenant_languages_gets_its_seeded_names_translated_by_migration(db, acme):
    from django.apps import apps

    migration = importlib.import_module("saas.access.migrations.0009_seeded_names_in_tenant_language")
    tenant_services.signup(company_name="Durand", slug="durand", email="luc@durand.example.com", password=PASSWORD,
                           language="fr")
    english = {"Administrateur": "Administrator", "Responsable": "Manager", "Commercial": "Sales",
               "Comptable": "Accountant", "Lecture seule": "Read-only"}
    with schema_context("durand"):
        # As migration 0006 left them, but for a role an admin renamed and a profile named like a translation.
        for french, name in english.items():
            Role.objects.filter(name=french).update(name=name)
            Profile.objects.filter(name=french).update(name=name)
        Profile.objects.filter(name="Read-only").update(description="Sees every module, changes nothing.")
        Role.objects.filter(name="Sales").update(name="Vente")
        Profile.objects.create(name="Comptable", description="Made by an admin")

        migration.rename_seeded(apps, None)

        assert sorted(Role.objects.values_list("name", flat=True)) == [
            "Administrateur", "Comptable", "Lecture seule", "Responsable", "Vente"]
        assert sorted(Profile.objects.values_list("name", flat=True)) == [
            "Accountant", "Administrateur", "Commercial", "Comptable", "Lecture seule", "Responsable"]
        assert Profile.objects.get(name="Lecture seule").description == "Voit tous les modules, ne modifie rien."
    with schema_context("acme"):  # an English tenant keeps them as they are
        migration.rename_seeded(apps, None)
        assert "Administrator" in Role.objects.values_list("name", flat=True)


def test_only_admins_read_and_change_roles(sales):
    _user, api = sales
    assert api.execute(ROLES)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = api.execute(ROLE_CREATE, {"input": {"name": "X", "parentId": "Um9sZToxCg=="}})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_create_move_and_delete_roles_with_coded_refusals(acme_admin_api, sales):
    ids = role_ids(acme_admin_api)
    sales_user, _api = sales
    # create
    created = acme_admin_api.execute(ROLE_CREATE, {"input": {"name": "Team lead", "parentId": ids["Manager"]}})
    lead = created["data"]["roleCreate"]
    assert (lead["depth"], lead["parent"]["name"]) == (2, "Manager")
    taken = acme_admin_api.execute(ROLE_CREATE, {"input": {"name": "sales", "parentId": ids["Manager"]}})
    assert messages(taken["data"]["roleCreate"]) == {"name": "name_taken"}
    # move Sales under the team lead: its subtree follows
    moved = acme_admin_api.execute(ROLE_MOVE, {"id": ids["Sales"], "parentId": lead["id"]})["data"]["roleMove"]
    assert (moved["depth"], moved["parent"]["name"]) == (3, "Team lead")
    cycle = acme_admin_api.execute(ROLE_MOVE, {"id": lead["id"], "parentId": ids["Sales"]})["data"]["roleMove"]
    assert messages(cycle) == {"parentId": "role_cycle"}
    root = acme_admin_api.execute(ROLE_MOVE, {"id": ids["Administrator"], "parentId": ids["Sales"]})
    assert messages(root["data"]["roleMove"]) == {"id": "role_root"}
    # a role nobody holds goes at once, the roles below it move up
    deleted = acme_admin_api.execute(ROLE_DELETE, {"id": lead["id"]})
    assert deleted["data"]["roleDelete"]["__typename"] == "Deleted", deleted
    roles = {role["name"]: role for role in acme_admin_api.execute(ROLES)["data"]["roles"]}
    assert roles["Sales"]["parent"]["name"] == "Manager" and roles["Sales"]["depth"] == 2
    # a role held by users (or the default one) needs a role to move them to
    in_use = acme_admin_api.execute(ROLE_DELETE, {"id": ids["Sales"]})["data"]["roleDelete"]
    assert messages(in_use) == {"transferToId": "role_in_use"}
    done = acme_admin_api.execute(ROLE_DELETE, {"id": ids["Sales"], "transferToId": ids["Read-only"]})
    assert done["data"]["roleDelete"]["__typename"] == "Deleted"
    connection.set_schema("acme")
    assert UserRole.objects.get(user=sales_user).role.name == "Read-only"
    assert Role.objects.get(is_default=True).name == "Read-only"
    assert acme_admin_api.execute(ROLE_DELETE, {"id": ids["Administrator"]})["data"]["roleDelete"][
        "messages"] == [{"field": "id", "code": "role_root"}]


def test_user_role_set_and_profile_module_rights(acme_admin_api, sales):
    ids = role_ids(acme_admin_api)
    user, _api = sales
    user_id = acme_admin_api.execute('{ owners { __typename ... on User { id email } } }')["data"]["owners"]
    user_id = next(owner["id"] for owner in user_id if owner.get("email") == user.email)
    result = acme_admin_api.execute(USER_ROLE_SET, {"userId": user_id, "roleId": ids["Accountant"]})
    assert result["data"]["userRoleSet"] == {"__typename": "UserRoleSet", "user": {"email": user.email},
                                             "role": {"name": "Accountant"}}
    unknown = acme_admin_api.execute(USER_ROLE_SET, {"userId": user_id, "roleId": user_id})["data"]["userRoleSet"]
    assert messages(unknown) == {"roleId": "not_found"}
    profile = next(p for p in acme_admin_api.execute(PROFILES)["data"]["profiles"] if p["name"] == "Read-only")
    changed = acme_admin_api.execute(PROFILE_MODULE_SET, {"id": profile["id"], "module": "accounts",
                                                          "actions": ["VIEW", "EXPORT"]})["data"]["profileModuleSet"]
    assert {"module": "accounts", "actions": ["VIEW", "EXPORT"]} in changed["modules"]
    bad = acme_admin_api.execute(PROFILE_MODULE_SET, {"id": profile["id"], "module": "nope", "actions": []})
    assert messages(bad["data"]["profileModuleSet"]) == {"module": "module_unknown"}
    assert User.objects.filter(email=user.email).exists()


def test_my_rights_say_what_a_member_may_do(sales):
    _user, api = sales
    rights = {row["module"]: row["actions"] for row in api.execute("{ myRights { module actions } }")["data"][
        "myRights"]}
    assert rights["accounts"] == ["VIEW", "CREATE", "EDIT", "DELETE", "EXPORT", "IMPORT"]
    assert rights["products"] == ["VIEW"]
    assert rights["journal_entries"] == [] and rights["bank_accounts"] == []


def test_user_roles_list_each_member_with_the_role_held_or_the_default_one(acme_admin_api, acme, sales,
                                                                              staff_member):
    staff_member("newcomer@acme.example.com", None)
    query = "{ userRoles { user { email } role { name } } }"
    held = {row["user"]["email"]: row["role"]["name"] for row in acme_admin_api.execute(query)["data"]["userRoles"]}
    assert held == {acme.admin_email: "Administrator", "sales@acme.example.com": "Sales",
                    "newcomer@acme.example.com": "Sales"}
    _user, api = sales
    assert api.execute(query)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
