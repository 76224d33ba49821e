"""web.gql: named operations run in-process as the request's user."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory

from tenants.models import Tenant, User
from web import gql


def request_for(slug: str, user=None):
    request = RequestFactory(HTTP_HOST=f"{slug}.localhost").get("/")
    request.tenant = Tenant.objects.get(schema_name=slug)
    request.user = user or AnonymousUser()
    connection.set_tenant(request.tenant)
    return request


def test_every_operation_name_is_unique_and_found():
    documents = gql._documents()
    assert "Me" in documents and "Signup" in documents and "RecordPage" in documents
    text, public = gql.document("Signup")
    assert public and text.lstrip().startswith("mutation Signup")
    assert gql.document("Me")[1] is False


def test_unknown_operation_is_a_lookup_error():
    with pytest.raises(LookupError, match="NoSuchOperation"):
        gql.document("NoSuchOperation")


def test_runs_as_the_request_user_and_returns_data(acme):
    user = User.objects.get(email=acme.admin_email)
    data = gql.run(request_for("acme", user), "Me")
    assert data["me"]["user"]["email"] == acme.admin_email
    assert data["me"]["tenant"]["slug"] == "acme"


def test_no_session_raises_unauthenticated(acme):
    with pytest.raises(gql.Unauthenticated) as raised:
        gql.run(request_for("acme"), "Me")
    assert raised.value.codes == ["UNAUTHENTICATED"]


def test_a_member_of_another_tenant_is_not_let_in(acme, globex):
    stranger = User.objects.get(email=globex.admin_email)
    with pytest.raises(gql.Unauthenticated):
        gql.run(request_for("acme", stranger), "Me")


def test_mutation_refusals_are_data_read_as_form_errors(acme):
    payload = gql.run(request_for("acme"), "Login", {"email": acme.admin_email, "password": "wrong"})["login"]
    assert gql.failed(payload)
    assert gql.form_errors(payload) == {"": ["Wrong email or password."]}


def test_public_operations_run_against_the_public_schema(db):
    request = RequestFactory(HTTP_HOST="localhost").get("/")
    request.tenant, request.user = Tenant.objects.get(schema_name="public"), AnonymousUser()
    assert gql.run(request, "SlugAvailable", {"slug": "acme"})["slugAvailable"] == {
        "slug": "acme", "available": False, "code": "slug_taken", "message": "This address is already taken."}


def test_graphql_errors_raise_with_their_messages(acme):
    user = User.objects.get(email=acme.admin_email)
    with pytest.raises(gql.OperationError, match="RecordPage"):
        gql.run(request_for("acme", user), "RecordPage", {"id": 12})
