"""The only place where the public/tenant split of Django apps is decided (django-tenants)."""

SHARED_APPS = [
    # Before django_tenants: our `migrate` (template schema first, DDL cache) must win.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.admin",
    "procrastinate.contrib.django",
    "strawberry_django",
    "django_htmx",
    "web",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "pgtrigger",
    "pghistory",
    "saas.core",
    "saas.audit",
    "saas.access",
    "saas.companies",
    "saas.records",
    "saas.crm",
    "saas.catalog",
    "saas.sales",
    "saas.accounting",
    "saas.banking",
    "saas.sepa",
    "saas.mailing",
    "saas.imports",
    "saas.workflows",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]
