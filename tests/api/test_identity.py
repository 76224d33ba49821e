import pytest
from django.test import Client

from tenants import selectors, services
from tenants.models import Membership, User
from tests.conftest import LOGIN, PASSWORD, GraphQLClient, messages

ME = "{ me { user { email } tenant { slug url } membership { kind isAdmin } memberships { tenant { slug } } } }"


@pytest.mark.smoke
def test_anonymous_request_gets_an_authentication_error_and_no_data(acme_api):
    result = acme_api.execute(ME)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "log in" in result["errors"][0]["message"]


def test_login_opens_a_session_and_me_describes_it(acme, acme_admin_api):
    result = acme_admin_api.execute(ME)
    assert result["data"]["me"] == {
        "user": {"email": acme.admin_email},
        "tenant": {"slug": "acme", "url": "http://acme.localhost/"},
        "membership": {"kind": "STAFF", "isAdmin": True},
        "memberships": [{"tenant": {"slug": "acme"}}],
    }


def test_wrong_password_is_refused(acme_api, acme):
    result = acme_api.execute(LOGIN, {"email": acme.admin_email, "password": "not-the-password"})
    assert messages(result["data"]["login"]) == {None: "invalid_credentials"}


def test_identity_without_membership_cannot_log_in_nor_read(acme_api, globex):
    # given: globex's admin has no membership in acme
    result = acme_api.execute(LOGIN, {"email": globex.admin_email, "password": PASSWORD})
    assert messages(result["data"]["login"]) == {None: "not_a_member"}
    assert acme_api.execute(ME)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_session_of_a_member_whose_membership_was_deactivated_gets_no_data(acme, acme_admin_api):
    Membership.objects.filter(user__email=acme.admin_email, tenant__schema_name="acme").update(is_active=False)
    result = acme_admin_api.execute(ME)
    assert result["data"] is None
    assert result["errors"][0]["message"] == "This identity is not a member of this company."


def test_session_cookie_is_bound_to_the_host_that_set_it(acme):
    response = GraphQLClient(acme.host).post(LOGIN, {"email": acme.admin_email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert cookie["domain"] == ""  # no Domain attribute: browsers send it back to acme.<base> only
    assert cookie["httponly"] is True


def test_logout_closes_the_session(acme_admin_api):
    acme_admin_api.execute("mutation { logout { __typename } }")
    assert acme_admin_api.execute(ME)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_my_tenants_lists_active_memberships(acme, acme_admin_api):
    result = acme_admin_api.execute("{ myTenants { slug name url status } }")
    assert result["data"]["myTenants"] == [
        {"slug": "acme", "name": "Acme", "url": "http://acme.localhost/", "status": "ACTIVE"}]


def test_switching_tenant_hands_the_session_over_with_a_one_time_token(acme, globex, acme_admin_api):
    # given
    user = User.objects.get(email=acme.admin_email)
    Membership.objects.create(user=user, tenant=selectors.tenant_get(slug="globex"))
    # when
    result = acme_admin_api.execute(
        'mutation { tenantSwitch(slug: "globex") { ... on TenantSwitch { url } '
        '... on OperationInfo { messages { code } } } }')
    url = result["data"]["tenantSwitch"]["url"]
    assert url.startswith("http://globex.localhost/auth/switch/?token=")
    browser = Client()
    landing = browser.get(url.removeprefix("http://globex.localhost"), HTTP_HOST=globex.host)
    reused = Client().get(url.removeprefix("http://globex.localhost"), HTTP_HOST=globex.host)
    # then
    assert landing.status_code == 302
    assert GraphQLClient(globex.host, client=browser).execute(ME)["data"]["me"]["tenant"]["slug"] == "globex"
    assert reused.status_code == 403


def test_switch_token_works_through_graphql_and_only_on_its_tenant(acme, globex, acme_admin):
    globex_tenant = selectors.tenant_get(slug="globex")
    Membership.objects.create(user=acme_admin, tenant=globex_tenant)
    secret = services.login_token_issue(user=acme_admin, tenant=globex_tenant)
    query = ("mutation($t: String!) { loginWithToken(token: $t) { __typename "
             "... on OperationInfo { messages { field code } } } }")
    on_acme = GraphQLClient(acme.host).execute(query, {"t": secret})
    on_globex = GraphQLClient(globex.host).execute(query, {"t": secret})
    assert messages(on_acme["data"]["loginWithToken"]) == {None: "token_invalid"}
    assert on_globex["data"]["loginWithToken"]["__typename"] == "LoginSuccess"


def test_switching_to_a_tenant_without_membership_is_refused(acme_admin_api, globex):
    result = acme_admin_api.execute(
        'mutation { tenantSwitch(slug: "globex") { ... on OperationInfo { messages { field code } } } }')
    assert messages(result["data"]["tenantSwitch"]) == {"slug": "tenant_not_found"}


def test_session_requests_are_csrf_checked(acme):
    browser = Client(enforce_csrf_checks=True)
    api = GraphQLClient(acme.host, client=browser)
    api.execute(LOGIN, {"email": acme.admin_email, "password": PASSWORD})
    # with the session cookie and no CSRF token: refused
    assert api.post(ME).status_code == 403
    # with the token: accepted
    browser.get("/", HTTP_HOST=acme.host)
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    if token is None:
        from django.middleware.csrf import _get_new_csrf_string

        token = _get_new_csrf_string()
        browser.cookies["csrftoken"] = token
    assert api.post(ME, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_suspended_tenant_answers_a_clear_error_to_everything(acme, acme_admin_api):
    services.tenant_set_status(tenant=selectors.tenant_get(slug="acme"), status="suspended")
    graph = acme_admin_api.post(ME)
    page = acme_admin_api.client.get("/", HTTP_HOST=acme.host)
    assert graph.status_code == 403
    assert graph.json()["errors"][0]["extensions"]["code"] == "TENANT_SUSPENDED"
    assert page.status_code == 403
    login = GraphQLClient(acme.host).post(LOGIN, {"email": acme.admin_email, "password": PASSWORD})
    assert login.status_code == 403


def test_unknown_host_is_not_found(db):
    assert Client().get("/graphql/", HTTP_HOST="nobody.localhost").status_code == 404


def test_switch_token_is_refused_once_the_membership_is_gone(acme, globex, acme_admin):
    globex_tenant = selectors.tenant_get(slug="globex")
    membership = Membership.objects.create(user=acme_admin, tenant=globex_tenant)
    secret = services.login_token_issue(user=acme_admin, tenant=globex_tenant)
    membership.delete()
    landing = Client().get(f"/auth/switch/?token={secret}", HTTP_HOST=globex.host)
    assert landing.status_code == 403
