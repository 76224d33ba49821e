import pytest
from django_tenants.utils import schema_context
from strawberry.relay import from_base64, to_base64

from saas.companies.models import Company
from tests.helpers import gid

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Company { name } ... on User { email } } }"


def company_id(api) -> str:
    return api.execute("{ companies { id name } }")["data"]["companies"][0]["id"]


@pytest.mark.smoke
def test_ids_are_opaque_bound_to_the_tenant_and_resolve_through_node(acme_admin_api):
    global_id = company_id(acme_admin_api)
    type_name, node_id = from_base64(global_id)
    assert type_name == "Company" and node_id.startswith("acme.")
    result = acme_admin_api.execute(NODE, {"id": global_id})
    assert result["data"]["node"] == {"__typename": "Company", "id": global_id, "name": "Acme"}


def test_an_id_minted_in_another_tenant_resolves_to_nothing(acme_admin_api):
    # given: globex's company, whose primary key is the same as acme's
    with schema_context("globex"):
        pk = Company.objects.get().pk
    foreign = to_base64("Company", f"globex.{pk}")
    forged = to_base64("Company", str(pk))
    assert acme_admin_api.execute(NODE, {"id": foreign})["data"]["node"] is None
    assert acme_admin_api.execute(NODE, {"id": forged})["data"]["node"] is None


def test_nodes_keeps_order_and_answers_null_for_foreign_ids(acme_admin_api, acme_admin):
    own = company_id(acme_admin_api)
    user_id = gid(acme_admin, "User")
    foreign = to_base64("Company", "globex.1")
    result = acme_admin_api.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { email } } }",
        {"ids": [foreign, user_id, own]})
    assert result["data"]["nodes"] == [None, {"__typename": "User", "email": acme_admin.email},
                                       {"__typename": "Company"}]


def test_users_of_other_tenants_are_not_reachable(acme_admin_api, globex):
    from tenants.models import User

    outsider = User.objects.get(email=globex.admin_email)
    result = acme_admin_api.execute(NODE, {"id": gid(outsider, "User")})
    assert result["data"]["node"] is None


def test_nodes_refuses_more_than_100_ids(acme_admin_api):
    ids = [to_base64("Company", f"acme.{i}") for i in range(101)]
    result = acme_admin_api.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert result["errors"][0]["extensions"]["code"] == "TOO_MANY_IDS"


def test_node_needs_an_identity(acme_api):
    result = acme_api.execute(NODE, {"id": to_base64("Company", "acme.1")})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
