"""Writes on API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from saas.access import error_codes
from saas.access.models import ApiToken, ApiTokenEvent
from saas.access.rights import grant_for, parse_scope, scope_within
from saas.audit.enums import EventKind
from saas.audit.services import event_record
from tenants.selectors import tenant_list_for_user

TOKEN_PREFIX = "sk_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    # The secret carries 256 random bits: a fast hash is enough, no salt or key stretching needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor, name: str, expires_at: datetime | None = None, scopes: list[str] | None = None,
                     user=None) -> IssuedToken:
    """Issue a token acting as the actor (or as `user`, chosen by an admin) within `scopes`
    (`<module|area|*>:<read|write>`, all of the user's rights by default); the secret is shown here only.

    An actor acting through a token issues none wider than its own (by default, the same scopes), and acts for
    another member only through an admin token scoped `*:write`."""
    name = (name or "").strip()
    held = grant_for(actor).scopes
    if scopes is None:
        scopes = ["*:write"] if held is None else [f"{target}:{access}" for target, access in held.items()]
    scopes = [str(scope).strip() for scope in scopes]
    acts_for_anyone = grant_for(actor).admin and (held is None or held.get("*") == "write")
    if user is not None and user.pk != actor.pk and not acts_for_anyone:
        raise ValidationError({"user_id": ValidationError(
            _("Only administrators (through a token, one scoped *:write) issue tokens acting as someone else."),
            code=error_codes.FORBIDDEN)})
    errors = {}
    invalid = [scope for scope in scopes if parse_scope(scope) is None]
    if invalid or not scopes:
        errors["scopes"] = ValidationError(
            _("Unknown scope: %(scopes)s (write <module, area or *>:<read or write>).")
            % {"scopes": ", ".join(invalid) or "-"}, code=error_codes.SCOPE_INVALID)
    elif held is not None and (wider := [scope for scope in scopes if not scope_within(parse_scope(scope), held)]):
        errors["scopes"] = ValidationError(
            _("A token cannot issue a token wider than its own scopes: %(scopes)s.") % {"scopes": ", ".join(wider)},
            code=error_codes.SCOPE_TOO_WIDE)
    if not name:
        errors["name"] = ValidationError(_("Give the token a name."), code=error_codes.TOKEN_NAME_REQUIRED)
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ValidationError(
            _("The expiry date must be in the future."), code=error_codes.TOKEN_EXPIRY_IN_PAST
        )
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, user=user or actor, prefix=secret[: len(TOKEN_PREFIX) + 6], token_hash=hash_secret(secret),
        expires_at=expires_at, scopes=sorted(set(scopes)),
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first revocation time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_for_member(user_id: int) -> int:
    """Revoke every token of a member leaving this company (saas.core.tenancy's member departure); how many."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_tokens_revoke_everywhere(*, actor) -> int:
    """Revoke every usable token of the actor in every company where they hold a membership (offered after a
    password reset); a person does it in a session, never through a token. How many were revoked."""
    if getattr(actor, "acting_token", None) is not None:
        raise ValidationError(_("Log in to revoke your tokens: an API token cannot revoke them all."),
                              code=error_codes.SESSION_REQUIRED)
    now, revoked = timezone.now(), 0
    for tenant in tenant_list_for_user(user=actor):
        with schema_context(tenant.schema_name):
            revoked += ApiToken.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), user=actor,
                                               revoked_at__isnull=True).update(revoked_at=now)
    return revoked


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The usable token of that secret, its last use recorded; None for unknown, revoked or expired."""
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Written at most once a minute: a busy integrator would otherwise write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_event_record(*, token: ApiToken, operation: str, address: str | None, status: int) -> ApiTokenEvent:
    """Log one use of a token, in the token's own log and in the company's event log."""
    event_record(kind=EventKind.API_TOKEN_USE, actor=token.user, target=token, address=address,
                 summary=_("API token “%(token)s”: %(operation)s (%(status)d)") % {
                     "token": token.name, "operation": operation or "-", "status": status},
                 details={"operation": operation or "", "status": status, "prefix": token.prefix})
    return ApiTokenEvent.objects.create(token=token, operation=operation or "", address=address or None,
                                        status=status)
