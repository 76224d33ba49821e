"""Access rights in the graph: API tokens (each member's own; the event log for admins), and for the tenant's
admins the role tree, profiles, who holds which role, organisation-wide defaults and sharing rules."""

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from saas.access import error_codes, modules, rights, roles, selectors, services, teams
from saas.access.api.types import (
    AccessModule,
    ApiTokenCreated,
    ApiTokenEventType,
    ApiTokensRevoked,
    ApiTokenType,
    DefaultAccess,
    Deleted,
    FieldAccess,
    ModuleAction,
    ModuleDefault,
    ModuleRight,
    MyApiToken,
    ProfileType,
    RoleType,
    RuleAccess,
    SharingRuleType,
    TeamMembers,
    UserRoleSet,
)
from saas.core.graph import IsMember, IsTenantAdmin, camel_case_errors, global_pk, local_pk, verb
from tenants.selectors import member_get, member_list

MAX_EVENTS = 500


def _not_found(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=error_codes.NOT_FOUND)})


def _role(info: Info, global_id, field: str = "id"):
    role = selectors.role_get(actor=info.context.user, role_id=global_pk(global_id, "Role"))
    if role is None:
        raise _not_found(field, _("No such role."))
    return role


def _profile(info: Info, global_id, field: str = "id"):
    profile = selectors.profile_get(actor=info.context.user, profile_id=global_pk(global_id, "Profile"))
    if profile is None:
        raise _not_found(field, _("No such profile."))
    return profile


def _team(info: Info, global_id, field: str):
    team = selectors.team_get_for_actor(actor=info.context.user, team_id=global_pk(global_id, "Team"))
    if team is None:
        raise _not_found(field, _("No such team."))
    return team


def _member(info: Info, global_id, field: str = "userId"):
    user = member_get(tenant=info.context.tenant, user_id=global_pk(global_id, "User"))
    if user is None:
        raise _not_found(field, _("No such member."))
    return user


@strawberry.input
class RoleInput:
    name: str
    parent_id: relay.GlobalID
    profile_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    is_default: bool = False


@strawberry.input
class SharingRuleInput:
    module: str
    access: RuleAccess = RuleAccess.READ
    from_role_id: relay.GlobalID | None = None
    from_team_id: relay.GlobalID | None = None
    to_role_id: relay.GlobalID | None = None
    to_team_id: relay.GlobalID | None = None


@strawberry.type
class AccessQuery:
    @strawberry_django.field(permission_classes=[IsMember], description="The tokens of this identity.")
    def api_tokens(self, info: Info) -> list[ApiTokenType]:
        return selectors.api_token_list(actor=info.context.user)

    @strawberry.field(permission_classes=[IsMember], description=(
        "My usable API tokens in every company I belong to, by company then newest (for a session: a request "
        "made with a token gets none)."))
    def my_api_tokens(self, info: Info) -> list[MyApiToken]:
        return [MyApiToken.of(found) for found in selectors.api_token_usable_list_everywhere(actor=info.context.user)]

    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="Uses of the company's API tokens, newest first (at most 500).")
    def api_token_events(self, info: Info, token_id: relay.GlobalID | None = None,
                         first: int = 100) -> list[ApiTokenEventType]:
        token_pk = global_pk(token_id, "ApiToken") if token_id is not None else None
        if token_id is not None and token_pk is None:
            return []
        return list(selectors.api_token_event_list(actor=info.context.user, token_id=token_pk)[
            :max(0, min(first, MAX_EVENTS))])

    @strawberry.field(permission_classes=[IsTenantAdmin], description="The role tree, parents before children.")
    def roles(self, info: Info) -> list[RoleType]:
        return list(selectors.role_list(actor=info.context.user).select_related("parent"))

    @strawberry.field(permission_classes=[IsTenantAdmin], description="Profiles with their module and field rights.")
    def profiles(self, info: Info) -> list[ProfileType]:
        return list(selectors.profile_list(actor=info.context.user))

    @strawberry.field(permission_classes=[IsTenantAdmin])
    def sharing_rules(self, info: Info) -> list[SharingRuleType]:
        return list(selectors.sharing_rule_list(actor=info.context.user))

    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="The role of each active member of the staff (the default role until given one).")
    def user_roles(self, info: Info) -> list[UserRoleSet]:
        actor = info.context.user
        roles_by_id = {role.pk: role for role in selectors.role_list(actor=actor)}
        held = selectors.user_role_list(actor=actor)
        default = next((role for role in roles_by_id.values() if role.is_default), None)
        return [UserRoleSet(user=user, role=role) for user in member_list(tenant=info.context.tenant)
                if (role := roles_by_id.get(held.get(user.pk)) or default) is not None]

    @strawberry.field(permission_classes=[IsTenantAdmin], description="The teams with their members.")
    def teams(self, info: Info) -> list[TeamMembers]:
        found = list(selectors.team_list(actor=info.context.user))
        members = selectors.team_members(actor=info.context.user, teams=found)
        return [TeamMembers(team=team, members=members[team.pk]) for team in found]

    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="The organisation-wide default of every module with owned records.")
    def module_defaults(self, info: Info) -> list[ModuleDefault]:
        return [ModuleDefault(module=module, access=DefaultAccess(access))
                for module, access in selectors.module_default_list(actor=info.context.user).items()]

    @strawberry.field(permission_classes=[IsMember],
                      description="What the current identity may do on each module (within its token's scopes).")
    def my_rights(self, info: Info) -> list[ModuleRight]:
        user = info.context.user
        return [ModuleRight(module=module.key, actions=[action for action in ModuleAction
                                                        if rights.can(user, module.key, action.value)])
                for module in modules.all_modules()]

    @strawberry.field(permission_classes=[IsMember], description="The modules rights are given on.")
    def access_modules(self, info: Info) -> list[AccessModule]:
        return [AccessModule(key=module.key, area=module.area, label=str(module.label), owned=module.owned,
                             fields=list(module.fields)) for module in modules.all_modules()]


@strawberry.type
class AccessMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Issue an API token acting as the current identity (or, for an admin, "
                                            "as a chosen member), within scopes such as `crm:read`, "
                                            "`invoices:write` or `*:write` (the default).")
    @camel_case_errors
    def api_token_create(self, info: Info, name: str, expires_at: datetime | None = None,
                         scopes: list[str] | None = None, user_id: relay.GlobalID | None = None) -> ApiTokenCreated:
        user = _member(info, user_id) if user_id is not None else None
        issued = services.api_token_create(actor=info.context.user, name=name, expires_at=expires_at, scopes=scopes,
                                           user=user)
        return ApiTokenCreated(token=issued.token, secret=issued.secret)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Revoke one of this identity's tokens.")
    def api_token_revoke(self, info: Info, id: relay.GlobalID) -> ApiTokenType:
        pk = local_pk(id.node_id) if id.type_name == "ApiToken" else None
        token = selectors.api_token_get_for_actor(actor=info.context.user, token_id=pk) if pk else None
        if token is None:
            raise ValidationError({"id": ValidationError(_("No such token."), code=error_codes.NOT_FOUND)})
        return services.api_token_revoke(actor=info.context.user, token=token)

    @verb(IsMember, "Revoke every usable API token of mine, in every company I belong to (offered after a password "
                    "reset; in a session only: code session_required for a token).")
    def my_api_tokens_revoke_all(self, info: Info) -> ApiTokensRevoked:
        return ApiTokensRevoked(count=services.api_tokens_revoke_everywhere(actor=info.context.user))

    @verb(IsTenantAdmin, "Add a role under another one, with its profiles.")
    def role_create(self, info: Info, input: RoleInput) -> RoleType:
        parent = _role(info, input.parent_id, "parentId")
        profiles = [_profile(info, profile_id, "profileIds") for profile_id in input.profile_ids]
        return roles.role_create(actor=info.context.user, name=input.name, parent=parent, profiles=profiles,
                                 is_default=input.is_default)

    @verb(IsTenantAdmin, "Rename a role, change its profiles, or make it the role of members given none.")
    def role_update(self, info: Info, id: relay.GlobalID, name: str | None = None,
                    profile_ids: list[relay.GlobalID] | None = None, is_default: bool | None = None) -> RoleType:
        role = _role(info, id)
        profiles = None if profile_ids is None else [_profile(info, pk, "profileIds") for pk in profile_ids]
        return roles.role_update(actor=info.context.user, role=role, name=name, profiles=profiles,
                                 is_default=is_default)

    @verb(IsTenantAdmin, "Move a role (and the roles below it) under another parent.")
    def role_move(self, info: Info, id: relay.GlobalID, parent_id: relay.GlobalID) -> RoleType:
        return roles.role_move(actor=info.context.user, role=_role(info, id), parent=_role(info, parent_id, "parentId"))

    @verb(IsTenantAdmin, "Delete a role: its users go to another role, the roles below move up.")
    def role_delete(self, info: Info, id: relay.GlobalID, transfer_to_id: relay.GlobalID | None = None) -> Deleted:
        role = _role(info, id)
        transfer_to = _role(info, transfer_to_id, "transferToId") if transfer_to_id is not None else None
        roles.role_delete(actor=info.context.user, role=role, transfer_to=transfer_to)
        return Deleted(id=strawberry.ID(str(id)))

    @verb(IsTenantAdmin, "Give a member of the company its role.")
    def user_role_set(self, info: Info, user_id: relay.GlobalID, role_id: relay.GlobalID) -> UserRoleSet:
        user = _member(info, user_id)
        user_role = roles.user_role_set(actor=info.context.user, user=user, role=_role(info, role_id, "roleId"))
        return UserRoleSet(user=user, role=user_role.role)

    @verb(IsTenantAdmin, "Create a profile (no module right until given).")
    def profile_create(self, info: Info, name: str, description: str = "", view_all: bool = False,
                       edit_all: bool = False) -> ProfileType:
        return roles.profile_create(actor=info.context.user, name=name, description=description, view_all=view_all,
                                    edit_all=edit_all)

    @verb(IsTenantAdmin, "Rename a profile or change its global privileges.")
    def profile_update(self, info: Info, id: relay.GlobalID, name: str | None = None, description: str | None = None,
                       view_all: bool | None = None, edit_all: bool | None = None) -> ProfileType:
        return roles.profile_update(actor=info.context.user, profile=_profile(info, id), name=name,
                                    description=description, view_all=view_all, edit_all=edit_all)

    @verb(IsTenantAdmin)
    def profile_delete(self, info: Info, id: relay.GlobalID) -> Deleted:
        roles.profile_delete(actor=info.context.user, profile=_profile(info, id))
        return Deleted(id=strawberry.ID(str(id)))

    @verb(IsTenantAdmin, "Set what a profile allows on a module: exactly the actions listed.")
    def profile_module_set(self, info: Info, id: relay.GlobalID, module: str,
                           actions: list[ModuleAction]) -> ProfileType:
        profile = _profile(info, id)
        roles.profile_module_set(actor=info.context.user, profile=profile, module=module,
                                 actions=[action.value for action in actions])
        return profile

    @verb(IsTenantAdmin, "Hide a field, make it read-only, or editable again, in a profile.")
    def profile_field_set(self, info: Info, id: relay.GlobalID, module: str, field: str,
                          access: FieldAccess) -> ProfileType:
        profile = _profile(info, id)
        roles.profile_field_set(actor=info.context.user, profile=profile, module=module, field=field,
                                access=None if access == FieldAccess.EDITABLE else access.value)
        return profile

    @verb(IsTenantAdmin, "Set a module's organisation-wide default: private, public read, public read and write.")
    def module_default_set(self, info: Info, module: str, access: DefaultAccess) -> ModuleDefault:
        default = roles.module_default_set(actor=info.context.user, module=module, access=access.value)
        return ModuleDefault(module=default.module, access=DefaultAccess(default.access))

    @verb(IsTenantAdmin, "Share a module's records owned by a role (or a team) with a role (or a team).")
    def sharing_rule_create(self, info: Info, input: SharingRuleInput) -> SharingRuleType:
        return roles.sharing_rule_create(
            actor=info.context.user, module=input.module, access=input.access.value,
            from_role=_role(info, input.from_role_id, "fromRoleId") if input.from_role_id else None,
            from_team=_team(info, input.from_team_id, "fromTeamId") if input.from_team_id else None,
            to_role=_role(info, input.to_role_id, "toRoleId") if input.to_role_id else None,
            to_team=_team(info, input.to_team_id, "toTeamId") if input.to_team_id else None)

    @verb(IsTenantAdmin)
    def sharing_rule_delete(self, info: Info, id: relay.GlobalID) -> Deleted:
        rule = selectors.sharing_rule_get(actor=info.context.user, rule_id=global_pk(id, "SharingRule"))
        if rule is None:
            raise _not_found("id", _("No such sharing rule."))
        roles.sharing_rule_delete(actor=info.context.user, rule=rule)
        return Deleted(id=strawberry.ID(str(id)))

    @verb(IsTenantAdmin, "Create a team of the company's staff; its members see the records it owns.")
    def team_create(self, info: Info, name: str, member_ids: list[relay.GlobalID] | None = None) -> TeamMembers:
        members = [_member(info, member_id, "memberIds") for member_id in member_ids or []]
        team = teams.team_create(actor=info.context.user, name=name, members=members)
        return TeamMembers(team=team, members=members)

    @verb(IsTenantAdmin, "Rename a team, or make its members exactly those listed.")
    def team_update(self, info: Info, id: relay.GlobalID, name: str | None = None,
                    member_ids: list[relay.GlobalID] | None = None) -> TeamMembers:
        team = _team(info, id, "id")
        members = None if member_ids is None else [_member(info, member_id, "memberIds") for member_id in member_ids]
        team = teams.team_update(actor=info.context.user, team=team, name=name, members=members)
        return TeamMembers(team=team, members=selectors.team_members(actor=info.context.user, teams=[team])[team.pk])

    @verb(IsTenantAdmin, "Delete a team that owns no record and is in no sharing rule.")
    def team_delete(self, info: Info, id: relay.GlobalID) -> Deleted:
        teams.team_delete(actor=info.context.user, team=_team(info, id, "id"))
        return Deleted(id=strawberry.ID(str(id)))
