"""Uploads follow the GraphQL multipart request spec: Strawberry's test client and raw operations + map."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from strawberry.django.test import GraphQLTestClient

from saas.records.models import Document
from tests.conftest import GraphQLClient, messages
from tests.helpers import gid

UPLOAD = """mutation($input: DocumentUploadInput!) { documentUpload(input: $input) { __typename
  ... on Document { id title fileName contentType size sha256 url folder tags { name } }
  ... on OperationInfo { messages { field code message } } } }"""
MANY = """mutation($files: [Upload!]!, $ids: [ID!]) { documentsUpload(files: $files, recordIds: $ids) {
  __typename ... on DocumentsUploaded { documents { fileName size } }
  ... on OperationInfo { messages { field code } } } }"""
PDF = b"%PDF-1.4\n% test document\n"


def raw_multipart(api: GraphQLClient, query: str, variables: dict, files: dict[str, tuple], mapping: dict):
    """What any spec client sends: `operations`, `map`, then the files."""
    data = {"operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping)}
    for key, (name, content, content_type) in files.items():
        data[key] = SimpleUploadedFile(name, content, content_type=content_type)
    response = api.client.post("/graphql/", data, HTTP_HOST=api.host)
    connection.set_schema_to_public()
    return response.json()


@pytest.mark.smoke
def test_upload_nested_in_an_input_with_raw_operations_and_map(world, acme_admin_api):
    variables = {"input": {"file": None, "recordIds": [gid(world.account)], "folder": "Contracts",
                           "tags": ["signed"]}}
    result = raw_multipart(acme_admin_api, UPLOAD, variables, {"0": ("contract.pdf", PDF, "application/pdf")},
                           {"0": ["variables.input.file"]})
    document = result["data"]["documentUpload"]
    assert document["__typename"] == "Document", result
    assert (document["fileName"], document["contentType"], document["size"]) == ("contract.pdf", "application/pdf",
                                                                                  len(PDF))
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (document["folder"], document["tags"]) == ("Contracts", [{"name": "signed"}])
    listed = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Record { documents { totalCount '
                                    'edges { node { fileName } } } } } }', {"id": gid(world.account)})
    assert listed["data"]["node"]["documents"]["totalCount"] == 1
    # download, with access check
    download = acme_admin_api.client.get(document["url"], HTTP_HOST="acme.localhost")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert GraphQLClient("acme.localhost").client.get(document["url"], HTTP_HOST="acme.localhost").status_code == 404
    assert acme_admin_api.client.get(document["url"], HTTP_HOST="globex.localhost").status_code == 404


def test_single_file_and_list_of_files_with_raw_requests(world, acme_admin_api):
    result = raw_multipart(
        acme_admin_api, MANY, {"files": [None, None], "ids": [gid(world.contacts[0])]},
        {"0": ("a.txt", b"alpha", "text/plain"), "1": ("b.csv", b"x,y\n1,2\n", "text/csv")},
        {"0": ["variables.files.0"], "1": ["variables.files.1"]})
    assert result["data"]["documentsUpload"]["documents"] == [{"fileName": "a.txt", "size": 5},
                                                             {"fileName": "b.csv", "size": 8}]


def test_strawberry_test_client_upload(world, acme_admin_api):
    client = GraphQLTestClient(acme_admin_api.client)
    response = client.query(
        UPLOAD, variables={"input": {"file": None, "recordIds": [gid(world.account)]}},
        files={"input": SimpleUploadedFile("scan.png", b"\x89PNG\r\n", content_type="image/png")},
        headers={"Host": "acme.localhost"})
    connection.set_schema_to_public()
    assert response.data["documentUpload"]["fileName"] == "scan.png"
    assert response.data["documentUpload"]["contentType"] == "image/png"


def test_too_big_is_refused_and_nothing_is_stored(world, acme_admin_api, tmp_path, settings):
    # Through the fixture, not @override_settings: mixed with it, the decorator's value outlived the test.
    settings.DOCUMENT_MAX_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    result = raw_multipart(acme_admin_api, UPLOAD, {"input": {"file": None}},
                           {"0": ("big.pdf", PDF, "application/pdf")}, {"0": ["variables.input.file"]})
    assert messages(result["data"]["documentUpload"]) == {"file": "file_too_large"}
    connection.set_schema("acme")
    assert Document.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


def test_refused_type_is_refused(world, acme_admin_api):
    result = raw_multipart(acme_admin_api, UPLOAD, {"input": {"file": None}},
                           {"0": ("run.exe", b"MZ....", "application/x-msdownload")}, {"0": ["variables.input.file"]})
    assert messages(result["data"]["documentUpload"]) == {"file": "file_type_refused"}


def test_files_are_stored_under_the_tenant_schema(world, acme_admin_api, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    raw_multipart(acme_admin_api, UPLOAD, {"input": {"file": None}}, {"0": ("n.txt", b"note", "text/plain")},
                  {"0": ["variables.input.file"]})
    stored = [p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*.txt")]
    assert stored == ["acme"]
