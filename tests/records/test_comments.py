import pytest
from django.db import connection

from saas.records.services import comments
from tests.conftest import GraphQLClient, messages
from tests.helpers import gid

COMMENTS = """query($id: ID!, $rollUp: Boolean, $first: Int, $after: String) {
  node(id: $id) { ... on Record { comments(rollUp: $rollUp, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { body author { email } record { __typename displayName } } } } } } }"""
ADD = """mutation($record: ID!, $body: String!, $parent: ID) {
  commentAdd(recordId: $record, body: $body, parentId: $parent) {
    __typename ... on Comment { id body record { displayName } } ... on OperationInfo { messages { field code } } } }"""


def add(api, record_id, body, parent=None):
    payload = api.execute(ADD, {"record": record_id, "body": body, "parent": parent})["data"]["commentAdd"]
    assert payload["__typename"] == "Comment", payload
    return payload


@pytest.mark.smoke
def test_roll_up_shows_comments_of_related_records_with_where_they_were_posted(world, acme_admin_api):
    account, contact, parent = gid(world.account), gid(world.contacts[0]), gid(world.parent)
    add(acme_admin_api, account, "on the account")
    add(acme_admin_api, contact, "on a contact")
    add(acme_admin_api, parent, "on the parent")
    own = acme_admin_api.execute(COMMENTS, {"id": account, "rollUp": False})["data"]["node"]["comments"]
    rolled = acme_admin_api.execute(COMMENTS, {"id": account, "rollUp": True})["data"]["node"]["comments"]
    assert [e["node"]["body"] for e in own["edges"]] == ["on the account"]
    assert [(e["node"]["body"], e["node"]["record"]["displayName"]) for e in rolled["edges"]] == [
        ("on the parent", "Holding"), ("on a contact", "C0 Person0"), ("on the account", "Acme Corp")]
    assert rolled["totalCount"] == 3
    # from the contact, the account's comment rolls up (the contact points to it)
    from_contact = acme_admin_api.execute(COMMENTS, {"id": contact, "rollUp": True})["data"]["node"]["comments"]
    assert {e["node"]["body"] for e in from_contact["edges"]} == {"on a contact", "on the account"}


def test_roll_up_skips_deleted_records_and_paginates(world, acme_admin_api):
    account = gid(world.account)
    for i in range(3):
        add(acme_admin_api, gid(world.contacts[1]), f"c{i}")
    add(acme_admin_api, gid(world.contacts[0]), "gone")
    acme_admin_api.execute('mutation($id: ID!) { recordDelete(id: $id) { __typename } }',
                           {"id": gid(world.contacts[0])})
    first = acme_admin_api.execute(COMMENTS, {"id": account, "rollUp": True, "first": 2})["data"]["node"]["comments"]
    assert [e["node"]["body"] for e in first["edges"]] == ["c2", "c1"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = acme_admin_api.execute(COMMENTS, {"id": account, "rollUp": True, "first": 2,
                                             "after": first["pageInfo"]["endCursor"]})["data"]["node"]["comments"]
    assert [e["node"]["body"] for e in rest["edges"]] == ["c0"]
    assert rest["totalCount"] == 3


def test_roll_up_default_is_remembered_per_module(world, acme_admin_api):
    add(acme_admin_api, gid(world.contacts[0]), "on a contact")
    account = gid(world.account)
    assert acme_admin_api.execute(COMMENTS, {"id": account})["data"]["node"]["comments"]["totalCount"] == 0
    acme_admin_api.execute('mutation { commentsRollUpDefaultSet(module: "accounts", rollUp: true) { __typename } }')
    assert acme_admin_api.execute(COMMENTS, {"id": account})["data"]["node"]["comments"]["totalCount"] == 1


def test_replies_and_author_only_edits_keeping_the_old_text_in_history(world, acme_admin_api, acme_admin):
    from saas.records.models import CommentEvent
    from tenants.models import Membership, User

    account = gid(world.account)
    root = add(acme_admin_api, account, "question")
    reply = add(acme_admin_api, account, "answer", parent=root["id"])
    assert reply["body"] == "answer"
    edit = "mutation($id: ID!, $body: String!) { commentEdit(id: $id, body: $body) { __typename " \
           "... on Comment { body } ... on OperationInfo { messages { field code } } } }"
    assert acme_admin_api.execute(edit, {"id": root["id"], "body": "better question"})[
        "data"]["commentEdit"]["body"] == "better question"
    colleague = User.objects.create_user("colleague@acme.example.com", "a-long-enough-passphrase")
    Membership.objects.create(user=colleague, tenant_id=acme_admin.memberships.get().tenant_id)
    other = GraphQLClient("acme.localhost")
    other.execute("mutation { login(email: \"colleague@acme.example.com\", password: \"a-long-enough-passphrase\") "
                  "{ __typename } }")
    refused = other.execute(edit, {"id": root["id"], "body": "hijacked"})
    assert messages(refused["data"]["commentEdit"]) == {None: "not_author"}
    connection.set_schema("acme")
    assert list(CommentEvent.objects.filter(body__contains="question").order_by("pgh_id").values_list(
        "pgh_label", "body")) == [("insert", "question"), ("update", "better question")]


def test_empty_comment_is_refused(world, acme_admin_api):
    result = acme_admin_api.execute(ADD, {"record": gid(world.account), "body": "  "})
    assert messages(result["data"]["commentAdd"]) == {"body": "required"}


def test_comment_service_refuses_a_parent_on_another_record(world, acme_admin):
    from django.core.exceptions import ValidationError

    connection.set_schema("acme")
    parent = comments.comment_add(actor=acme_admin, record=world.account, body="x")
    with pytest.raises(ValidationError):
        comments.comment_add(actor=acme_admin, record=world.contacts[0], body="y", parent=parent)
