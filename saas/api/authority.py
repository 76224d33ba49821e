"""The access rules behind the fields' declarations (`saas.core.graph.Needs`): module rights, admin and member
writes within the API token's scopes, and the module of a record id's type."""

from saas.access import rights
from saas.core.graph import Authority
from saas.records.selectors.lookup import record_type_for_graphql


class AccessAuthority(Authority):
    def allows(self, actor, module: str, action: str) -> bool:
        return rights.can(actor, module, action)

    def admin_allows(self, actor, *, write: bool) -> bool:
        return rights.admin_allows(actor, write=write)

    def member_writes(self, actor) -> bool:
        return rights.token_writes(actor)

    def module_of_type(self, type_name: str | None) -> str | None:
        record_type = record_type_for_graphql(type_name) if type_name else None
        return record_type.key if record_type is not None else None
