"""Background tasks that run inside one tenant's schema (procrastinate, PostgreSQL-backed queue).

A task takes the schema name first and plain ids after, never model instances: it runs later, in a
worker (`manage.py procrastinate worker`), inside `schema_context` and its own transaction.
"""

import contextlib
import functools

from django.db import close_old_connections, connection, transaction
from django_tenants.utils import schema_context
from procrastinate.contrib.django import app


def tenant_task(*, atomic: bool = True, **task_options):
    """Register `func(**kwargs)` as a task run in the schema given at defer time, in one transaction unless
    `atomic=False` (a task that commits as it goes, such as an import publishing its progress)."""

    def decorator(func):
        @app.task(name=f"{func.__module__}.{func.__qualname__}", **task_options)
        @functools.wraps(func)
        def run_in_tenant(schema_name: str, **kwargs):
            # Worker threads are not requests: nothing else recycles their connections (CONN_MAX_AGE).
            close_old_connections()
            try:
                with schema_context(schema_name), transaction.atomic() if atomic else contextlib.nullcontext():
                    return func(**kwargs)
            finally:
                close_old_connections()

        return run_in_tenant

    return decorator


def defer_on_commit(task, **kwargs) -> None:
    """Queue `task` for the current tenant once the current transaction commits (never a ghost job)."""
    schema_name = connection.schema_name
    transaction.on_commit(lambda: task.defer(schema_name=schema_name, **kwargs))
