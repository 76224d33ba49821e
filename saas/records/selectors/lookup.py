"""Finding any record from a GraphQL type name and primary key, for the actor."""

from collections.abc import Iterable

from saas.access.visibility import visible
from saas.records import registry
from saas.records.models import Record, RecordRef


def record_type_for_graphql(type_name: str):
    return next((t for t in registry.all_types() if t.graphql_type == type_name), None)


def record_get_for_actor(*, actor, type_name: str, pk, include_deleted: bool = False) -> Record | None:
    """The record of that type and key the actor may see, or None (missing and forbidden look alike)."""
    record_type = record_type_for_graphql(type_name)
    if record_type is None or pk is None:
        return None
    return type_records(record_type, actor, include_deleted).filter(pk=pk).first()


def records_for_keys(*, actor, keys: Iterable[tuple[str, int]], include_deleted: bool = True) -> dict:
    """`{(module, pk): record}` for the records the actor may see, one query per record type."""
    by_type: dict[str, set[int]] = {}
    for module, pk in keys:
        by_type.setdefault(module, set()).add(pk)
    found = {}
    for module, pks in by_type.items():
        record_type = registry.get(module)
        if record_type is None:
            continue
        for record in type_records(record_type, actor, include_deleted).filter(pk__in=pks):
            found[(module, record.pk)] = record
    return found


def records_for_refs(*, actor, refs: Iterable[RecordRef]) -> dict[int, Record]:
    """The records behind references, one query per record type: `{ref_id: record}`. Deleted records are kept:
    a comment or a history line still names the record it was about."""
    refs = list(refs)
    found = records_for_keys(actor=actor, keys=[(ref.type_key, ref.object_id) for ref in refs])
    return {ref.pk: found[(ref.type_key, ref.object_id)] for ref in refs if (ref.type_key, ref.object_id) in found}


def records_for_ref_ids(*, actor, ref_ids: Iterable[int]) -> dict[int, Record]:
    """`records_for_refs` from bare reference ids: one more query, on the references."""
    return records_for_refs(actor=actor, refs=RecordRef.objects.filter(pk__in=set(ref_ids)))


def type_records(record_type, actor, include_deleted: bool = False):
    """Through the type's declared list selector: the one place that says what the actor may see."""
    if record_type.list_selector is not None:
        return record_type.list_selector(actor=actor, include_deleted=include_deleted)
    records = visible(record_type.model.objects.all(), actor=actor, module=record_type.key)
    return records if include_deleted else records.filter(deleted_at__isnull=True)
