"""Tagging, commenting, attaching documents or activities and emailing a record change it: each needs the right
to change that very record, not only to see it; a refusal is coded and leaves nothing behind. A file given where
an Upload belongs is refused as bad input."""

import pytest
from django.db import connection

from tests.access.helpers import account_create, set_default
from tests.conftest import messages
from tests.records.test_documents import MANY, PDF, UPLOAD, raw_multipart

REFUSAL = "__typename ... on OperationInfo { messages { field code } }"
EDITS = {
    "tagAdd": f'mutation($id: ID!) {{ tagAdd(recordId: $id, name: "Stolen") {{ {REFUSAL} }} }}',
    "tagRemove": f'mutation($id: ID!) {{ tagRemove(recordId: $id, name: "Key") {{ {REFUSAL} }} }}',
    "commentAdd": f'mutation($id: ID!) {{ commentAdd(recordId: $id, body: "Mine now") {{ {REFUSAL} }} }}',
    "activityCreate": f'mutation($id: ID!) {{ activityCreate(input: {{subject: "Call", recordIds: [$id]}}) '
                      f'{{ {REFUSAL} }} }}',
    "documentSend": f'mutation($id: ID!) {{ documentSend(id: $id, to: ["x@example.com"]) {{ {REFUSAL} }} }}',
}
TRACES = """SELECT (SELECT count(*) FROM records_taglink), (SELECT count(*) FROM records_comment),
  (SELECT count(*) FROM records_activitylink), (SELECT count(*) FROM records_documentlink),
  (SELECT count(*) FROM records_document)"""


def traces() -> tuple:
    connection.set_schema("acme")
    with connection.cursor() as cursor:
        cursor.execute(TRACES)
        counts = cursor.fetchone()
    connection.set_schema_to_public()
    return counts


@pytest.fixture
def readable(acme_admin_api, sales, colleague):
    """Public-read accounts and quotes: the salesperson sees the colleague's account and quote, changes neither."""
    set_default(acme_admin_api, "accounts", "PUBLIC_READ")
    set_default(acme_admin_api, "quotes", "PUBLIC_READ")
    _colleague_user, colleague_api = colleague
    account = account_create(colleague_api, name="Their Corp", email="buyer@their.example.com")
    tagged = colleague_api.execute('mutation($id: ID!) { tagAdd(recordId: $id, name: "Key") { __typename } }',
                                   {"id": account["id"]})
    assert tagged["data"]["tagAdd"]["__typename"] == "Tag", tagged
    quote = colleague_api.execute('mutation($a: ID!) { quoteCreate(accountId: $a) { ... on Quote { id } } }',
                                  {"a": account["id"]})["data"]["quoteCreate"]
    return {"account": account["id"], "quote": quote["id"]}


def test_every_edit_of_a_record_the_user_may_only_read_is_refused(readable, sales):
    _sales_user, sales_api = sales
    before = traces()
    for name, mutation in EDITS.items():
        target = readable["quote"] if name == "documentSend" else readable["account"]
        result = sales_api.execute(mutation, {"id": target})
        assert "errors" not in result, (name, result)
        assert messages(result["data"][name]) == {None: "forbidden"}, (name, result)
    single = raw_multipart(sales_api, UPLOAD, {"input": {"file": None, "recordIds": [readable["account"]]}},
                           {"0": ("note.pdf", PDF, "application/pdf")}, {"0": ["variables.input.file"]})
    assert messages(single["data"]["documentUpload"]) == {None: "forbidden"}, single
    many = raw_multipart(sales_api, MANY, {"files": [None], "ids": [readable["account"]]},
                         {"0": ("a.txt", b"alpha", "text/plain")}, {"0": ["variables.files.0"]})
    assert messages(many["data"]["documentsUpload"]) == {None: "forbidden"}, many
    assert traces() == before
    # while the same edits on its own record go through
    own = account_create(sales_api, name="Own Corp", email="me@own.example.com")
    for name in ("tagAdd", "commentAdd", "activityCreate"):
        result = sales_api.execute(EDITS[name], {"id": own["id"]})
        assert result["data"][name]["__typename"] != "OperationInfo", (name, result)
    many = raw_multipart(sales_api, MANY, {"files": [None], "ids": [own["id"]]},
                         {"0": ("a.txt", b"alpha", "text/plain")}, {"0": ["variables.files.0"]})
    assert many["data"]["documentsUpload"]["__typename"] == "DocumentsUploaded", many


def test_a_value_that_is_not_a_file_where_an_upload_belongs_is_bad_input(acme_admin_api):
    # a literal in the query, and a string variable where the multipart map would put a file
    written = acme_admin_api.execute('mutation { documentsUpload(files: ["not a file"]) { __typename } }')
    passed = acme_admin_api.execute(MANY, {"files": ["not a file"]})
    for result in (written, passed):
        assert result["data"] is None, result
        [error] = result["errors"]
        assert "multipart request" in error["message"] and error["message"] != "Internal error.", error
        assert error["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"), error
    assert passed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
