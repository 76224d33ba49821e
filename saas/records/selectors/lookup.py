"""Finding any record from a GraphQL type name and primary key, for the actor."""

from saas.records import registry
from saas.records.models import Record


def record_type_for_graphql(type_name: str):
    return next((t for t in registry.all_types() if t.graphql_type == type_name), None)


def record_get_for_actor(*, actor, type_name: str, pk, include_deleted: bool = False) -> Record | None:
    """The record of that type and key the actor may see, or None (missing and forbidden look alike)."""
    record_type = record_type_for_graphql(type_name)
    if record_type is None or pk is None:
        return None
    if record_type.list_selector is not None:
        records = record_type.list_selector(actor=actor, include_deleted=include_deleted)
    else:
        records = record_type.model.objects.all()
        if not include_deleted:
            records = records.filter(deleted_at__isnull=True)
    return records.filter(pk=pk).first()
