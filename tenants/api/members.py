"""The company's staff in the graph (administrators only) and each person's own preferences."""

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from saas.core.graph import Anyone, IsMember, IsTenantAdmin, TenantNode, global_pk, verb
from tenants import error_codes, members, models, selectors
from tenants.api.tenant import me_for, open_session
from tenants.api.types import LoginSuccess, MeType


@strawberry_django.type(models.Membership, name="Member")
class MemberType(TenantNode):
    """A person's staff access to this company: who, which role, since when, still active or not."""

    is_admin: bool
    is_active: bool
    created_at: strawberry.auto

    @strawberry.field
    def email(self, root: models.Membership) -> str:
        return root.user.email

    @strawberry.field
    def full_name(self, root: models.Membership) -> str:
        return root.user.full_name

    @strawberry.field(description="Whether the person has chosen a password (an invitation not yet accepted).")
    def invitation_pending(self, root: models.Membership) -> bool:
        return not root.user.has_usable_password()

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        return queryset & selectors.staff_membership_list(tenant=info.context.tenant)


@strawberry.input
class MeInput:
    language: str | None = None
    time_zone: str | None = None
    full_name: str | None = None


def _member(info: Info, id: relay.GlobalID) -> models.Membership:
    membership = selectors.staff_membership_get(tenant=info.context.tenant, membership_id=global_pk(id, "Member"))
    if membership is None:
        raise ValidationError({"id": ValidationError(_("No such member."), code=error_codes.NOT_FOUND)})
    return membership


@strawberry.type
class MembersQuery:
    @strawberry.field(permission_classes=[IsTenantAdmin], description="The company's staff, deactivated included.")
    def members(self, info: Info) -> list[MemberType]:
        return list(selectors.staff_membership_list(tenant=info.context.tenant))


@strawberry.type
class MembersMutation:
    @verb(IsMember, "Change my language (fr, en), time zone (an IANA name such as Europe/Paris) or name.")
    def me_update(self, info: Info, input: MeInput) -> MeType:
        members.user_preferences_update(user=info.context.user, language=input.language,
                                        time_zone=input.time_zone, full_name=input.full_name)
        return me_for(info.context)

    @verb(IsTenantAdmin, "Give a person staff access with a role; they get an email to come in.")
    def member_invite(self, info: Info, email: str, is_admin: bool = False) -> MemberType:
        return members.member_invite(actor=info.context.user, tenant=info.context.tenant, email=email,
                                     is_admin=is_admin)

    @verb(IsTenantAdmin, "Make a member an administrator or a plain member.")
    def member_role_set(self, info: Info, id: relay.GlobalID, is_admin: bool) -> MemberType:
        return members.membership_role_set(actor=info.context.user, membership=_member(info, id), is_admin=is_admin)

    @verb(IsTenantAdmin, "Take a member's access away; inviting them again gives it back.")
    def member_deactivate(self, info: Info, id: relay.GlobalID) -> MemberType:
        return members.membership_deactivate(actor=info.context.user, membership=_member(info, id))

    @strawberry_django.mutation(permission_classes=[Anyone], handle_django_errors=True,
                                description="An invited person chooses a password and is logged in.")
    def invitation_accept(self, info: Info, token: str, password: str, full_name: str = "") -> LoginSuccess:
        user = members.invitation_accept(tenant=info.context.tenant, token=token, password=password,
                                         full_name=full_name)
        return open_session(info, user, "invitation")
