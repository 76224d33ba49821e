"""Reads every record type shares: the roll-up set, comments, activities, documents, related tabs."""

import functools

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from saas.access.visibility import every_row, may_see_module
from saas.records import registry
from saas.records.models import (
    Activity,
    ActivityLink,
    Comment,
    Document,
    DocumentLink,
    Record,
    RecordRef,
    Tag,
    UserPreference,
)
from saas.records.selectors.lookup import type_records


def visible_refs(*, actor) -> QuerySet[RecordRef]:
    """References of the live records the actor may see."""
    refs = RecordRef.objects.filter(is_deleted=False)
    condition = visible_ref_condition(actor=actor)
    return refs if condition is None else refs.filter(condition)


def visible_ref_condition(*, actor) -> Q | None:
    """The references the actor may see as one condition (None: all of them), narrowed exactly as each record
    type's list selector narrows its records: a subquery per restricted type, all in the caller's statement."""
    condition, narrowed = Q(type_key__in=[]), False
    open_types = []
    for record_type in registry.all_types():
        if not may_see_module(actor, record_type.key):
            narrowed = True
        elif every_row(actor, record_type.key):
            open_types.append(record_type.key)
        else:
            narrowed = True
            records = type_records(record_type, actor, include_deleted=True)
            condition |= Q(type_key=record_type.key, object_id__in=records.order_by().values("pk"))
    return (condition | Q(type_key__in=open_types)) if narrowed else None


def roll_up_ref_ids(*, actor, record: Record) -> Q:
    """The roll-up set of a record, as one condition on `ref_id` (GRAPH.md, roll-up rule).

    1. the record itself; 2. the live records it points to through its link fields; 3. the live records
    of its related tabs, one level deep. Subqueries, so the whole roll-up stays one SQL statement; each
    carries the visibility rule (live records; access rights will narrow the same subqueries).
    """
    record_type = registry.for_model(type(record))
    sql, uses = _roll_up_sql(record_type.key, tuple(record_type.relations))
    around = Q(ref_id__in=RawSQL(sql, [record.pk] * uses))
    narrowing = visible_ref_condition(actor=actor)
    if narrowing is not None:
        around &= Q(ref_id__in=RecordRef.objects.filter(narrowing).values("pk"))
    return Q(ref_id=record.ref_id) | around


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
    from saas.access.selectors import team_ids_of

    teams = team_ids_of(user=actor)
    activities = Activity.objects.filter(Q(assigned_user=actor) | Q(assigned_team__in=Subquery(teams)))
    if status:
        activities = activities.filter(status=status)
    return activities.order_by("due_at", "start_at", "id")


def activity_counts_for_user(*, actor, now) -> dict[str, int]:
    """My open activities (planned or in progress) counted as overdue, due today, later or undated, in one query:
    the dashboard's activities widget."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from saas.records.enums import ActivityStatus

    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    open_ones = activity_list_for_user(actor=actor).filter(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]).order_by()
    return open_ones.aggregate(
        overdue=Count("id", filter=Q(due_at__lt=now)),
        today=Count("id", filter=Q(due_at__gte=now, due_at__lt=start + timedelta(days=1))),
        later=Count("id", filter=Q(due_at__gte=start + timedelta(days=1))),
        undated=Count("id", filter=Q(due_at__isnull=True)))


def document_list_for_record(*, actor, record: Record) -> QuerySet[Document]:
    return Document.objects.filter(links__ref_id=record.ref_id).order_by("-created_at", "-id")


def document_visible_list(*, actor) -> QuerySet[Document]:
    """The documents linked to a record the actor may see, and those it uploaded."""
    linked = DocumentLink.objects.filter(ref__in=visible_refs(actor=actor)).values("document_id")
    return Document.objects.filter(Q(pk__in=linked) | Q(uploaded_by=actor))


def document_get_for_actor(*, actor, document_id) -> Document | None:
    """A document linked to a record the actor may see, or one it uploaded; else None."""
    return document_visible_list(actor=actor).filter(pk=document_id).first()


def tag_list_for_record(*, actor, record: Record) -> QuerySet[Tag]:
    return Tag.objects.filter(links__ref_id=record.ref_id).order_by("name")


def related_counts(*, actor, record: Record) -> list[tuple[registry.Relation, int]]:
    """Each related tab with its count of live records, in one SQL statement (a scalar subquery per tab)."""
    record_type = registry.for_model(type(record))
    if not record_type.relations:
        return []
    relations = tuple(record_type.relations)
    if all(every_row(actor, _module(relation)) and may_see_module(actor, _module(relation)) for relation in relations):
        sql, params = _related_counts_sql(relations), [record.pk] * len(relations)
    else:
        sql, params = _related_counts_for_actor(actor, record, relations)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = cursor.fetchone()
    return list(zip(record_type.relations, counts, strict=True))


def _module(relation: registry.Relation) -> str:
    return registry.for_model(relation.model_class()).key


def _related_counts_for_actor(actor, record: Record, relations: tuple) -> tuple[str, list]:
    """The counts through each related type's list selector, for an actor who does not see every record: still
    one statement, a scalar subquery per tab."""
    counts, params = [], []
    for relation in relations:
        related_type = registry.for_model(relation.model_class())
        if not may_see_module(actor, related_type.key):
            counts.append("0")
            continue
        records = type_records(related_type, actor).filter(**{relation.field: record.pk}).order_by().values("pk")
        sql, record_params = records.query.sql_with_params()
        counts.append(f"(SELECT count(*) FROM ({sql}) counted)")
        params += record_params
    return "SELECT " + ", ".join(counts), params


@functools.cache
def _related_counts_sql(relations: tuple) -> str:
    counts = []
    for relation in relations:
        related = relation.model_class()
        column = related._meta.get_field(relation.field).column
        counts.append(f'(SELECT count(*) FROM "{related._meta.db_table}" WHERE "{column}" = %s '
                      f'AND deleted_at IS NULL)')
    return "SELECT " + ", ".join(counts)


def comment_visible_list(*, actor) -> QuerySet[Comment]:
    """The comments on live records the actor may see."""
    return Comment.objects.filter(ref__in=visible_refs(actor=actor))


def comment_get_for_actor(*, actor, comment_id) -> Comment | None:
    """A comment on a live record, or None (missing and forbidden look alike)."""
    if comment_id is None:
        return None
    return comment_visible_list(actor=actor).filter(pk=comment_id).first()


def activity_visible_list(*, actor) -> QuerySet[Activity]:
    """The activities assigned to the actor (or its teams), and those linked to a record it may see."""
    linked = ActivityLink.objects.filter(ref__in=visible_refs(actor=actor)).values("activity_id")
    return activity_list_for_user(actor=actor) | Activity.objects.filter(pk__in=linked)


def activity_get_for_actor(*, actor, activity_id) -> Activity | None:
    """An activity assigned to the actor (or its teams), or linked to a record it may see; else None."""
    if activity_id is None:
        return None
    return activity_visible_list(actor=actor).filter(pk=activity_id).first()


def tag_list(*, actor) -> QuerySet[Tag]:
    return Tag.objects.order_by("name")


def custom_field_definition_list(*, actor, module: str):
    from saas.records.models import CustomFieldDefinition

    return CustomFieldDefinition.objects.filter(module=module)



# What the other apps read of the engine's own models, so that they never import them.

def is_record(value) -> bool:
    """Whether a value is a record of any type (an instance of the engine's `Record`)."""
    return isinstance(value, Record)


def engine_field_names() -> set[str]:
    """The fields every record type inherits from the engine (and its `id`)."""
    return {field.name for field in Record._meta.fields} | {"id"}


def live_ref_ids_named(*, type_key: str, name: str) -> QuerySet:
    """The ids of the live records of a type whose display name is `name` (case ignored), as a subquery."""
    return RecordRef.objects.filter(type_key=type_key, is_deleted=False, display_name__iexact=name).values(
        "object_id")
