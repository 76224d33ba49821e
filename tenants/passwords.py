"""Passwords: logging in under a throttle, resetting a forgotten password by email, changing one's own.

Changing a password (by reset or by the person) changes Django's session auth hash: every session opened
with the old password ends at its next request (django.contrib.auth.get_user checks it); the mutation that
changes it keeps the caller's own session with update_session_auth_hash. A reset also deletes every session of
the person at once, on every host (tenants.sessions): whoever held one may have been the reason for the reset.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from saas.audit.enums import EventKind
from saas.audit.services import event_record
from tenants import error_codes
from tenants.models import Membership, Tenant, User
from tenants.selectors import tenant_url
from tenants.services import user_authenticate, user_sessions_end
from tenants.throttle import Window


class TooManyAttempts(ValidationError):
    """A refusal that says when to try again (the API also answers it as a Retry-After header)."""

    def __init__(self, retry_after: int):
        minutes = -(-retry_after // 60)
        super().__init__(ngettext("Too many failed attempts: try again in %(minutes)d minute.",
                                  "Too many failed attempts: try again in %(minutes)d minutes.", minutes)
                         % {"minutes": minutes}, code=error_codes.TOO_MANY_ATTEMPTS)
        self.retry_after = retry_after


def _account_window(name: str = "login-account") -> Window:
    return Window(name, settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _address_window(name: str = "login-address") -> Window:
    return Window(name, settings.LOGIN_FAILURES_PER_ADDRESS, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _refuse_when_blocked(windows: list[tuple[Window, str | None]]) -> None:
    delays = [delay for window, subject in windows if (delay := window.retry_after(subject)) is not None]
    if delays:
        raise TooManyAttempts(max(delays))


def _normalized(email: str) -> str:
    return (email or "").strip().lower()


def login_attempt(*, email: str, password: str, client_address: str | None) -> User:
    """The identity of those credentials; after too many failures for the account or from the address, every
    attempt is refused (without checking the password) until the window closes. Failures land in the
    tenant's event log (outside any transaction, so that the refusal does not undo them)."""
    email = _normalized(email)
    windows = [(_account_window(), email), (_address_window(), client_address)]
    try:
        _refuse_when_blocked(windows)
    except TooManyAttempts:
        _login_failure_record(email, client_address, error_codes.TOO_MANY_ATTEMPTS)
        raise
    user = user_authenticate(email=email, password=password)
    if user is None:
        for window, subject in windows:
            window.hit(subject)
        _login_failure_record(email, client_address, error_codes.INVALID_CREDENTIALS)
        raise ValidationError(_("Wrong email or password."), code=error_codes.INVALID_CREDENTIALS)
    # Only the account's count restarts: were the address's to restart too, an attacker owning one account
    # could log into it between guesses at the others.
    _account_window().clear(email)
    return user


def _login_failure_record(email: str, client_address: str | None, reason: str) -> None:
    # No actor: the identity is unproven, and naming one would let anyone write into a person's history.
    event_record(kind=EventKind.LOGIN_FAILED, summary=_("Failed login as %(email)s") % {"email": email[:200]},
                 address=client_address, details={"email": email[:200], "reason": reason})


def login_record(*, user: User, client_address: str | None, method: str = "password") -> None:
    """Log an opened session in the tenant's event log."""
    event_record(kind=EventKind.LOGIN, actor=user, summary=_("Login of %(email)s") % {"email": user.email},
                 address=client_address, details={"method": method})


def password_token(user: User) -> str:
    """`<uid>.<token>`: Django's password-reset token, which expires after PASSWORD_RESET_TIMEOUT and dies once
    the password changes or the person logs in."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def password_token_user(token: str) -> User | None:
    """The active identity a `password_token` was made for, while it is valid; None otherwise."""
    uid, _sep, secret = (token or "").partition(".")
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uid)))).first()
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_active or not default_token_generator.check_token(user, secret):
        return None
    return user


def _is_member(user: User, tenant: Tenant) -> bool:
    return Membership.objects.filter(user=user, tenant=tenant, is_active=True).exists()


def password_reset_request(*, email: str, tenant: Tenant, client_address: str | None) -> None:
    """Mail a link to choose a new password to an active member of the tenant. The answer is the same for any
    other email, so that it tells nobody who has an account; requests past the throttle send nothing."""
    email = _normalized(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ValidationError(_("Enter a valid email address."),
                                                        code=error_codes.EMAIL_INVALID)}) from None
    windows = [(_account_window("reset-account"), email), (_address_window("reset-address"), client_address)]
    if any(window.retry_after(subject) is not None for window, subject in windows):
        return
    for window, subject in windows:
        window.hit(subject)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or not _is_member(user, tenant):
        return
    transaction.on_commit(lambda: _reset_mail_send(user=user, tenant=tenant))


def _reset_mail_send(*, user: User, tenant: Tenant) -> None:
    link = tenant_url(tenant, f"/password-reset/{password_token(user)}/")
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    with override(user.language):
        send_mail(
            _("Choose a new password for %(company)s") % {"company": tenant.name},
            _("Someone asked to reset the password of %(email)s.\n\nOpen this link to choose a new one (it works "
              "once, within %(hours)d hours):\n%(link)s\n\nIf it was not you, ignore this message: your password "
              "stays as it is.\n") % {"email": user.email, "hours": hours, "link": link},
            settings.DEFAULT_FROM_EMAIL, [user.email])


def _new_password_set(user: User, new_password: str, field: str = "new_password") -> None:
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as refusal:
        raise ValidationError({field: ValidationError(" ".join(refusal.messages),
                                                      code=error_codes.PASSWORD_WEAK)}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])


def password_reset_confirm(*, tenant: Tenant, token: str, new_password: str) -> User:
    """Set the password chosen through the emailed link and end every session of the person, on every company's
    host (their API tokens stay: the confirmation lists them, with one action to revoke them all)."""
    user = password_token_user(token)
    if user is None or not _is_member(user, tenant):
        raise ValidationError(_("This link is invalid, used or expired: ask for a new one."),
                              code=error_codes.TOKEN_INVALID)
    _new_password_set(user, new_password)
    user_sessions_end(user=user)
    # Whoever reads the mailbox is the person: the lockout guessers caused ends for them.
    _account_window().clear(user.email)
    return user


def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """A logged-in person changes their password, giving the current one (counted like a login attempt)."""
    _refuse_when_blocked([(_account_window(), user.email)])
    if not user.check_password(current_password or ""):
        _account_window().hit(user.email)
        raise ValidationError({"current_password": ValidationError(_("This is not your current password."),
                                                                   code=error_codes.PASSWORD_WRONG)})
    _new_password_set(user, new_password)
    return user
