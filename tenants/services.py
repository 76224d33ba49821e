"""Writes on the public schema: signup, tenant lifecycle, identities, tenant switching."""

import getpass
import hashlib
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from saas.core.tenancy import TenantSeed, run_tenant_initializers, tenant_cache_prefix
from tenants import error_codes, files, pool, schemas
from tenants.enums import Language, MembershipKind, TenantAuditAction, TenantStatus
from tenants.models import Domain, LoginToken, Membership, Session, Tenant, TenantAuditEvent, User
from tenants.schemas import quote
from tenants.selectors import membership_get, tenant_get

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset({
    "public", "www", "api", "admin", "app", "apps", "auth", "login", "signup", "static", "media", "assets",
    "mail", "smtp", "imap", "ftp", "help", "support", "status", "docs", "blog", "dashboard", "portal",
    "graphql", "billing", "root", "system", "test", "demo-template", "information-schema",
    "tenant-template", settings.TEMPLATE_SCHEMA_NAME, settings.PUBLIC_SCHEMA_NAME,
})


@dataclass(frozen=True)
class SignupResult:
    tenant: Tenant
    user: User
    created_user: bool


def slug_check(slug: str) -> ValidationError | None:
    """Why that slug cannot name a new tenant, or None when it is free."""
    if not SLUG_PATTERN.match(slug or "") or "--" in slug:
        return ValidationError(
            _("3 to 40 lowercase letters, digits or hyphens, starting with a letter."),
            code=error_codes.SLUG_INVALID,
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        return ValidationError(_("This address is reserved."), code=error_codes.SLUG_RESERVED)
    if Tenant.objects.filter(schema_name=slug).exists() or schemas.schema_exists(slug):
        return ValidationError(_("This address is already taken."), code=error_codes.SLUG_TAKEN)
    return None


def signup(
    *, company_name: str, slug: str, email: str, password: str, language: str = Language.FRENCH,
    client_address: str | None = None,
) -> SignupResult:
    """A company signs up by itself: its tenant, domain, first admin and default data, or nothing at all."""
    _throttle_signup(client_address)
    company_name = (company_name or "").strip()
    slug = (slug or "").strip().lower()
    email = (email or "").strip().lower()
    errors: dict[str, ValidationError] = {}
    if not company_name:
        errors["company_name"] = ValidationError(
            _("Give the name of your company."), code=error_codes.COMPANY_NAME_REQUIRED
        )
    if language not in Language.values:
        errors["language"] = ValidationError(_("Choose French or English."), code=error_codes.LANGUAGE_INVALID)
    if slug_error := slug_check(slug):
        errors["slug"] = slug_error
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ValidationError(_("Enter a valid email address."), code=error_codes.EMAIL_INVALID)
    user = User.objects.filter(email=email).first() if "email" not in errors else None
    if user is not None:
        if not user.check_password(password) or not user.is_active:
            errors["password"] = ValidationError(
                _("An account already exists for this email: enter its password."),
                code=error_codes.PASSWORD_WRONG,
            )
    elif "email" not in errors:
        try:
            password_validation.validate_password(password, User(email=email))
        except ValidationError as refusal:
            errors["password"] = ValidationError(" ".join(refusal.messages), code=error_codes.PASSWORD_WEAK)
    if errors:
        raise ValidationError(errors)
    created_user = user is None
    with transaction.atomic():
        if created_user:
            user = User.objects.create_user(email, password, language=language)
        tenant = tenant_create(name=company_name, slug=slug, admin=user, language=language)
    return SignupResult(tenant=tenant, user=user, created_user=created_user)


def tenant_create(
    *, name: str, slug: str, admin: User, language: str = Language.FRENCH, plan: str = "trial",
    use_template: bool = True,
) -> Tenant:
    """Create a tenant with its schema, domain, admin membership and default data, in one transaction."""
    if slug_error := slug_check(slug):
        raise ValidationError({"slug": slug_error})
    with transaction.atomic():
        tenant = Tenant(schema_name=slug, name=name, language=language, plan=plan)
        tenant.full_clean()
        tenant.save()
        Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
        Membership.objects.create(user=admin, tenant=tenant, kind=MembershipKind.STAFF, is_admin=True)
        if use_template:
            # A spare schema renamed (one catalog row), else the template's DDL replayed (seconds); the
            # pool is refilled once this commits.
            from_template = pool.spare_take(slug) or schemas.create_schema_from_template(slug)
            pool.refill_later()
        if not (use_template and from_template):
            schemas.create_schema_by_migrations(slug)
        with schema_context(slug):
            run_tenant_initializers(
                TenantSeed(schema_name=slug, company_name=name, admin_user_id=admin.pk, language=language)
            )
    return tenant


def public_tenant_ensure() -> Tenant:
    """The public schema's own Tenant row and a Domain for BASE_DOMAIN (django-tenants routes by them)."""
    public, _created = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "Platform", "plan": "platform"}
    )
    Domain.objects.filter(tenant=public).exclude(domain=settings.BASE_DOMAIN).update(is_primary=False)
    Domain.objects.update_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": public, "is_primary": True})
    return public


def tenant_set_status(*, tenant: Tenant, status: str) -> Tenant:
    """Suspend or reactivate a tenant; a suspended tenant answers an error to every request."""
    if status not in TenantStatus.values:
        raise ValidationError({"status": ValidationError(_("Unknown status."), code="status_invalid")})
    tenant.status = status
    tenant.save(update_fields=["status"])
    return tenant


def tenant_delete(*, tenant: Tenant, confirm: bool, actor: str | None = None) -> dict[str, int]:
    """Delete a tenant completely, only with an explicit confirmation: its schema and every row in it, its
    domains, memberships, sessions, queued jobs, cache keys and, once that has committed, its files."""
    if not confirm:
        raise ValidationError(
            _("Deleting a tenant drops all its data: confirm explicitly."), code=error_codes.CONFIRMATION_REQUIRED
        )
    schema_name = tenant.schema_name
    file_names = files.tenant_file_names(schema_name) if schemas.schema_exists(schema_name) else []
    with transaction.atomic():
        removed = {"domains": Domain.objects.filter(tenant=tenant).delete()[0],
                   "memberships": Membership.objects.filter(tenant=tenant).delete()[0],
                   "jobs": _jobs_forget(schema_name), "files": len(file_names)}
        # Its host no longer resolves, but its sessions would name identities until they expire.
        Session.objects.filter(schema_name=schema_name).delete()
        tenant.delete(force_drop=False)
        with connection.cursor() as cursor:
            # Inside a caller's transaction that wrote to the schema, deferred foreign-key checks would
            # refuse the DROP: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schemas.drop_schema(schema_name)
        _cache_forget(tenant_cache_prefix(schema_name))
        audit_record(actor=actor, action=TenantAuditAction.DELETE, slug=schema_name, details=removed)
        # Files are not transactional: deleted only once nothing can bring the rows that name them back.
        transaction.on_commit(lambda: files.delete_all(file_names, schema_name))
    return removed


def audit_record(*, actor: str | None, action: str, slug: str, details: dict) -> TenantAuditEvent:
    """Leave the public trace of an operator's action on a tenant (the operator's login when no actor is named)."""
    return TenantAuditEvent.objects.create(actor=actor or operator_name(), action=action, tenant_slug=slug,
                                           details=details)


def operator_name() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def _jobs_forget(schema_name: str) -> int:
    """Delete the tenant's jobs (they take the schema first); one running now is asked to abort instead."""
    jobs = f"{quote(get_public_schema_name())}.procrastinate_jobs"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {jobs} SET abort_requested = true WHERE args->>'schema_name' = %s "
                       f"AND status = 'doing'", [schema_name])
        cursor.execute(f"DELETE FROM {jobs} WHERE args->>'schema_name' = %s AND status <> 'doing'", [schema_name])
        return cursor.rowcount


def _cache_forget(prefix: str) -> None:
    """Drop the keys under `prefix` from the shared cache (the database table, or Redis)."""
    backend = caches["default"]
    stored_prefix = backend.make_key(prefix)
    if isinstance(backend, DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(backend._table)} WHERE starts_with(cache_key, %s)", [stored_prefix])
    elif isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{stored_prefix}*"))
        if keys:
            client.delete(*keys)


def user_create(*, email: str, password: str, full_name: str = "", language: str = "") -> User:
    """An identity that belongs to no tenant yet (the demo's admin; signup makes its own)."""
    return User.objects.create_user(email, password, full_name=full_name, language=language)


def user_authenticate(*, email: str, password: str) -> User | None:
    """The active identity of those credentials, or None."""
    user = User.objects.filter(email=(email or "").strip().lower()).first()
    if user is None:
        # Same cost as a real check, so that timing does not tell which emails exist.
        User().set_password(password)
        return None
    if not user.is_active or not user.check_password(password):
        return None
    return user


def user_sessions_end(*, user: User, tenant: Tenant | None = None) -> int:
    """End the identity's sessions on the tenant's host (every host when no tenant is given); how many ended."""
    sessions = Session.objects.filter(user_id=user.pk)
    if tenant is not None:
        sessions = sessions.filter(schema_name=tenant.schema_name)
    return sessions.delete()[0]


def sessions_expired_purge() -> int:
    """Delete the sessions past their expiry (Django never does on its own); how many went."""
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


def tenant_switch_token(*, user: User, slug: str) -> tuple[Tenant, str]:
    """A one-time login token for another active company of the same identity; refused for any other."""
    target = tenant_get(slug=slug)
    if target is None or not target.is_active or membership_get(user=user, tenant=target) is None:
        raise ValidationError({"slug": ValidationError(_("You are not a member of this company."),
                                                        code=error_codes.TENANT_NOT_FOUND)})
    return target, login_token_issue(user=user, tenant=target)


def login_token_issue(*, user: User, tenant: Tenant) -> str:
    """A one-time token that opens a session on the tenant's host, valid a minute."""
    secret = secrets.token_urlsafe(32)
    LoginToken.objects.create(
        user=user, tenant=tenant, token_hash=_digest(secret),
        expires_at=timezone.now() + timedelta(seconds=settings.TENANT_SWITCH_TOKEN_MAX_AGE),
    )
    return secret


def login_token_consume(*, secret: str, tenant: Tenant) -> User | None:
    """The user the token was issued to for this tenant, once, if still a member; None otherwise."""
    now = timezone.now()
    with transaction.atomic():
        token = (
            LoginToken.objects.select_for_update().select_related("user")
            .filter(token_hash=_digest(secret or ""), tenant=tenant, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        token.used_at = now
        token.save(update_fields=["used_at"])
    LoginToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return token.user if membership_get(user=token.user, tenant=tenant) is not None else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _throttle_signup(client_address: str | None) -> None:
    rate = settings.SIGNUP_RATE_PER_HOUR
    if not rate or not client_address:
        return
    key = f"signup-rate:{client_address}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > rate:
        raise ValidationError(_("Too many signups from your address; try again in an hour."),
                              code=error_codes.THROTTLED)
