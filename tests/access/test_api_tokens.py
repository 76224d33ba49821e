import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.access.models import ApiToken
from tests.conftest import GraphQLClient, messages
from tests.helpers import gid

CREATE = """mutation($name: String!, $expiresAt: DateTime) {
  apiTokenCreate(name: $name, expiresAt: $expiresAt) {
    __typename
    ... on ApiTokenCreated { secret token { id name prefix expiresAt } }
    ... on OperationInfo { messages { field code message } }
  }
}"""
ME = "{ me { user { email } tenant { slug } } }"


def issue(api, name="CI", expires_at=None) -> dict:
    result = api.execute(CREATE, {"name": name, "expiresAt": expires_at})
    payload = result["data"]["apiTokenCreate"]
    assert payload["__typename"] == "ApiTokenCreated", payload
    return payload


@pytest.mark.smoke
def test_token_is_shown_once_stored_hashed_and_accepted_as_bearer(acme, acme_admin_api):
    # when
    payload = issue(acme_admin_api)
    secret = payload["secret"]
    # then
    assert secret.startswith("sk_") and len(secret) > 40
    assert secret.startswith(payload["token"]["prefix"])
    with schema_context("acme"):
        stored = list(ApiToken.objects.all())
    assert stored and all(secret not in (token.token_hash, token.prefix) for token in stored)
    listed = acme_admin_api.execute("{ apiTokens { id name prefix } }")["data"]["apiTokens"]
    assert "secret" not in listed[0]
    # and the token authenticates an integrator
    integrator = GraphQLClient(acme.host, token=secret)
    assert integrator.execute(ME)["data"]["me"] == {"user": {"email": acme.admin_email}, "tenant": {"slug": "acme"}}


@pytest.mark.smoke
def test_token_of_one_tenant_is_refused_on_another(acme_admin_api, globex):
    secret = issue(acme_admin_api)["secret"]
    response = GraphQLClient(globex.host, token=secret).post(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_revoked_token_is_refused(acme, acme_admin_api):
    payload = issue(acme_admin_api)
    revoke = acme_admin_api.execute(
        "mutation($id: ID!) { apiTokenRevoke(id: $id) { ... on ApiToken { revokedAt } } }",
        {"id": payload["token"]["id"]})
    assert revoke["data"]["apiTokenRevoke"]["revokedAt"]
    assert GraphQLClient(acme.host, token=payload["secret"]).post(ME).status_code == 401


def test_expired_token_is_refused(acme, acme_admin_api):
    payload = issue(acme_admin_api, expires_at=(timezone.now() + dt.timedelta(hours=1)).isoformat())
    with schema_context("acme"):
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert GraphQLClient(acme.host, token=payload["secret"]).post(ME).status_code == 401


def test_unknown_bearer_is_refused_with_a_clear_error(acme):
    response = GraphQLClient(acme.host, token="sk_made_up").post(ME)
    assert response.status_code == 401
    assert "API token" in response.json()["errors"][0]["message"]


def test_token_needs_a_name_and_a_future_expiry(acme_admin_api):
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    result = acme_admin_api.execute(CREATE, {"name": " ", "expiresAt": past})
    assert messages(result["data"]["apiTokenCreate"]) == {
        "name": "token_name_required", "expiresAt": "token_expiry_in_past"}
    with schema_context("acme"):
        assert ApiToken.objects.count() == 0


def test_token_of_a_member_removed_from_the_tenant_gets_no_data(acme, acme_admin_api, acme_admin):
    secret = issue(acme_admin_api)["secret"]
    acme_admin.memberships.update(is_active=False)
    result = GraphQLClient(acme.host, token=secret).execute(ME)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_revoking_an_id_of_another_tenant_is_not_found(acme_admin_api, globex):
    from saas.access.services import api_token_create
    from tenants.models import User

    with schema_context("globex"):
        foreign = api_token_create(actor=User.objects.get(email=globex.admin_email), name="theirs").token

    foreign_id = gid(foreign, "ApiToken", tenant="globex")
    result = acme_admin_api.execute(
        "mutation($id: ID!) { apiTokenRevoke(id: $id) { ... on OperationInfo { messages { field code } } } }",
        {"id": foreign_id})
    assert messages(result["data"]["apiTokenRevoke"]) == {"id": "not_found"}
    with schema_context("globex"):
        assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None


def test_an_identity_holding_tokens_cannot_be_deleted_from_the_public_schema(acme_admin_api, acme_admin):
    # Bug: deleting a user ran Django's cascade collector against access_apitoken in the public schema,
    # where the table does not exist. Tenant rows name identities without a database constraint (it would lock
    # every tenant table); the delete is refused in Python: the identity still holds a membership.
    from django.db.models import ProtectedError

    issue(acme_admin_api)
    with pytest.raises(ProtectedError):
        acme_admin.delete()


def test_an_identity_without_tenant_rows_can_be_deleted(db):
    from tenants.models import User

    user = User.objects.create_user("leaving@example.com", "a-long-enough-passphrase")
    user.delete()
    assert not User.objects.filter(email="leaving@example.com").exists()
