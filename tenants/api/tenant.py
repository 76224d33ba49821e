"""Identity on a tenant host: who am I, my companies, logging in and out, switching company."""

import strawberry
import strawberry_django
from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry.types import Info

from saas.core.graph import Anyone, IsMember, camel_case_errors, mutation
from saas.core.http import client_address
from tenants import error_codes, passwords, selectors, services
from tenants.api.types import (
    LoginSuccess,
    LogoutSuccess,
    MeType,
    PasswordResetDone,
    PasswordResetRequested,
    TenantSwitch,
    TenantType,
)


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


def open_session(info: Info, user, method: str) -> LoginSuccess:
    context = info.context
    membership = selectors.membership_get(user=user, tenant=context.tenant)
    if membership is None:
        raise ValidationError(_("This identity is not a member of this company."), code=error_codes.NOT_A_MEMBER)
    session_login(context.request, user, backend="django.contrib.auth.backends.ModelBackend")
    context.user, context.membership = user, membership
    passwords.login_record(user=user, client_address=client_address(context.request), method=method)
    return LoginSuccess(me=me_for(context))


@strawberry.type
class IdentityMutation:
    @strawberry_django.mutation(permission_classes=[Anyone],
                                handle_django_errors=True, description="Open a session on this tenant's host.")
    def login(self, info: Info, email: str, password: str) -> LoginSuccess:
        try:
            user = passwords.login_attempt(email=email, password=password,
                                           client_address=client_address(info.context.request))
        except passwords.TooManyAttempts as refusal:
            # The refusal is data (code too_many_attempts); HTTP clients also get the delay as a header.
            if info.context.response is not None:
                info.context.response["Retry-After"] = str(refusal.retry_after)
            raise
        return open_session(info, user, "password")

    @strawberry_django.mutation(permission_classes=[Anyone], handle_django_errors=True,
                                description="Open a session with a one-time token from `tenantSwitch`.")
    def login_with_token(self, info: Info, token: str) -> LoginSuccess:
        user = services.login_token_consume(secret=token, tenant=info.context.tenant)
        if user is None:
            raise ValidationError(_("This link is invalid, used or expired."), code=error_codes.TOKEN_INVALID)
        return open_session(info, user, "token")

    @strawberry_django.mutation(permission_classes=[Anyone],
                                handle_django_errors=True, description="Close the session.")
    def logout(self, info: Info) -> LogoutSuccess:
        session_logout(info.context.request)
        return LogoutSuccess(ok=True)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="A one-time link that logs this identity into another of its companies.")
    def tenant_switch(self, info: Info, slug: str) -> TenantSwitch:
        target, secret = services.tenant_switch_token(user=info.context.user, slug=slug)
        return TenantSwitch(url=selectors.tenant_url(target, f"/auth/switch/?token={secret}"), tenant=target)

    @strawberry_django.mutation(permission_classes=[Anyone], handle_django_errors=True, description=(
        "Email a link to choose a new password, if this email belongs to a member of this company. The answer "
        "is the same for any email."))
    @mutation
    def password_reset_request(self, info: Info, email: str) -> PasswordResetRequested:
        passwords.password_reset_request(email=email, tenant=info.context.tenant,
                                         client_address=client_address(info.context.request))
        return PasswordResetRequested(ok=True)

    @strawberry_django.mutation(permission_classes=[Anyone], handle_django_errors=True, description=(
        "Choose a new password with the token of the emailed link: every session of the person ends, on every "
        "company's host, and a new one opens here (to review the API tokens: `myApiTokens`, "
        "`myApiTokensRevokeAll`)."))
    @mutation
    def password_reset_confirm(self, info: Info, token: str, new_password: str) -> PasswordResetDone:
        user = passwords.password_reset_confirm(tenant=info.context.tenant, token=token, new_password=new_password)
        open_session(info, user, "password_reset")
        return PasswordResetDone(email=user.email)

    # Outside a transaction, unlike other verbs: a wrong current password counted in the cache (a database table
    # by default) must outlive the refusal.
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember], description=(
        "Change my password, giving the current one: this session stays open, the others end."))
    @camel_case_errors
    def password_change(self, info: Info, current_password: str, new_password: str) -> MeType:
        context = info.context
        passwords.password_change(user=context.user, current_password=current_password, new_password=new_password)
        if context.api_token is None:
            update_session_auth_hash(context.request, context.user)
        return me_for(context)
