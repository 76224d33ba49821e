"""The company's staff through the API: preferences of one's own, invitations, roles, deactivation."""

import re

import pytest

from tenants.models import Membership, User
from tests.conftest import PASSWORD, GraphQLClient, logged_in, messages

ME_UPDATE = """mutation($input: MeInput!) { meUpdate(input: $input) {
  ... on Me { user { language timeZone fullName } } ... on OperationInfo { messages { field code } } } }"""
MEMBERS = "{ members { id email isAdmin isActive invitationPending } }"
INVITE = """mutation($email: String!, $isAdmin: Boolean!) { memberInvite(email: $email, isAdmin: $isAdmin) {
  ... on Member { id email isAdmin isActive invitationPending } ... on OperationInfo { messages { field code } } } }"""
ROLE = """mutation($id: ID!, $isAdmin: Boolean!) { memberRoleSet(id: $id, isAdmin: $isAdmin) {
  ... on Member { isAdmin } ... on OperationInfo { messages { field code } } } }"""
DEACTIVATE = """mutation($id: ID!) { memberDeactivate(id: $id) {
  ... on Member { isActive } ... on OperationInfo { messages { field code } } } }"""
ACCEPT = """mutation($token: String!, $password: String!) { invitationAccept(token: $token, password: $password,
  fullName: "New Person") { __typename ... on OperationInfo { messages { field code } } } }"""


def staff_member(tenant, email: str = "staff@acme.example.com") -> GraphQLClient:
    """A plain (non-admin) staff member of the tenant, logged in."""
    user = User.objects.create_user(email, PASSWORD)
    admin = Membership.objects.get(user__email=tenant.admin_email, tenant__schema_name=tenant.slug)
    Membership.objects.create(user=user, tenant_id=admin.tenant_id)
    return logged_in(type(tenant)(tenant.slug, email))


def test_me_update_saves_language_time_zone_and_name(acme_admin_api, acme_admin):
    result = acme_admin_api.execute(ME_UPDATE, {"input": {"language": "fr", "timeZone": "America/Montreal",
                                                          "fullName": "  Ada   Lovelace "}})
    assert result["data"]["meUpdate"] == {"user": {"language": "fr", "timeZone": "America/Montreal",
                                                   "fullName": "Ada Lovelace"}}
    acme_admin.refresh_from_db()
    assert (acme_admin.language, acme_admin.time_zone) == ("fr", "America/Montreal")


def test_me_update_refuses_an_unknown_time_zone_and_language_and_changes_nothing(acme_admin_api, acme_admin):
    result = acme_admin_api.execute(ME_UPDATE, {"input": {"language": "de", "timeZone": "Mars/Olympus"}})
    assert messages(result["data"]["meUpdate"]) == {"language": "language_invalid", "timeZone": "time_zone_invalid"}
    acme_admin.refresh_from_db()
    assert (acme_admin.language, acme_admin.time_zone) == ("en", "Europe/Paris")


def test_an_invited_person_chooses_a_password_and_logs_in(acme, acme_admin_api, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        invited = acme_admin_api.execute(INVITE, {"email": "New@Acme.example.com", "isAdmin": False})["data"]
    assert invited["memberInvite"]["email"] == "new@acme.example.com"
    assert invited["memberInvite"]["invitationPending"] is True
    [email] = mailoutbox
    assert email.to == ["new@acme.example.com"]
    token = re.search(r"/invitation/([^/]+)/", email.body).group(1)
    # when
    newcomer = GraphQLClient(acme.host)
    assert messages(newcomer.execute(ACCEPT, {"token": token, "password": "short"})["data"]["invitationAccept"]) \
        == {"password": "password_weak"}
    accepted = newcomer.execute(ACCEPT, {"token": token, "password": PASSWORD})["data"]["invitationAccept"]
    # then: logged in, and the link is spent
    assert accepted["__typename"] == "LoginSuccess"
    assert newcomer.execute("{ me { user { email fullName } } }")["data"]["me"]["user"] == {
        "email": "new@acme.example.com", "fullName": "New Person"}
    again = GraphQLClient(acme.host).execute(ACCEPT, {"token": token, "password": PASSWORD})
    assert messages(again["data"]["invitationAccept"]) == {None: "token_invalid"}


def test_inviting_an_existing_identity_adds_it_and_twice_is_refused(acme_admin_api, globex, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = acme_admin_api.execute(INVITE, {"email": globex.admin_email, "isAdmin": True})["data"]["memberInvite"]
    assert (first["isAdmin"], first["invitationPending"]) == (True, False)
    assert "/login/?email=admin%40globex.example.com" in mailoutbox[-1].body
    second = acme_admin_api.execute(INVITE, {"email": globex.admin_email, "isAdmin": False})["data"]["memberInvite"]
    assert messages(second) == {"email": "already_member"}
    assert messages(acme_admin_api.execute(INVITE, {"email": "nope", "isAdmin": False})["data"]["memberInvite"]) \
        == {"email": "email_invalid"}


def test_roles_change_and_deactivation_keeps_one_admin(acme, acme_admin_api):
    staff_member(acme)
    members = {m["email"]: m for m in acme_admin_api.execute(MEMBERS)["data"]["members"]}
    admin, staff = members[acme.admin_email]["id"], members["staff@acme.example.com"]["id"]
    # the only admin can neither step down nor be deactivated
    assert messages(acme_admin_api.execute(ROLE, {"id": admin, "isAdmin": False})["data"]["memberRoleSet"]) \
        == {None: "last_admin"}
    assert messages(acme_admin_api.execute(DEACTIVATE, {"id": admin})["data"]["memberDeactivate"]) \
        == {None: "last_admin"}
    assert acme_admin_api.execute(ROLE, {"id": staff, "isAdmin": True})["data"]["memberRoleSet"] == {"isAdmin": True}
    assert acme_admin_api.execute(DEACTIVATE, {"id": staff})["data"]["memberDeactivate"] == {"isActive": False}
    assert not Membership.objects.get(user__email="staff@acme.example.com").is_active


def test_members_are_managed_by_admins_only_and_per_tenant(acme, acme_admin_api, globex_admin_api):
    staff = staff_member(acme)
    assert staff.execute(MEMBERS)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = staff.execute(INVITE, {"email": "x@example.com", "isAdmin": True})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not User.objects.filter(email="x@example.com").exists()
    # an id minted in acme names nothing in globex
    acme_id = acme_admin_api.execute(MEMBERS)["data"]["members"][0]["id"]
    assert messages(globex_admin_api.execute(DEACTIVATE, {"id": acme_id})["data"]["memberDeactivate"]) \
        == {"id": "not_found"}
    assert [m["email"] for m in globex_admin_api.execute(MEMBERS)["data"]["members"]] == ["admin@globex.example.com"]


@pytest.mark.parametrize("token", ["", "garbage", "MQ.nope"])
def test_invitation_tokens_that_are_not_ours_are_refused(acme_api, token):
    assert messages(acme_api.execute(ACCEPT, {"token": token, "password": PASSWORD})["data"]["invitationAccept"]) \
        == {None: "token_invalid"}
