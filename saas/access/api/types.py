from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from saas.access import enums, models, selectors
from saas.core.graph import IsTenantAdmin, TenantNode, graphql_enum
from tenants.api.types import TenantType, UserType

ModuleAction = graphql_enum("ModuleAction", enums.Action)
DefaultAccess = graphql_enum("DefaultAccess", enums.DefaultAccess)
RuleAccess = graphql_enum("RuleAccess", enums.RuleAccess)
# Teams are typed by the record engine (records own what teams are shown with); named lazily, downwards-safe.
TeamRef = Annotated["TeamType", strawberry.lazy("saas.records.api.types")]  # noqa: F821


@strawberry.enum(name="FieldAccess", description="A field's right in a profile.")
class FieldAccess(Enum):
    HIDDEN = "hidden"
    READ_ONLY = "read_only"
    EDITABLE = "editable"


@strawberry_django.type(models.ApiToken, name="ApiToken")
class ApiTokenType(TenantNode):
    name: str
    prefix: str = strawberry_django.field(description="The first characters of the secret, to recognise it.")
    created_at: strawberry.auto
    expires_at: strawberry.auto
    revoked_at: strawberry.auto
    last_used_at: strawberry.auto

    @strawberry.field(description="`<module, area or *>:<read or write>`: what the token may touch.")
    def scopes(self, root: models.ApiToken) -> list[str]:
        return list(root.scopes or [])

    @strawberry_django.field(select_related=["user"], description="Who the token acts as.")
    def user(self, root: models.ApiToken) -> UserType:
        return root.user

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.api_token_list(actor=info.context.user)


@strawberry.type(name="MyApiToken", description="One of my usable API tokens, in one of my companies.")
class MyApiToken:
    name: str
    prefix: str
    tenant: TenantType
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, found: selectors.TenantToken) -> "MyApiToken":
        token = found.token
        return cls(name=token.name, prefix=token.prefix, tenant=found.tenant, scopes=list(token.scopes or []),
                   created_at=token.created_at, expires_at=token.expires_at, last_used_at=token.last_used_at)


@strawberry.type
class ApiTokensRevoked:
    count: int = strawberry.field(description="How many tokens were revoked.")


@strawberry.type
class ApiTokenCreated:
    token: ApiTokenType
    secret: str = strawberry.field(description="Shown once: send it as `Authorization: Bearer <secret>`.")


@strawberry_django.type(models.ApiTokenEvent, name="ApiTokenEvent")
class ApiTokenEventType(TenantNode):
    node_needs = IsTenantAdmin

    at: datetime
    operation: str
    address: str | None
    status: int

    @strawberry.field
    def token_name(self, root: models.ApiTokenEvent) -> str:
        return root.token.name

    @strawberry.field
    def token_prefix(self, root: models.ApiTokenEvent) -> str:
        return root.token.prefix


@strawberry.type
class ModuleRight:
    module: str
    actions: list[ModuleAction]


@strawberry.type
class FieldRight:
    module: str
    field: str
    access: FieldAccess


@strawberry_django.type(models.Profile, name="Profile")
class ProfileType(TenantNode):
    node_needs = IsTenantAdmin

    name: str
    description: str
    view_all: bool = strawberry_django.field(description="Sees every record of the modules it may view.")
    edit_all: bool = strawberry_django.field(description="Changes every record of the modules it may edit.")

    @strawberry.field
    def modules(self, root: models.Profile) -> list[ModuleRight]:
        return [ModuleRight(module=row.module, actions=[
            ModuleAction[action.upper()] for action in enums.Action.values
            if getattr(row, "can_import" if action == "import" else action)])
            for row in sorted(root.modules.all(), key=lambda row: row.module)]

    @strawberry.field
    def fields(self, root: models.Profile) -> list[FieldRight]:
        return [FieldRight(module=row.module, field=row.field, access=FieldAccess(row.access))
                for row in sorted(root.fields.all(), key=lambda row: (row.module, row.field))]


@strawberry_django.type(models.Role, name="Role")
class RoleType(TenantNode):
    node_needs = IsTenantAdmin

    name: str
    is_default: bool = strawberry_django.field(description="The role of the members given none.")
    profiles: list[ProfileType]
    parent: "RoleType | None" = strawberry_django.field(description="The role above (none for the top role).")

    @strawberry.field(description="How deep in the tree (the top role is 0).")
    def depth(self, root: models.Role) -> int:
        return root.path.count("/") - 2


@strawberry_django.type(models.SharingRule, name="SharingRule")
class SharingRuleType(TenantNode):
    node_needs = IsTenantAdmin

    module: str
    from_role: RoleType | None
    to_role: RoleType | None
    from_team: TeamRef | None
    to_team: TeamRef | None

    @strawberry.field
    def access(self, root: models.SharingRule) -> RuleAccess:
        return RuleAccess(root.access)


@strawberry.type
class ModuleDefault:
    module: str
    access: DefaultAccess


@strawberry.type
class AccessModule:
    key: str
    area: str
    label: str
    owned: bool = strawberry.field(description="Records with an owner: the role tree and sharing apply.")
    fields: list[str]


@strawberry.type
class UserRoleSet:
    user: UserType
    role: RoleType


@strawberry.type(description="A team with its members (who see the records it owns).")
class TeamMembers:
    team: TeamRef
    members: list[UserType]


@strawberry.type
class Deleted:
    id: strawberry.ID
