"""A tenant's files in Django's storage (a folder or an object-storage bucket): found, copied, deleted.

Paths start with the schema name (DESIGN.md section 3), but a file field may name any path (a logo set
through the admin lands at the storage's root): a tenant's files are those under its prefix and those its
rows name.
"""

import shutil

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, models

from tenants.schemas import quote


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of the tenant-side models."""
    tenant_only = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    return sorted(
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        if model._meta.app_config.name in tenant_only
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    )


def referenced_names(schema_name: str) -> set[str]:
    """The storage names the schema's rows point to."""
    names: set[str] = set()
    with connection.cursor() as cursor:
        for table, column in file_columns():
            cursor.execute(f"SELECT DISTINCT {quote(column)} FROM {quote(schema_name)}.{quote(table)} "
                           f"WHERE {quote(column)} <> ''")
            names.update(name for (name,) in cursor.fetchall())
    return names


def names_under(prefix: str) -> set[str]:
    """Every file stored under `prefix/`, at any depth."""
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return set()
    found = {f"{prefix}/{name}" for name in files}
    for folder in folders:
        found |= names_under(f"{prefix}/{folder}")
    return found


def tenant_file_names(schema_name: str) -> list[str]:
    """What belongs to the tenant: its folder and whatever its rows name."""
    return sorted(names_under(schema_name) | referenced_names(schema_name))


def rename_references(schema_name: str, renamed: dict[str, str]) -> None:
    """Point the schema's file fields at the new names of their files."""
    with connection.cursor() as cursor:
        for table, column in file_columns():
            for old, new in renamed.items():
                cursor.execute(f"UPDATE {quote(schema_name)}.{quote(table)} SET {quote(column)} = %s "
                               f"WHERE {quote(column)} = %s", [new, old])


def delete_all(names: list[str], schema_name: str) -> None:
    """Delete the files, then the tenant's folder when the storage is a local one (object stores have none)."""
    for name in names:
        default_storage.delete(name)
    try:
        folder = default_storage.path(schema_name)
    except NotImplementedError:
        return
    shutil.rmtree(folder, ignore_errors=True)
