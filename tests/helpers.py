"""What the test modules share besides fixtures (those are in conftest.py): the API's ids of test records."""

from strawberry.relay import from_base64, to_base64


def gid(record, type_name: str | None = None, *, tenant: str = "acme") -> str:
    """The id the API gives a record of the `acme` test tenant (or of `tenant`): its GraphQL type's name, by default
    its model's, with `<schema>.<pk>`. `record` may be a bare primary key when `type_name` is given."""
    pk = getattr(record, "pk", record)
    return to_base64(type_name or type(record).__name__, f"{tenant}.{pk}")


def pk_of(global_id: str) -> int:
    """The primary key an id of the API names."""
    return int(from_base64(global_id)[1].rpartition(".")[2])
