"""Tenant archives: export one tenant and restore it under another slug, verified equal to what was exported.

An archive is a tar.gz of `manifest.json`, `data/<table>.copy` (each table's rows in COPY text format, in
key order) and `files/<storage name>`. The manifest names the tenant, its migration state, each table's
columns, row count and checksum, each sequence's position, each file's checksum and the memberships.
Identities are global and tenant rows point to them by id, so a restore targets the platform the archive
came from (or one holding the same identities); it refuses otherwise, and refuses an archive taken at
another migration state than the code's.
"""

import hashlib
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import dump, error_codes, files, schemas
from tenants.enums import TenantAuditAction
from tenants.models import Domain, Membership, Tenant, User
from tenants.services import audit_record, slug_check

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"


def code_migration_state() -> list[str]:
    """Every migration the code holds, as `app.name`: what a current tenant schema has applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def tenant_export(*, tenant: Tenant, archive: Path, actor: str | None = None) -> dict:
    """Write the tenant's archive (rows as one snapshot, sequences, files, manifest); answer the manifest."""
    schema_name = tenant.schema_name
    with tempfile.TemporaryDirectory(prefix="tenant-export-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                # One snapshot for every table: a write committed during the export is wholly in or out.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            tables = []
            for table in dump.tables(schema_name):
                with open(work / "data" / f"{table.name}.copy", "wb") as sink:
                    copied = dump.copy_out(schema_name, table, sink)
                tables.append({"name": table.name, "columns": list(table.columns), "rows": copied.rows,
                               "sha256": copied.sha256})
            sequences = dump.sequences(schema_name)
            migrations = sorted(f"{app}.{name}" for app, name in schemas.applied_migrations(schema_name))
            file_names = files.tenant_file_names(schema_name)
        stored, missing = [], []
        for name in file_names:
            if default_storage.exists(name):
                stored.append(_file_export(name, work / "files" / name))
            else:
                missing.append(name)
        manifest = {
            "format": ARCHIVE_FORMAT, "slug": schema_name, "name": tenant.name, "language": tenant.language,
            "plan": tenant.plan, "status": tenant.status, "exported_at": timezone.now().isoformat(),
            "migrations": migrations, "tables": tables, "sequences": sequences, "files": stored,
            "missing_files": missing,
            "memberships": [
                {"user_id": membership.user_id, "email": membership.user.email, "kind": membership.kind,
                 "is_admin": membership.is_admin, "is_active": membership.is_active}
                for membership in Membership.objects.filter(tenant=tenant).select_related("user").order_by("pk")
            ],
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            for part in ("data", "files"):
                if (work / part).exists():
                    tar.add(work / part, arcname=part)
    audit_record(actor=actor, action=TenantAuditAction.EXPORT, slug=schema_name, details={
        "archive": str(archive), "tables": len(tables), "rows": sum(table["rows"] for table in tables),
        "files": len(stored), "missing_files": len(missing)})
    return manifest


def _file_export(name: str, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(name, "rb") as source, open(target, "wb") as sink:
        for chunk in source.chunks():
            digest.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def archive_manifest(archive: Path) -> dict:
    """The manifest of an archive, refused clearly when the file is not one of ours."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return _manifest(tar)
    except (OSError, tarfile.TarError) as error:
        raise _refusal(_("This file is not a tenant archive: %(error)s") % {"error": error},
                       error_codes.ARCHIVE_INVALID) from error


def tenant_restore(*, archive: Path, slug: str, actor: str | None = None, name: str | None = None) -> Tenant:
    """Create a tenant under `slug` from an archive (schema, domain, memberships, rows, sequences, files),
    verified equal to the archive's manifest, or leave nothing at all."""
    with tarfile.open(archive, "r:gz") as tar:
        manifest = _manifest(tar)
        _check_restorable(manifest, slug)
        saved: list[str] = []
        try:
            with transaction.atomic():
                tenant = _tenant_create(manifest, slug, name)
                tables = _rows_load(tar, manifest, slug)
                files.rename_references(slug, _files_load(tar, manifest, slug, saved))
                dump.set_user_triggers(slug, tables, enabled=True)
                audit_record(actor=actor, action=TenantAuditAction.RESTORE, slug=slug, details={
                    "archive": str(archive), "from": manifest["slug"], "exported_at": manifest["exported_at"],
                    "tables": len(tables), "rows": sum(table["rows"] for table in manifest["tables"]),
                    "files": len(saved)})
        except BaseException:
            for stored in saved:
                default_storage.delete(stored)
            raise
    return tenant


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError) as error:
        raise _refusal(_("This file is not a tenant archive (no readable manifest)."),
                       error_codes.ARCHIVE_INVALID) from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise _refusal(_("Unknown archive format %(format)s.") % {"format": manifest.get("format")},
                       error_codes.ARCHIVE_INVALID)
    return manifest


def _check_restorable(manifest: dict, slug: str) -> None:
    if slug_error := slug_check(slug):
        raise ValidationError({"slug": slug_error})
    code = set(code_migration_state())
    archived = set(manifest["migrations"])
    if archived != code:
        raise _refusal(
            _("The archive was taken at another migration state than the code's (%(missing)s migrations not in "
              "the archive, %(unknown)s unknown to the code, first: %(first)s): restore it with the code of "
              "that time, or migrate the exported tenant first.") % {
                "missing": len(code - archived), "unknown": len(archived - code),
                "first": ", ".join(sorted(code ^ archived)[:3])},
            error_codes.MIGRATION_STATE_DIFFERS)
    for membership in manifest["memberships"]:
        if not User.objects.filter(pk=membership["user_id"], email=membership["email"]).exists():
            raise _refusal(
                _("The identity %(email)s (id %(id)s) of the archive does not exist here: an archive is restored "
                  "on the platform that holds its identities.") % {
                    "email": membership["email"], "id": membership["user_id"]},
                error_codes.IDENTITY_MISSING)


def _tenant_create(manifest: dict, slug: str, name: str | None) -> Tenant:
    tenant = Tenant(schema_name=slug, name=name or manifest["name"], language=manifest["language"],
                    plan=manifest["plan"], status=manifest["status"])
    tenant.full_clean()
    tenant.save()
    Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
    Membership.objects.bulk_create([
        Membership(tenant=tenant, user_id=membership["user_id"], kind=membership["kind"],
                   is_admin=membership["is_admin"], is_active=membership["is_active"])
        for membership in manifest["memberships"]])
    if not schemas.create_schema_from_template(slug):
        schemas.create_schema_by_migrations(slug)
    return tenant


def _rows_load(tar: tarfile.TarFile, manifest: dict, slug: str) -> list[dump.Table]:
    """Replace the new schema's rows by the archive's, then prove every table reads back as exported.

    User triggers (history) stay off until the caller turns them back on: the archived event tables already
    hold every event once."""
    target = {table.name: table for table in dump.tables(slug)}
    archived = {table["name"]: tuple(table["columns"]) for table in manifest["tables"]}
    if archived != {name: table.columns for name, table in target.items()}:
        raise _refusal(_("The archive's tables differ from the schema's."), error_codes.RESTORE_MISMATCH)
    tables = [target[entry["name"]] for entry in manifest["tables"]]
    dump.set_user_triggers(slug, tables, enabled=False)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The template's own rows (migration records, content types, seeded rules) give way to the archive's.
    dump.empty(slug, tables)
    for entry, table in zip(manifest["tables"], tables, strict=True):
        read = dump.copy_in(slug, table, _member(tar, f"data/{entry['name']}.copy"))
        if (read.rows, read.sha256) != (entry["rows"], entry["sha256"]):
            raise _refusal(_("The archive's rows of %(table)s are damaged (checksum).") % {"table": entry["name"]},
                           error_codes.RESTORE_MISMATCH)
    # Foreign keys are checked now, not at a commit that may belong to a caller's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for entry, table in zip(manifest["tables"], tables, strict=True):
        loaded = dump.copy_out(slug, table)
        if (loaded.rows, loaded.sha256) != (entry["rows"], entry["sha256"]):
            raise _refusal(
                _("%(table)s reads back %(rows)s rows unlike the archive's %(expected)s, or other values.") % {
                    "table": entry["name"], "rows": loaded.rows, "expected": entry["rows"]},
                error_codes.RESTORE_MISMATCH)
    dump.sequences_restore(slug, manifest["sequences"])
    return tables


def _files_load(tar: tarfile.TarFile, manifest: dict, slug: str, saved: list[str]) -> dict[str, str]:
    """Store the archive's files under the new slug's folder, checked; their old name → new name."""
    old_prefix = f"{manifest['slug']}/"
    renamed = {}
    for entry in manifest["files"]:
        content = _member(tar, f"files/{entry['name']}").read()
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise _refusal(_("The archive's file %(name)s is damaged (checksum).") % {"name": entry["name"]},
                           error_codes.RESTORE_MISMATCH)
        relative = entry["name"].removeprefix(old_prefix)
        stored = default_storage.save(f"{slug}/{relative}", ContentFile(content))
        saved.append(stored)
        with default_storage.open(stored, "rb") as check:
            if hashlib.sha256(check.read()).hexdigest() != entry["sha256"]:
                raise _refusal(_("The stored copy of %(name)s differs.") % {"name": entry["name"]},
                               error_codes.RESTORE_MISMATCH)
        renamed[entry["name"]] = stored
    return renamed


def _member(tar: tarfile.TarFile, name: str):
    try:
        return tar.extractfile(name)
    except KeyError as error:
        raise _refusal(_("The archive lacks %(name)s.") % {"name": name}, error_codes.ARCHIVE_INVALID) from error


def _refusal(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)
