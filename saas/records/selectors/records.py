"""Reads every record type shares: the roll-up set, comments, activities, documents, related tabs."""

import functools

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from saas.records import registry
from saas.records.models import Activity, Comment, Document, Record, RecordRef, Tag, UserPreference


def visible_refs(*, actor) -> QuerySet[RecordRef]:
    """References of the records the actor may see: not deleted (access rights will narrow this)."""
    return RecordRef.objects.filter(is_deleted=False)


def roll_up_ref_ids(*, actor, record: Record) -> Q:
    """The roll-up set of a record, as one condition on `ref_id` (GRAPH.md, roll-up rule).

    1. the record itself; 2. the live records it points to through its link fields; 3. the live records
    of its related tabs, one level deep. Subqueries, so the whole roll-up stays one SQL statement; each
    carries the visibility rule (live records; access rights will narrow the same subqueries).
    """
    record_type = registry.for_model(type(record))
    sql, uses = _roll_up_sql(record_type.key, tuple(record_type.relations))
    return Q(ref_id=record.ref_id) | Q(ref_id__in=RawSQL(sql, [record.pk] * uses))


@functools.cache
def _roll_up_sql(module: str, relations: tuple) -> tuple[str, int]:
    """The roll-up subqueries of a record type, written once from the registry: the ORM would rebuild a dozen
    subqueries for every page (a third of the record page's time)."""
    record_type = registry.get(module)
    model = record_type.model
    parts = []
    for field_name in record_type.link_fields:
        field = model._meta.get_field(field_name)
        target = field.related_model._meta.db_table
        parts.append(f'SELECT t.ref_id FROM "{target}" t JOIN "{model._meta.db_table}" r ON t.id = r."{field.column}"'
                     f' WHERE r.id = %s AND t.deleted_at IS NULL')
    for relation in relations:
        related = relation.model_class()
        column = related._meta.get_field(relation.field).column
        parts.append(f'SELECT ref_id FROM "{related._meta.db_table}" WHERE "{column}" = %s AND deleted_at IS NULL')
    if not parts:
        return "SELECT NULL::integer WHERE false", 0
    return " UNION ALL ".join(parts), len(parts)


def comment_list(*, actor, record: Record, roll_up: bool = False) -> QuerySet[Comment]:
    """Comments on a record (or its roll-up), newest first, limited to records the actor may see."""
    condition = roll_up_ref_ids(actor=actor, record=record) if roll_up else Q(ref_id=record.ref_id)
    return Comment.objects.filter(condition).order_by("-created_at", "-id")


def roll_up_default(*, actor, module: str) -> bool:
    """The user's remembered roll-up switch for a module (off until set)."""
    if actor is None or not actor.is_authenticated:
        return False
    preference = UserPreference.objects.filter(user=actor, module=module).values_list(
        "comments_roll_up", flat=True).first()
    return bool(preference)


def activity_list_for_record(*, actor, record: Record, status: str | None = None) -> QuerySet[Activity]:
    activities = Activity.objects.filter(links__ref_id=record.ref_id)
    if status:
        activities = activities.filter(status=status)
    return activities.order_by("due_at", "start_at", "id")


def activity_list_for_user(*, actor, status: str | None = None) -> QuerySet[Activity]:
    """My activities: assigned to me or to one of my teams."""
    from saas.access.models import TeamMember

    teams = TeamMember.objects.filter(user=actor).values("team_id")
    activities = Activity.objects.filter(Q(assigned_user=actor) | Q(assigned_team__in=Subquery(teams)))
    if status:
        activities = activities.filter(status=status)
    return activities.order_by("due_at", "start_at", "id")


def document_list_for_record(*, actor, record: Record) -> QuerySet[Document]:
    return Document.objects.filter(links__ref_id=record.ref_id).order_by("-created_at", "-id")


def document_get_for_actor(*, actor, document_id) -> Document | None:
    return Document.objects.filter(pk=document_id).first()


def tag_list_for_record(*, actor, record: Record) -> QuerySet[Tag]:
    return Tag.objects.filter(links__ref_id=record.ref_id).order_by("name")


def related_counts(*, actor, record: Record) -> list[tuple[registry.Relation, int]]:
    """Each related tab with its count of live records, in one SQL statement (a scalar subquery per tab)."""
    record_type = registry.for_model(type(record))
    if not record_type.relations:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_related_counts_sql(tuple(record_type.relations)), [record.pk] * len(record_type.relations))
        counts = cursor.fetchone()
    return list(zip(record_type.relations, counts, strict=True))


@functools.cache
def _related_counts_sql(relations: tuple) -> str:
    counts = []
    for relation in relations:
        related = relation.model_class()
        column = related._meta.get_field(relation.field).column
        counts.append(f'(SELECT count(*) FROM "{related._meta.db_table}" WHERE "{column}" = %s '
                      f'AND deleted_at IS NULL)')
    return "SELECT " + ", ".join(counts)


def comment_get_for_actor(*, actor, comment_id) -> Comment | None:
    """A comment on a live record, or None (missing and forbidden look alike)."""
    if comment_id is None:
        return None
    return Comment.objects.filter(pk=comment_id, ref__in=visible_refs(actor=actor)).first()


def activity_get_for_actor(*, actor, activity_id) -> Activity | None:
    return Activity.objects.filter(pk=activity_id).first() if activity_id is not None else None


def tag_list(*, actor) -> QuerySet[Tag]:
    return Tag.objects.order_by("name")


def custom_field_definition_list(*, actor, module: str):
    from saas.records.models import CustomFieldDefinition

    return CustomFieldDefinition.objects.filter(module=module)

