"""GraphQL documents and set-up steps the access tests share."""

ACCOUNT_CREATE = """mutation($input: AccountInput!) { accountCreate(input: $input) {
  __typename ... on Account { id version } ... on OperationInfo { messages { field code } } } }"""
ACCOUNT_UPDATE = """mutation($id: ID!, $version: Int!, $input: AccountUpdateInput!) {
  accountUpdate(id: $id, version: $version, input: $input) {
  __typename ... on Account { id name } ... on OperationInfo { messages { field code } } } }"""
ACCOUNTS = "{ accounts(first: 100) { totalCount edges { node { name } } } }"
DEFAULT_SET = """mutation($module: String!, $access: DefaultAccess!) {
  moduleDefaultSet(module: $module, access: $access) {
  __typename ... on OperationInfo { messages { field code } } } }"""
ROLES = "{ roles { id name depth isDefault parent { name } profiles { id name } } }"


def account_create(api, **fields) -> dict:
    payload = api.execute(ACCOUNT_CREATE, {"input": fields})["data"]["accountCreate"]
    assert payload["__typename"] == "Account", payload
    return payload


def names(result: dict, field: str = "accounts") -> set[str]:
    return {edge["node"]["name"] for edge in result["data"][field]["edges"]}


def set_default(admin_api, module: str, access: str) -> None:
    result = admin_api.execute(DEFAULT_SET, {"module": module, "access": access})
    assert result["data"]["moduleDefaultSet"]["__typename"] == "ModuleDefault", result


def role_ids(admin_api) -> dict[str, str]:
    return {role["name"]: role["id"] for role in admin_api.execute(ROLES)["data"]["roles"]}
