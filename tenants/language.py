"""The tenant's language: what it writes and prints (documents, entry labels, seeded names) is in it, whatever
language the request or the worker that produces it runs in."""

import functools

from django.db import connection
from django.utils import translation

from tenants.selectors import tenant_get


def tenant_language() -> str:
    """The language of the tenant whose schema is active; French by default."""
    language = getattr(getattr(connection, "tenant", None), "language", None)
    if language is None:  # a schema set by hand (task, shell) carries no Tenant row
        tenant = tenant_get(slug=connection.schema_name)
        language = tenant.language if tenant else None
    return language or "fr"


def in_tenant_language(function):
    """Run `function` with the tenant's language active: the texts it stores are written in it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(tenant_language()):
            return function(*args, **kwargs)

    return wrapper
