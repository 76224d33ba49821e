"""The staff of a tenant, as its administrators manage them: invitations, roles, deactivation; and each
person's own preferences (language, time zone)."""

from urllib.parse import quote
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tenants.utils import schema_context

from saas.audit.services import settings_change_record
from saas.core.tenancy import run_member_departures
from tenants import error_codes
from tenants.enums import Language, MembershipKind
from tenants.models import Membership, Tenant, User
from tenants.passwords import password_token, password_token_user
from tenants.selectors import tenant_url
from tenants.services import user_sessions_end


def user_preferences_update(*, user: User, language: str | None = None, time_zone: str | None = None,
                            full_name: str | None = None) -> User:
    """A person's own language (French or English), time zone (an IANA name) and name."""
    errors = {}
    if language is not None and language not in Language.values:
        errors["language"] = ValidationError(_("Choose French or English."), code=error_codes.LANGUAGE_INVALID)
    if time_zone is not None and time_zone not in available_timezones():
        errors["time_zone"] = ValidationError(_("Unknown time zone: choose one of the list (Europe/Paris)."),
                                              code=error_codes.TIME_ZONE_INVALID)
    if errors:
        raise ValidationError(errors)
    changes = {"language": language, "time_zone": time_zone,
               "full_name": None if full_name is None else " ".join(full_name.split())}
    changes = {name: value for name, value in changes.items() if value is not None}
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user


def member_invite(*, actor: User, tenant: Tenant, email: str, is_admin: bool = False) -> Membership:
    """Give a person (an identity created if the email is new) staff access to the tenant, with a role, and
    email them the way in: a link to choose a password for a new identity, the login page otherwise."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ValidationError(_("Enter a valid email address."),
                                                        code=error_codes.EMAIL_INVALID)}) from None
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, language=tenant.language)
    membership = Membership.objects.filter(user=user, tenant=tenant, kind=MembershipKind.STAFF).first()
    if membership is not None and membership.is_active:
        raise ValidationError({"email": ValidationError(_("This person is already a member of the company."),
                                                        code=error_codes.ALREADY_MEMBER)})
    if membership is None:
        membership = Membership(user=user, tenant=tenant, kind=MembershipKind.STAFF)
    # A deactivated member invited again comes back with the role given now.
    membership.is_admin, membership.is_active = is_admin, True
    membership.save()
    settings_change_record(actor=actor, target=membership, object_label=user.email, details={"is_admin": is_admin},
                           summary=_("%(email)s invited") % {"email": user.email})
    transaction.on_commit(lambda: _invitation_send(actor=actor, tenant=tenant, user=user))
    return membership


def _invitation_send(*, actor: User, tenant: Tenant, user: User) -> None:
    if user.has_usable_password():
        link = tenant_url(tenant, f"/login/?email={quote(user.email)}")
    else:
        link = tenant_url(tenant, f"/invitation/{invitation_token(user)}/")
    with override(user.language):
        send_mail(
            _("%(name)s invites you to %(company)s") % {"name": actor.full_name or actor.email, "company": tenant.name},
            _("You now have access to %(company)s.\n\nOpen this link to come in:\n%(link)s\n")
            % {"company": tenant.name, "link": link},
            settings.DEFAULT_FROM_EMAIL, [user.email])


def invitation_token(user: User) -> str:
    """Valid until the person chooses a password: a password-reset token (tenants.passwords)."""
    return password_token(user)


def invitation_accept(*, tenant: Tenant, token: str, password: str, full_name: str = "") -> User:
    """An invited person chooses their password through the emailed link; they are then a member like any other."""
    user = password_token_user(token)
    if user is None or not Membership.objects.filter(user=user, tenant=tenant, is_active=True).exists():
        raise ValidationError(_("This invitation is invalid, used or expired."), code=error_codes.TOKEN_INVALID)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as refusal:
        raise ValidationError({"password": ValidationError(" ".join(refusal.messages),
                                                           code=error_codes.PASSWORD_WEAK)}) from None
    user.set_password(password)
    if full_name.strip():
        user.full_name = " ".join(full_name.split())
    user.save(update_fields=["password", "full_name"])
    return user


def membership_role_set(*, actor: User, membership: Membership, is_admin: bool) -> Membership:
    """Make a member an administrator or a plain member; a company always keeps one active administrator."""
    if not is_admin:
        _keep_an_admin(membership)
    membership.is_admin = is_admin
    membership.save(update_fields=["is_admin"])
    settings_change_record(actor=actor, target=membership, object_label=membership.user.email,
                           details={"is_admin": is_admin}, summary=(
                               _("%(email)s made an administrator") if is_admin
                               else _("%(email)s made a plain member")) % {"email": membership.user.email})
    return membership


def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """Take a member's access away (their records, comments and history stay): their sessions on the tenant's host
    end and their API tokens there are revoked. An invitation brings the access back, not the sessions or tokens."""
    _keep_an_admin(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user_sessions_end(user=membership.user, tenant=membership.tenant)
    with schema_context(membership.tenant.schema_name):
        run_member_departures(membership.user_id)
    settings_change_record(actor=actor, target=membership, object_label=membership.user.email,
                           summary=_("%(email)s deactivated") % {"email": membership.user.email})
    return membership


def _keep_an_admin(membership: Membership) -> None:
    if not (membership.is_admin and membership.is_active):
        return
    others = Membership.objects.filter(tenant_id=membership.tenant_id, is_admin=True, is_active=True,
                                       kind=MembershipKind.STAFF, user__is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(_("The company needs at least one active administrator."), code=error_codes.LAST_ADMIN)
