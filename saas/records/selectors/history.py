"""The Updates tab: every history event that references a record, from all event tables, newest first.

pghistory writes one event table per tracked model; each keeps the tracked row's `ref_id`, so the
events of a record (its own rows, its comments, its tag, activity and document links) are one
`UNION ALL` on an indexed column. A page is chosen first on the light columns, then only that page's
snapshots and their previous versions are read, to compute `{field: [old, new]}`.
"""

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.utils import translation

from saas.access.visibility import visible
from saas.records import registry
from saas.records.enums import HistoryKind, RecordSource
from saas.records.models import CustomFieldDefinition
from tenants.language import tenant_language

IGNORED_FIELDS = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id", "version",
                  "updated_at", "updated_by_id", "ref_id", "id", "created_at", "created_by_id", "deleted_by_id"}


@dataclass
class HistoryEntry:
    table: str
    event_id: int
    at: datetime
    kind: str
    source: str
    actor_id: int | None
    ref_id: int
    subject: str  # the tracked model's label: "crm.Account", "records.Comment", ...
    changes: dict[str, list]
    snapshot: dict


@functools.cache
def event_tables() -> dict[str, str]:
    """`{event table: tracked model label}` for every event model that carries a `ref_id`."""
    tables = {}
    for model in apps.get_models():
        tracked = getattr(model, "pgh_tracked_model", None)
        if tracked is None:
            continue
        columns = {f.column for f in model._meta.concrete_fields}
        if "ref_id" in columns:
            tables[model._meta.db_table] = tracked._meta.label
    return dict(sorted(tables.items()))


def _union(ref_id_sql: str, newest: int | None = None) -> str:
    """The events of a record across event tables; with `newest`, only each table's newest rows."""
    limit = f' ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT {int(newest)}' if newest is not None else ""
    parts = [
        f"""(SELECT '{table}' AS tbl, pgh_id, pgh_created_at FROM "{table}" WHERE ref_id {ref_id_sql}{limit})"""
        for table in event_tables()
    ]
    return " UNION ALL ".join(parts)


def history_count(*, actor, ref_id: int) -> int:
    with connection.cursor() as cursor:
        tables = event_tables()
        cursor.execute(f"SELECT count(*) FROM ({_union('= %s')}) events", [ref_id] * len(tables))
        return cursor.fetchone()[0]


def history_page(*, actor, ref_id: int, offset: int, limit: int, since: datetime | None = None) -> list[HistoryEntry]:
    """One page of a record's events, newest first, with their changes."""
    tables = event_tables()
    since_sql = " WHERE pgh_created_at >= %s" if since else ""
    params: list = [ref_id] * len(tables) + ([since] if since else []) + [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tbl, pgh_id FROM ({_union('= %s', newest=offset + limit)}) events{since_sql} "
            "ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT %s OFFSET %s", params)
        page = cursor.fetchall()
        if not page:
            return []
        details = _details(cursor, page)
    entries = []
    for table, event_id in page:
        snapshot, previous, metadata = details[(table, event_id)]
        entries.append(_entry(table, tables[table], snapshot, previous, metadata or {}))
    return entries


def history_entry_get(*, actor, table: str, event_id: int) -> HistoryEntry | None:
    """One event by its table and id, or None (unknown table or event, or its record is deleted or not the
    actor's to see)."""
    subject = event_tables().get(table)
    if subject is None:
        return None
    with connection.cursor() as cursor:
        details = _details(cursor, [(table, event_id)])
    if (table, event_id) not in details:
        return None
    snapshot, previous, metadata = details[(table, event_id)]
    from saas.records.selectors.records import visible_refs

    if not visible_refs(actor=actor).filter(pk=snapshot["ref_id"]).exists():
        return None
    return _entry(table, subject, snapshot, previous, metadata or {})


def _details(cursor, page: list[tuple[str, int]]) -> dict:
    by_table: dict[str, list[int]] = {}
    for table, event_id in page:
        by_table.setdefault(table, []).append(event_id)
    parts, params = [], []
    for table, ids in by_table.items():
        parts.append(
            f"""SELECT '{table}', e.pgh_id, to_jsonb(e),
                   (SELECT to_jsonb(p) FROM "{table}" p WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
                    ORDER BY p.pgh_id DESC LIMIT 1),
                   c.metadata
                FROM "{table}" e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id
                WHERE e.pgh_id = ANY(%s)""")
        params.append(ids)
    cursor.execute(" UNION ALL ".join(parts), params)
    # Django makes psycopg hand jsonb back as text (its JSONField decodes it itself).
    return {(row[0], row[1]): tuple(_json(value) for value in row[2:]) for row in cursor.fetchall()}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _entry(table: str, subject: str, snapshot: dict, previous: dict | None, metadata: dict) -> HistoryEntry:
    label = snapshot["pgh_label"]
    changes = {}
    if label == "update" and previous is not None:
        changes = {key: [previous.get(key), value] for key, value in snapshot.items()
                   if key not in IGNORED_FIELDS and previous.get(key) != value}
    elif label not in ("insert", "update", "linked", "unlinked"):
        # A tracker of a few fields (a line's lettering): the first event changes them from nothing.
        before = previous or {}
        changes = {key: [before.get(key), value] for key, value in snapshot.items()
                   if key not in IGNORED_FIELDS and not key.endswith("_id") and before.get(key) != value}
    kind = _kind(subject, label, changes)
    if kind == HistoryKind.CREATED:
        changes = {key: [None, value] for key, value in snapshot.items()
                   if key not in IGNORED_FIELDS and value not in (None, "", {}, [], False)}
    elif kind in (HistoryKind.LINKED, HistoryKind.UNLINKED, HistoryKind.COMMENTED):
        changes = {key: ([None, value] if kind != HistoryKind.UNLINKED else [value, None])
                   for key, value in snapshot.items() if key.endswith("_id") and key not in IGNORED_FIELDS
                   and key != "parent_id" or key == "body"}
    # A record's creation says how it was created (quick create, import…); other events say through what.
    created_as = snapshot.get("source") if kind == HistoryKind.CREATED else None
    source = created_as or metadata.get("source")
    return HistoryEntry(
        table=table, event_id=snapshot["pgh_id"], at=_parse_time(snapshot["pgh_created_at"]), kind=kind,
        source=source or RecordSource.MANUAL,
        actor_id=metadata.get("user") or snapshot.get("updated_by_id") or snapshot.get("author_id")
        or snapshot.get("created_by_id"),
        ref_id=snapshot["ref_id"], subject=subject, changes=changes, snapshot=snapshot,
    )


def _kind(subject: str, label: str, changes: dict) -> str:
    if label == HistoryKind.EMAILED:  # an email about the record, sent or failed (saas.mailing)
        return HistoryKind.EMAILED
    if subject == "records.Comment":
        return HistoryKind.COMMENTED if label == "insert" else HistoryKind.UPDATED
    if label == "linked":
        return HistoryKind.LINKED
    if label == "unlinked":
        return HistoryKind.UNLINKED
    if label == "insert":
        return HistoryKind.CREATED
    if "deleted_at" in changes:
        return HistoryKind.DELETED if changes["deleted_at"][1] else HistoryKind.RESTORED
    if "status" in changes or set(changes) & _pipeline_fields(subject):
        return HistoryKind.STATUS_CHANGED
    return HistoryKind.UPDATED


def _pipeline_fields(subject: str) -> set[str]:
    """The status fields of a record type's pipelines (a deal's `stage`), by the history's "app.Model" subject."""
    record_type = registry.find_for_model(apps.get_model(subject))
    return set(record_type.pipelines) if record_type is not None else set()


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def related_keys(entry: HistoryEntry) -> list[tuple[str, int]]:
    """For a LINKED / UNLINKED event, the `(module, pk)` of every record its link row points to (the invoice and
    the payment of an allocation); the caller leaves out the record whose history it shows."""
    if entry.kind not in (HistoryKind.LINKED, HistoryKind.UNLINKED):
        return []
    model = apps.get_model(entry.subject)
    keys = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.name == "ref":
            continue
        record_type = registry.find_for_model(field.related_model)
        if record_type is not None and entry.snapshot.get(field.attname) is not None:
            keys.append((record_type.key, entry.snapshot[field.attname]))
    return keys


def change_labels(entries: list[HistoryEntry], *, actor) -> dict[tuple, str]:
    """What the ids in these events' changes stand for — `{(subject, column, id): "Acme SA"}` — one query per
    related model, so the Updates tab reads "Owner: jane@… → paul@…", not "4 → 7". A record the actor may not
    see keeps its bare id: its name stays out. The custom fields' labels come with them, `{(subject,
    "custom.<key>"): "Budget"}` (one query), so a change reads "Budget", not its key."""
    wanted: dict[type, set] = {}
    columns: dict[tuple[str, str], type] = {}
    custom_modules: dict[str, str] = {}
    for entry in entries:
        model = apps.get_model(entry.subject)
        if "custom" in entry.changes and (record_type := registry.find_for_model(model)) is not None:
            custom_modules[record_type.key] = entry.subject
        for column, values in entry.changes.items():
            field = next((f for f in model._meta.concrete_fields if f.attname == column and f.is_relation), None)
            if field is None:
                continue
            columns[(entry.subject, column)] = field.related_model
            wanted.setdefault(field.related_model, set()).update(v for v in values if v is not None)
    names = {}
    for related, pks in wanted.items():
        rows = related._default_manager.filter(pk__in=pks)
        if (record_type := registry.find_for_model(related)) is not None:
            rows = visible(rows, actor=actor, module=record_type.key)
        for row in rows:
            names[(related, row.pk)] = str(row)
    labels: dict[tuple, str] = {
        (subject, column, pk): names[(related, pk)] for (subject, column), related in columns.items()
        for (model, pk) in names if model is related}
    if custom_modules:
        for module, key, label in CustomFieldDefinition.objects.filter(module__in=custom_modules).values_list(
                "module", "key", "label"):
            labels[(custom_modules[module], f"custom.{key}")] = label
    return labels


def field_labels(subject: str, names: list[str]) -> dict[str, str]:
    """`{field: label}` of changed fields of a tracked model ("crm.Account"): each field's verbose name in the
    tenant's language ("Ville de facturation"), the bare name for what the model does not name (a custom field
    `custom.<key>`, whose label `change_labels` gives)."""
    model = apps.get_model(subject)
    labels = {}
    with translation.override(tenant_language()):
        for name in names:
            try:
                labels[name] = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                labels[name] = name.replace("_", " ")
    return labels
