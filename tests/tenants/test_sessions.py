"""Sessions and tokens: a session belongs to the host that opened it; deactivating a member ends their sessions
and revokes their tokens there; a password reset ends every session of the person and lists their tokens with one
action to revoke them all."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.access.models import ApiToken
from tenants import selectors
from tenants.models import Membership, Session, User
from tenants.passwords import password_token
from tenants.tasks import sessions_purge
from tests.conftest import PASSWORD, GraphQLClient, SessionTenant, logged_in, messages

ME = "{ me { user { email } tenant { slug } } }"
ISSUE = """mutation($name: String!, $scopes: [String!]) { apiTokenCreate(name: $name, scopes: $scopes) {
  ... on ApiTokenCreated { secret } ... on OperationInfo { messages { field code } } } }"""
DEACTIVATE = """mutation($id: ID!) { memberDeactivate(id: $id) {
  __typename ... on Member { isActive } ... on OperationInfo { messages { field code } } } }"""
INVITE = """mutation($email: String!) { memberInvite(email: $email) {
  __typename ... on OperationInfo { messages { field code } } } }"""
MEMBERS = "{ members { id email } }"
RESET_CONFIRM = """mutation($token: String!, $password: String!) {
  passwordResetConfirm(token: $token, newPassword: $password) {
    __typename ... on PasswordResetDone { email } ... on OperationInfo { messages { field code } } } }"""
MY_TOKENS = "{ myApiTokens { name prefix scopes lastUsedAt tenant { slug name } } }"
REVOKE_ALL = """mutation { myApiTokensRevokeAll {
  __typename ... on ApiTokensRevoked { count } ... on OperationInfo { messages { field code } } } }"""
NEW_PASSWORD = "another-long-passphrase"
STAFF = "staff@acme.example.com"


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


def sessions_of(email: str) -> list[tuple[str, str]]:
    """`(schema, key)` of the identity's stored sessions."""
    user = User.objects.get(email=email)
    return sorted(Session.objects.filter(user_id=user.pk).values_list("schema_name", "session_key"))


def issue(api: GraphQLClient, name: str, scopes: list[str] | None = None) -> str:
    payload = api.execute(ISSUE, {"name": name, "scopes": scopes})["data"]["apiTokenCreate"]
    assert "secret" in payload, payload
    return payload["secret"]


def revoked(schema: str, email: str) -> dict[str, bool]:
    with schema_context(schema):
        return {token.name: token.revoked_at is not None
                for token in ApiToken.objects.filter(user__email=email)}


def also_member_of_globex(email: str) -> None:
    Membership.objects.create(user=User.objects.get(email=email), tenant=selectors.tenant_get(slug="globex"))


def test_a_session_cookie_replayed_on_another_tenants_host_is_anonymous_there(acme, globex):
    # given: acme's admin, also a member of globex, logged in on acme's host
    also_member_of_globex(acme.admin_email)
    on_acme = logged_in(acme)
    stolen = on_acme.client.cookies["sessionid"].value
    stored = sessions_of(acme.admin_email)
    # when: the same cookie value is presented on globex's host (API, web page, logout)
    def thief() -> Client:
        client = Client()
        client.cookies["sessionid"] = stolen
        return client

    me_on_globex = GraphQLClient(globex.host, client=thief()).execute(ME)
    page_on_globex = thief().get("/", HTTP_HOST=globex.host)
    GraphQLClient(globex.host, client=thief()).execute("mutation { logout { __typename } }")
    # then: anonymous there, and nothing of the acme session was touched
    assert me_on_globex["data"] is None and code(me_on_globex) == "UNAUTHENTICATED"
    assert page_on_globex.status_code == 302 and page_on_globex["Location"].startswith("/login/")
    assert [schema for schema, _key in stored] == ["acme"]
    assert sessions_of(acme.admin_email) == stored
    assert on_acme.execute(ME)["data"]["me"]["tenant"]["slug"] == "acme"


def test_the_public_hosts_session_does_not_open_a_tenants_host(acme, globex):
    staff = User.objects.create_user("operator@example.com", PASSWORD, is_staff=True)
    Membership.objects.create(user=staff, tenant=selectors.tenant_get(slug="acme"))
    browser = Client()
    assert browser.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD},
                        HTTP_HOST="localhost").status_code == 302
    assert code(GraphQLClient(acme.host, client=browser).execute(ME)) == "UNAUTHENTICATED"


def staff_member(tenant: SessionTenant, email: str = STAFF) -> GraphQLClient:
    user = User.objects.create_user(email, PASSWORD)
    Membership.objects.create(user=user, tenant=selectors.tenant_get(slug=tenant.slug))
    return logged_in(SessionTenant(tenant.slug, email))


def member_id(admin_api: GraphQLClient, email: str) -> str:
    return next(member["id"] for member in admin_api.execute(MEMBERS)["data"]["members"] if member["email"] == email)


def test_deactivating_a_member_ends_their_sessions_and_revokes_their_tokens_on_that_tenant_only(
        acme, globex, acme_admin_api):
    # given: a member of acme and globex, with sessions and tokens on both hosts
    staff_api = staff_member(acme)
    web = Client(HTTP_HOST=acme.host)
    assert web.post("/login/", {"email": STAFF, "password": PASSWORD}).status_code == 302
    acme_secret = issue(staff_api, "acme sync")
    also_member_of_globex(STAFF)
    globex_api = logged_in(SessionTenant("globex", STAFF))
    globex_secret = issue(globex_api, "globex sync")
    assert [schema for schema, _key in sessions_of(STAFF)] == ["acme", "acme", "globex"]
    # when
    result = acme_admin_api.execute(DEACTIVATE, {"id": member_id(acme_admin_api, STAFF)})
    # then
    assert result["data"]["memberDeactivate"] == {"__typename": "Member", "isActive": False}
    assert [schema for schema, _key in sessions_of(STAFF)] == ["globex"]
    assert revoked("acme", STAFF) == {"acme sync": True}
    assert revoked("globex", STAFF) == {"globex sync": False}
    assert code(staff_api.execute(ME)) == "UNAUTHENTICATED"
    assert web.get("/")["Location"].startswith("/login/")
    bearer = GraphQLClient(acme.host, token=acme_secret).post(ME)
    assert bearer.status_code == 401 and bearer.json()["errors"][0]["message"].startswith("Invalid, expired or revoked")
    assert GraphQLClient(globex.host, token=globex_secret).execute(ME)["data"]["me"]["tenant"]["slug"] == "globex"
    assert globex_api.execute(ME)["data"]["me"]["tenant"]["slug"] == "globex"
    # and an invitation gives the access back, not the sessions or the token
    assert acme_admin_api.execute(INVITE, {"email": STAFF})["data"]["memberInvite"]["__typename"] == "Member"
    assert code(staff_api.execute(ME)) == "UNAUTHENTICATED"
    assert GraphQLClient(acme.host, token=acme_secret).post(ME).status_code == 401


def test_a_refused_deactivation_ends_no_session_and_revokes_no_token(acme, acme_admin_api):
    # given: the only administrator, with a token
    secret = issue(acme_admin_api, "admin sync")
    before = sessions_of(acme.admin_email)
    # when: deactivating themselves, the last administrator
    result = acme_admin_api.execute(DEACTIVATE, {"id": member_id(acme_admin_api, acme.admin_email)})
    # then
    assert messages(result["data"]["memberDeactivate"]) == {None: "last_admin"}
    assert sessions_of(acme.admin_email) == before
    assert revoked("acme", acme.admin_email) == {"admin sync": False}
    assert Membership.objects.get(user__email=acme.admin_email, tenant__schema_name="acme").is_active
    assert acme_admin_api.execute(ME)["data"]["me"]["user"]["email"] == acme.admin_email
    assert GraphQLClient(acme.host, token=secret).execute(ME)["data"]["me"]["tenant"]["slug"] == "acme"


@pytest.fixture
def person_on_two_hosts(acme, globex, acme_admin_api):
    """acme's admin, also a member of globex: two sessions on acme, one on globex, a token on each host."""
    also_member_of_globex(acme.admin_email)
    other_acme_session = logged_in(acme)
    globex_session = logged_in(SessionTenant("globex", acme.admin_email))
    acme_secret = issue(acme_admin_api, "acme sync", ["crm:read"])
    globex_secret = issue(globex_session, "globex sync")
    # the acme token is used once
    assert GraphQLClient(acme.host, token=acme_secret).execute(ME)["data"]["me"]
    return {"sessions": [acme_admin_api, other_acme_session, globex_session], "acme": acme_secret,
            "globex": globex_secret}


def test_a_password_reset_ends_every_session_of_the_person_and_lists_their_tokens(acme, globex, person_on_two_hosts):
    # given
    assert len(sessions_of(acme.admin_email)) == 3
    user = User.objects.get(email=acme.admin_email)
    resetting = GraphQLClient(acme.host)
    # when
    done = resetting.execute(RESET_CONFIRM, {"token": password_token(user), "password": NEW_PASSWORD})
    # then: every earlier session is gone, on both hosts; the reset opened one here
    assert done["data"]["passwordResetConfirm"] == {"__typename": "PasswordResetDone", "email": acme.admin_email}
    assert [schema for schema, _key in sessions_of(acme.admin_email)] == ["acme"]
    for session in person_on_two_hosts["sessions"]:
        assert code(session.execute(ME)) == "UNAUTHENTICATED"
    # the tokens still work, and the new session lists them, in every company
    listed = resetting.execute(MY_TOKENS)["data"]["myApiTokens"]
    assert [(token["name"], token["tenant"]["slug"], token["scopes"], token["lastUsedAt"] is not None)
            for token in listed] == [("acme sync", "acme", ["crm:read"], True),
                                     ("globex sync", "globex", ["*:write"], False)]
    assert listed[0]["prefix"] == person_on_two_hosts["acme"][:9]
    assert GraphQLClient(globex.host, token=person_on_two_hosts["globex"]).execute(ME)["data"]["me"]


def test_revoking_them_all_revokes_every_token_of_the_person_in_every_company(acme, globex, person_on_two_hosts):
    # given: a session opened by the reset
    resetting = GraphQLClient(acme.host)
    resetting.execute(RESET_CONFIRM, {"token": password_token(User.objects.get(email=acme.admin_email)),
                                      "password": NEW_PASSWORD})
    # when
    result = resetting.execute(REVOKE_ALL)
    # then
    assert result["data"]["myApiTokensRevokeAll"] == {"__typename": "ApiTokensRevoked", "count": 2}
    assert revoked("acme", acme.admin_email) == {"acme sync": True}
    assert revoked("globex", acme.admin_email) == {"globex sync": True}
    assert GraphQLClient(acme.host, token=person_on_two_hosts["acme"]).post(ME).status_code == 401
    assert GraphQLClient(globex.host, token=person_on_two_hosts["globex"]).post(ME).status_code == 401
    assert resetting.execute(MY_TOKENS)["data"]["myApiTokens"] == []
    assert resetting.execute(REVOKE_ALL)["data"]["myApiTokensRevokeAll"]["count"] == 0


def test_a_token_can_neither_list_nor_revoke_all_the_tokens(acme, person_on_two_hosts):
    with_token = GraphQLClient("globex.localhost", token=person_on_two_hosts["globex"])
    listed = with_token.execute(MY_TOKENS)
    result = with_token.execute(REVOKE_ALL)
    assert listed["data"]["myApiTokens"] == []
    assert messages(result["data"]["myApiTokensRevokeAll"]) == {None: "session_required"}
    assert revoked("acme", acme.admin_email) == {"acme sync": False}
    assert revoked("globex", acme.admin_email) == {"globex sync": False}


def test_revoking_all_tokens_needs_a_member_of_this_host(acme, globex, person_on_two_hosts):
    # anonymous, or with a session of another host (the person's own globex session, replayed here)
    globex_cookie = person_on_two_hosts["sessions"][2].client.cookies["sessionid"].value
    replayed = Client()
    replayed.cookies["sessionid"] = globex_cookie
    for caller in (GraphQLClient(acme.host), GraphQLClient(acme.host, client=replayed)):
        assert code(caller.execute(REVOKE_ALL)) == "UNAUTHENTICATED"
        assert code(caller.execute(MY_TOKENS)) == "UNAUTHENTICATED"
    assert revoked("acme", acme.admin_email) == {"acme sync": False}
    assert revoked("globex", acme.admin_email) == {"globex sync": False}


def test_a_refused_reset_ends_no_session(acme, person_on_two_hosts):
    before = sessions_of(acme.admin_email)
    user = User.objects.get(email=acme.admin_email)
    weak = GraphQLClient(acme.host).execute(RESET_CONFIRM, {"token": password_token(user), "password": "1234"})
    forged = GraphQLClient(acme.host).execute(RESET_CONFIRM, {"token": "MQ.forged", "password": NEW_PASSWORD})
    assert messages(weak["data"]["passwordResetConfirm"]) == {"newPassword": "password_weak"}
    assert messages(forged["data"]["passwordResetConfirm"]) == {None: "token_invalid"}
    assert sessions_of(acme.admin_email) == before
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert person_on_two_hosts["sessions"][2].execute(ME)["data"]["me"]["tenant"]["slug"] == "globex"


def test_the_reset_page_lists_the_tokens_and_revokes_them_all(acme, person_on_two_hosts):
    # given
    browser = Client(HTTP_HOST=acme.host)
    link = f"/password-reset/{password_token(User.objects.get(email=acme.admin_email))}/"
    # when
    done = browser.post(link, {"newPassword": NEW_PASSWORD})
    page = done.content.decode()
    # then
    assert done.status_code == 200 and "Your password has been changed." in page
    assert "acme sync" in page and "globex sync" in page and "crm:read" in page
    assert 'action="/preferences/api-tokens/revoke-all/"' in page
    assert [schema for schema, _key in sessions_of(acme.admin_email)] == ["acme"]
    # when: the button
    revoked_page = browser.post("/preferences/api-tokens/revoke-all/").content.decode()
    # then
    assert "2 API tokens revoked." in revoked_page and "You have no API token in use." in revoked_page
    assert revoked("acme", acme.admin_email) == {"acme sync": True}
    assert revoked("globex", acme.admin_email) == {"globex sync": True}


def test_expired_sessions_are_purged_each_night(acme, acme_admin_api):
    # given: the admin's live session and an expired one
    live = sessions_of(acme.admin_email)
    Session.objects.create(session_key="x" * 32, session_data="", schema_name="acme",
                           expire_date=timezone.now() - dt.timedelta(seconds=1))
    # when
    purged = sessions_purge()
    # then
    assert purged == 1
    assert not Session.objects.filter(session_key="x" * 32).exists()
    assert sessions_of(acme.admin_email) == live
