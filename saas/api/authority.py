"""The access rules behind the fields' declarations (`saas.core.graph.Needs`): module rights, admin and member
writes within the API token's scopes, and the module of a record id's type."""

from saas.access import rights
from saas.core.graph import Authority
from saas.records import registry


class AccessAuthority(Authority):
    def allows(self, actor, module: str, action: str) -> bool:
        return rights.can(actor, module, action)

    def admin_allows(self, actor, *, write: bool) -> bool:
        return rights.admin_allows(actor, write=write)

    def member_writes(self, actor) -> bool:
        return rights.token_writes(actor)

    def module_of_type(self, type_name: str | None) -> str | None:
        return next((record_type.key for record_type in registry.all_types()
                     if record_type.graphql_type == type_name), None) if type_name else None
