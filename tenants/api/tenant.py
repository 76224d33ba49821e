"""Identity on a tenant host: who am I, my companies, logging in and out, switching company."""

import strawberry
import strawberry_django
from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry.types import Info

from saas.core.graph import IsMember
from tenants import error_codes, selectors, services
from tenants.api.types import LoginSuccess, LogoutSuccess, MeType, TenantSwitch, TenantType


def me_for(context) -> MeType:
    return MeType(
        user=context.user, tenant=context.tenant, membership=context.membership,
        memberships=list(selectors.membership_list_for_user(user=context.user)),
    )


@strawberry.type
class IdentityQuery:
    @strawberry.field(permission_classes=[IsMember], description="The identity behind this request.")
    def me(self, info: Info) -> MeType:
        return me_for(info.context)

    @strawberry.field(permission_classes=[IsMember], description="The companies this identity may enter.")
    def my_tenants(self, info: Info) -> list[TenantType]:
        return [m.tenant for m in selectors.membership_list_for_user(user=info.context.user)]


def _open_session(info: Info, user) -> LoginSuccess:
    context = info.context
    membership = selectors.membership_get(user=user, tenant=context.tenant)
    if membership is None:
        raise ValidationError(_("This identity is not a member of this company."), code=error_codes.NOT_A_MEMBER)
    session_login(context.request, user, backend="django.contrib.auth.backends.ModelBackend")
    context.user, context.membership = user, membership
    return LoginSuccess(me=me_for(context))


@strawberry.type
class IdentityMutation:
    @strawberry_django.mutation(handle_django_errors=True, description="Open a session on this tenant's host.")
    def login(self, info: Info, email: str, password: str) -> LoginSuccess:
        user = services.user_authenticate(email=email, password=password)
        if user is None:
            raise ValidationError(_("Wrong email or password."), code=error_codes.INVALID_CREDENTIALS)
        return _open_session(info, user)

    @strawberry_django.mutation(handle_django_errors=True,
                                description="Open a session with a one-time token from `tenantSwitch`.")
    def login_with_token(self, info: Info, token: str) -> LoginSuccess:
        user = services.login_token_consume(secret=token, tenant=info.context.tenant)
        if user is None:
            raise ValidationError(_("This link is invalid, used or expired."), code=error_codes.TOKEN_INVALID)
        return _open_session(info, user)

    @strawberry_django.mutation(handle_django_errors=True, description="Close the session.")
    def logout(self, info: Info) -> LogoutSuccess:
        session_logout(info.context.request)
        return LogoutSuccess(ok=True)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="A one-time link that logs this identity into another of its companies.")
    def tenant_switch(self, info: Info, slug: str) -> TenantSwitch:
        target, secret = services.tenant_switch_token(user=info.context.user, slug=slug)
        return TenantSwitch(url=selectors.tenant_url(target, f"/auth/switch/?token={secret}"), tenant=target)
