"""Records for the web tests, made through the GraphQL API as an integrator would."""

ACCOUNT_CREATE = """mutation($input: AccountInput!) { accountCreate(input: $input) {
  ... on Account { id version } ... on OperationInfo { messages { field code } } } }"""
ACCOUNT_UPDATE = """mutation($id: ID!, $version: Int!, $input: AccountUpdateInput!) {
  accountUpdate(id: $id, version: $version, input: $input) { ... on Account { id version } } }"""
TAG_ADD = 'mutation($id: ID!, $name: String!) { tagAdd(recordId: $id, name: $name) { __typename } }'
COMMENT_ADD = 'mutation($id: ID!, $body: String!) { commentAdd(recordId: $id, body: $body) { __typename } }'
INVOICE_CREATE = 'mutation($a: ID!) { invoiceCreate(accountId: $a) { ... on Invoice { id } } }'
INVOICE_LINE = """mutation($id: ID!, $input: InvoiceLineInput!) { invoiceLineAdd(invoiceId: $id, input: $input) {
  __typename } }"""
INVOICE_ISSUE = """mutation($id: ID!) { invoiceIssue(id: $id, issueDate: "2026-03-02") { ... on Invoice { number }
  ... on OperationInfo { messages { field code message } } } }"""


ADDRESS = {"billingStreet": "1 rue de la Paix", "billingPostalCode": "69001", "billingCity": "Lyon"}


def account(api, name: str, **fields) -> dict:
    result = api.execute(ACCOUNT_CREATE, {"input": {"name": name, **fields}})
    return result["data"]["accountCreate"]


def account_update(api, record: dict, **fields) -> dict:
    result = api.execute(ACCOUNT_UPDATE, {"id": record["id"], "version": record["version"], "input": fields})
    return result["data"]["accountUpdate"]


def tag(api, record_id: str, name: str) -> None:
    assert api.execute(TAG_ADD, {"id": record_id, "name": name})["data"]["tagAdd"]["__typename"] == "Tag"


def comment(api, record_id: str, body: str) -> None:
    assert api.execute(COMMENT_ADD, {"id": record_id, "body": body})["data"]["commentAdd"]["__typename"] == "Comment"


def issued_invoice(api, account_id: str) -> str:
    invoice = api.execute(INVOICE_CREATE, {"a": account_id})["data"]["invoiceCreate"]["id"]
    for description, price in (("Installation", "1200"), ("Training day", "450.50")):
        api.execute(INVOICE_LINE, {"id": invoice, "input": {"description": description, "quantity": "1",
                                                            "unitPrice": price, "vatRate": "20"}})
    issued = api.execute(INVOICE_ISSUE, {"id": invoice})["data"]["invoiceIssue"]
    assert issued.get("number"), issued
    return invoice


def list_keys() -> list[str]:
    """The list pages' keys: the record types that declare a list and have a list operation in the web app."""
    from saas.records import registry
    from web.app.lists import list_operation

    return [t.path or t.key.replace("_", "-") for t in registry.all_types()
            if t.list_columns and list_operation({"graphqlType": t.graphql_type})]


def form_keys() -> list[str]:
    """The list pages whose type has create and edit forms."""
    from saas.records import registry
    from web.app.forms import MUTATIONS

    return [t.path or t.key.replace("_", "-") for t in registry.all_types()
            if t.key in MUTATIONS and (t.path or t.key.replace("_", "-")) in list_keys()]


def list_spec(key: str, language: str = "en"):
    """A list page as the web app built it, once a page in that language read the record types."""
    from django.utils import translation

    from web.app import lists, meta

    with translation.override(language):
        return lists.lists_of(meta.current())[key]
