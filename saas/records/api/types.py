"""GraphQL of the record engine: the `Record` interface every record type implements, and its parts."""

import base64
import json
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql import GraphQLError
from saas.access.models import Team
from saas.core.graph import IsMember, TenantNode, graphql_enum, local_pk
from saas.core.pagination import Connection, connection_from, page_bounds
from saas.records import models, registry
from saas.records.enums import ActivityKind as ActivityKindValues
from saas.records.enums import ActivityPriority as ActivityPriorityValues
from saas.records.enums import ActivityStatus as ActivityStatusValues
from saas.records.enums import CommentVisibility as CommentVisibilityValues
from saas.records.enums import HistoryKind as HistoryKindValues
from saas.records.enums import RecordSource as RecordSourceValues
from saas.records.selectors import actions as action_selectors
from saas.records.selectors import custom_fields as custom_field_selectors
from saas.records.selectors import history as history_selectors
from saas.records.selectors import layouts as layout_selectors
from saas.records.selectors import records as selectors
from saas.records.selectors.lookup import records_for_keys, records_for_ref_ids, records_for_refs
from tenants.api.types import UserType

RecordSource = graphql_enum("RecordSource", RecordSourceValues)
CommentVisibility = graphql_enum("CommentVisibility", CommentVisibilityValues)
HistoryKind = graphql_enum("HistoryKind", HistoryKindValues)
ActivityStatus = graphql_enum("ActivityStatus", ActivityStatusValues)
ActivityKind = graphql_enum("ActivityKind", ActivityKindValues)
ActivityPriority = graphql_enum("ActivityPriority", ActivityPriorityValues)


@strawberry.input(description="A condition on one custom field of the list's module (`key`): values of the "
                              "field's type (a number, `YYYY-MM-DD`, true/false, one of the choices); every "
                              "lookup given must hold.")
class CustomFieldFilter:
    key: str
    exact: JSON | None = strawberry.UNSET
    gt: JSON | None = strawberry.UNSET
    gte: JSON | None = strawberry.UNSET
    lt: JSON | None = strawberry.UNSET
    lte: JSON | None = strawberry.UNSET
    i_contains: str | None = strawberry.UNSET
    is_null: bool | None = strawberry.UNSET
    matches: str | None = strawberry.field(
        default=strawberry.UNSET, description="What a person typed in a list's filter box, read by the field's "
        "type: a text field contains it, another field equals it (a decimal may have a decimal comma, a "
        "yes/no field takes true or false).")


@strawberry.input(description="Sort by one custom field of the list's module (`key`), typed by its definition; "
                              "records without a value come last.")
class CustomFieldOrder:
    key: str
    direction: strawberry_django.Ordering = strawberry_django.Ordering.ASC


def custom_field_definitions(info: Info, module: str) -> dict:
    """The module's custom-field definitions by key, read once per operation: a list page asks for them (its
    columns) and for its rows' values in one operation."""
    definitions = info.context.caches.custom_definitions
    if module not in definitions:
        definitions[module] = {d.key: d for d in selectors.custom_field_definition_list(
            actor=info.context.user, module=module)}
    return definitions[module]


def _model_at(model, prefix: str) -> type:
    """The model a filter or an ordering applies to through its link path (`account__` from contacts)."""
    for part in prefix.removesuffix("__").split("__") if prefix else ():
        model = model._meta.get_field(part).related_model
    return model


def _coded(build):
    """What `build()` answers; its refusal (an unknown custom field, a value of another type) as a coded
    GraphQL error naming the field, since a list's filters and orderings are no mutation with a payload."""
    try:
        return build()
    except ValidationError as refusal:
        field, errors = next(iter(refusal.error_dict.items()))
        raise GraphQLError(" ".join(errors[0].messages), extensions={"code": errors[0].code, "field": field}) \
            from refusal


@strawberry.input(name="RecordOrderFields", description="The orderings every record list shares.")
class RecordOrderFields:
    """List ordering types inherit the orderings every record list shares."""

    @strawberry_django.order_field(description="By a custom field of the module.")
    def custom(self, value: CustomFieldOrder, prefix: str, queryset) -> list:
        model = _model_at(queryset.model, prefix)
        descending = value.direction.value.startswith("DESC")
        return [_coded(lambda: custom_field_selectors.custom_field_ordering(
            model, prefix=prefix, key=value.key, descending=descending))]


@strawberry.input(name="RecordFilterFields", description="The filters every record list shares.")
class RecordFilterFields:
    """List filter types inherit the filters every record list shares."""

    @strawberry_django.filter_field(description="Records whose custom field meets the condition.")
    def custom(self, value: CustomFieldFilter, prefix: str, queryset) -> Q:
        lookups = {name: getattr(value, name) for name in ("exact", "gt", "gte", "lt", "lte", "i_contains",
                                                           "is_null", "matches")
                   if getattr(value, name) is not strawberry.UNSET}
        model = _model_at(queryset.model, prefix)
        return _coded(lambda: custom_field_selectors.custom_field_condition(model, prefix=prefix, key=value.key,
                                                                            lookups=lookups))

    @strawberry_django.filter_field(description="Records carrying this tag (case-insensitive).")
    def tag(self, value: str, prefix: str) -> Q:
        return tagged(prefix, value)

    @strawberry_django.filter_field(description="Records owned by this user or team.")
    def owner(self, value: relay.GlobalID, prefix: str) -> Q:
        return owned_by(prefix, value)


def tagged(prefix: str, value: str):
    """The condition of every list's `tag` filter: records carrying that tag (case-insensitive)."""
    from django.db.models import Q

    return Q(**{f"{prefix}ref__tag_links__tag__name__iexact": value})


def owned_by(prefix: str, value: relay.GlobalID):
    """The condition of every list's `owner` filter: records owned by that user or that team (a global id
    of another type or tenant matches nothing)."""
    from django.db.models import Q

    pk = local_pk(value.node_id) if value.type_name in ("User", "Team") else None
    if pk is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}owner_{'user' if value.type_name == 'User' else 'team'}_id": pk})


def request_source(info: Info) -> str:
    """How a change came in: through an integrator's API token, or by hand in the app."""
    return RecordSourceValues.API if info.context.api_token is not None else RecordSourceValues.MANUAL


@strawberry.enum
class TimelineKind(Enum):
    COMMENT = "comment"
    HISTORY = "history"
    ACTIVITY = "activity"


@strawberry.type
class Module:
    key: str
    label: str
    label_plural: str
    icon: str | None


def module_of(record_type: registry.RecordType) -> Module:
    return Module(key=record_type.key, label=str(record_type.label), label_plural=str(record_type.label_plural),
                  icon=record_type.icon or None)


@strawberry.type
class FieldValue:
    field: str
    label: str
    type: str
    value: str | None
    raw: JSON | None


@strawberry_django.type(Team, name="Team")
class TeamType(TenantNode):
    node_needs = IsMember

    name: str


Owner = Annotated[UserType | TeamType, strawberry.union("Owner")]


@strawberry_django.type(models.Tag, name="Tag")
class TagType(TenantNode):
    node_needs = IsMember

    name: str
    color: str


@strawberry.type(description="A verb of the record's type (issue, convert, record a payment) its state offers now.")
class RecordAction:
    verb: str
    label: str = strawberry.field(description="In the request's language.")
    available: bool = strawberry.field(description="False when the reader may not run it now (rights, a check).")
    reason: str | None = strawberry.field(description="Why it is unavailable; null when available.")
    code: str | None = strawberry.field(description="The refusal's code, as the verb's mutation would answer it.")


@strawberry.type
class RelatedTab:
    key: str
    label: str
    count: int
    visible: bool
    module: Module | None


@strawberry.type
class FieldChange:
    field: str
    label: str
    old: str | None
    new: str | None
    old_raw: JSON | None
    new_raw: JSON | None


@strawberry.type(name="HistoryEvent")
class HistoryEventType(relay.Node):
    at: datetime
    kind: HistoryKind
    source: RecordSource
    changes: list[FieldChange]
    entry: strawberry.Private[history_selectors.HistoryEntry]

    @classmethod
    def resolve_id(cls, root: "HistoryEventType", *, info: Info) -> str:
        return f"{connection.schema_name}.{root.entry.table}.{root.entry.event_id}"

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False) -> list["HistoryEventType | None"]:
        """`node(id:)` on an event: only in the tenant that minted the id, only while its record is live."""
        events = []
        for node_id in node_ids:
            schema, _, rest = str(node_id).partition(".")
            table, _, event_id = rest.rpartition(".")
            entry = history_selectors.history_entry_get(actor=info.context.user, table=table, event_id=int(
                event_id)) if schema == connection.schema_name and event_id.isdigit() else None
            if entry is not None:
                _load_users(info, [entry.actor_id])
            events.append(None if entry is None else history_event(
                entry, history_selectors.change_labels([entry], actor=info.context.user)))
        return events

    @strawberry.field
    def actor(self, info: Info) -> UserType | None:
        return info.context.caches.users.get(self.entry.actor_id)

    @strawberry.field(description="The record the event belongs to.")
    def record(self, info: Info) -> Annotated["Record", strawberry.lazy("saas.records.api.types")] | None:
        cache = info.context.caches.records_by_ref
        if self.entry.ref_id not in cache:  # an event reached by `node`, not through its record's history
            cache.update(records_for_ref_ids(actor=info.context.user, ref_ids=[self.entry.ref_id]))
        return cache.get(self.entry.ref_id)

    @strawberry.field(description="The other side of LINKED / UNLINKED, when it is a record (the payment an "
                                  "allocation links an invoice to…).")
    def related(self, info: Info) -> Annotated["Record", strawberry.lazy("saas.records.api.types")] | None:
        key = info.context.caches.related_keys.get((self.entry.table, self.entry.event_id))
        return info.context.caches.related_records.get(key) if key else None


def history_event(entry: history_selectors.HistoryEntry, labels: dict | None = None) -> HistoryEventType:
    labels = labels or {}

    def shown(column, value):
        if value is None:
            return None
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        return labels.get((entry.subject, column, value), str(value))

    one_per_field = list(_one_change_per_field(entry.changes))
    field_labels = history_selectors.field_labels(entry.subject, [_field_name(name) for name, _o, _n in one_per_field])
    changes = [
        FieldChange(field=_field_name(name),
                    label=labels.get((entry.subject, name)) or field_labels[_field_name(name)],
                    old=shown(name, old), new=shown(name, new), old_raw=old, new_raw=new)
        for name, old, new in one_per_field
    ]
    return HistoryEventType(at=entry.at, kind=HistoryKind(entry.kind), source=RecordSource(entry.source),
                            changes=changes, entry=entry)


def _one_change_per_field(changes: dict):
    """`(field, old, new)` sorted by field; the custom fields' JSON column (a dict) as one change per key that
    changed, named `custom.<key>` as `customFields` names them."""
    for name, (old, new) in sorted(changes.items()):
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    yield f"{name}.{key}", old.get(key), new.get(key)
        else:
            yield name, old, new


def _field_name(column: str) -> str:
    return column.removesuffix("_id") if column.endswith("_id") else column


@strawberry_django.type(models.Comment, name="Comment")
class CommentType(TenantNode):
    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # `node(id)` answers only what the actor may see, as the record pages do.
        return queryset.filter(pk__in=selectors.comment_visible_list(actor=info.context.user).values("pk"))

    body: str
    created_at: datetime
    edited_at: datetime | None

    @strawberry.field
    def author(self, root: models.Comment, info: Info) -> UserType:
        _load_users(info, [root.author_id])
        return info.context.caches.users[root.author_id]

    @strawberry.field
    def visibility(self, root: models.Comment) -> CommentVisibility:
        return CommentVisibility(root.visibility)

    @strawberry.field(description="Where it was posted (in a roll-up, not always the record viewed).")
    def record(self, root: models.Comment,
               info: Info) -> Annotated["Record", strawberry.lazy("saas.records.api.types")]:
        cache = info.context.caches.records_by_ref
        if root.ref_id not in cache:
            cache.update(records_for_ref_ids(actor=info.context.user, ref_ids=[root.ref_id]))
        return cache[root.ref_id]

    @strawberry.field
    def parent_id(self, root: models.Comment) -> strawberry.ID | None:
        return None if root.parent_id is None else strawberry.ID(
            base64.b64encode(f"Comment:{connection.schema_name}.{root.parent_id}".encode()).decode())


@strawberry_django.type(models.Activity, name="Activity")
class ActivityType(TenantNode):
    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # `node(id)` answers only what the actor may see, as the record pages do.
        return queryset.filter(pk__in=selectors.activity_visible_list(actor=info.context.user).values("pk"))

    subject: str
    description: str
    due_at: datetime | None
    start_at: datetime | None
    end_at: datetime | None
    created_at: datetime

    @strawberry.field
    def kind(self, root: models.Activity) -> ActivityKind:
        return ActivityKind(root.kind)

    @strawberry.field
    def status(self, root: models.Activity) -> ActivityStatus:
        return ActivityStatus(root.status)

    @strawberry.field
    def priority(self, root: models.Activity) -> ActivityPriority:
        return ActivityPriority(root.priority)

    @strawberry_django.field(select_related=["assigned_user", "assigned_team"])
    def assigned_to(self, root: models.Activity) -> Owner | None:
        return root.assigned_user or root.assigned_team


@strawberry_django.type(models.Document, name="Document")
class DocumentType(TenantNode):
    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # `node(id)` answers only what the actor may see, as the record pages do.
        return queryset.filter(pk__in=selectors.document_visible_list(actor=info.context.user).values("pk"))

    title: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    tags: list[TagType]

    @strawberry.field(description="Download address (the download checks access).")
    def url(self, root: models.Document) -> str:
        return f"/documents/{root.pk}/download/"

    @strawberry.field
    def folder(self, root: models.Document) -> str | None:
        return root.folder.name if root.folder_id else None


TimelineItem = Annotated[CommentType | HistoryEventType | ActivityType, strawberry.union("TimelineItem")]


def _record_type(root) -> registry.RecordType:
    return registry.for_model(type(root))


def _layout(info: Info, module: str) -> layout_selectors.ModuleLayout:
    """A module's layout for its header and key fields, read once per request whatever the number of records
    shown (its blocks are not used here: no custom-field definitions read for them)."""
    layouts = info.context.caches.layouts
    if module not in layouts:
        layouts[module] = layout_selectors.layout_for_actor(actor=info.context.user, module=module,
                                                            custom_fields=False)
    return layouts[module]


def _load_users(info: Info, ids) -> None:
    from tenants.selectors import users_by_id

    cache = info.context.caches.users
    missing = {i for i in ids if i and i not in cache}
    if missing:
        cache.update(users_by_id(missing))


def _load_related(info: Info, entries, root) -> None:
    """The records on the other side of this page's LINKED / UNLINKED events, one query per record type."""
    own = (registry.for_model(type(root)).key, root.pk)
    chosen = info.context.caches.related_keys
    for entry in entries:
        other = next((key for key in history_selectors.related_keys(entry) if key != own), None)
        if other:
            chosen[(entry.table, entry.event_id)] = other
    if chosen:
        info.context.caches.related_records.update(
            records_for_keys(actor=info.context.user, keys=set(chosen.values())))


def _load_records_of_refs(info: Info, refs) -> None:
    cache = info.context.caches.records_by_ref
    missing = [ref for ref in refs if ref.pk not in cache]
    if missing:
        cache.update(records_for_refs(actor=info.context.user, refs=missing))


@strawberry.interface(name="Record")
class Record(TenantNode):
    number: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None

    @strawberry.field
    def display_name(self, root) -> str:
        return str(root)

    @strawberry.field
    def module(self, root) -> Module:
        return module_of(_record_type(root))

    @strawberry.field
    def source(self, root) -> RecordSource:
        return RecordSource(root.source)

    @strawberry_django.field(select_related=["owner_user", "owner_team"])
    def owner(self, root) -> Owner | None:
        return root.owner_user or root.owner_team

    @strawberry_django.field(select_related=["created_by"])
    def created_by(self, root) -> UserType | None:
        return root.created_by

    @strawberry_django.field(select_related=["updated_by"])
    def updated_by(self, root) -> UserType | None:
        return root.updated_by

    @strawberry.field(description="The layout's header fields, formatted.")
    def header(self, root, info: Info) -> list[FieldValue]:
        layout = _layout(info, _record_type(root).key)
        values = layout_selectors.field_values(root, layout.header_fields, actor=info.context.user)
        return [FieldValue(**vars(v)) for v in values]

    @strawberry.field(description="The Summary's key fields.")
    def key_fields(self, root, info: Info) -> list[FieldValue]:
        layout = _layout(info, _record_type(root).key)
        values = layout_selectors.field_values(root, layout.key_fields, actor=info.context.user)
        return [FieldValue(**vars(v)) for v in values]

    @strawberry.field(description="The module's custom fields with this record's values (`custom.<key>`); "
                                  "their definitions are read once per request, not per record.")
    def custom_fields(self, root, info: Info) -> list[FieldValue]:
        module = _record_type(root).key
        return [FieldValue(**vars(v)) for v in layout_selectors.custom_field_values(
            root, module, custom_field_definitions(info, module))]

    @strawberry_django.field(prefetch_related=["ref__tag_links__tag"],
                             description="Prefetched for a whole list: no query per row.")
    def tags(self, root, info: Info) -> list[TagType]:
        return sorted((link.tag for link in root.ref.tag_links.all()), key=lambda tag: tag.name.casefold())

    @strawberry.field(description="Comments on this record; with rollUp, also on the records around it.")
    def comments(self, root, info: Info, roll_up: bool | None = None, first: int | None = None,
                 after: str | None = None) -> Connection[CommentType]:
        actor = info.context.user
        if roll_up is None:
            roll_up = selectors.roll_up_default(actor=actor, module=_record_type(root).key)
        offset, limit = page_bounds(first, after)
        comments = selectors.comment_list(actor=actor, record=root, roll_up=roll_up)
        # The page on the comment table alone; authors and posting records then by id, one query each.
        page = list(comments.select_related("ref")[offset:offset + limit + 1])
        has_next = len(page) > limit
        page = page[:limit]
        _load_records_of_refs(info, [comment.ref for comment in page])
        _load_users(info, [comment.author_id for comment in page])
        return connection_from(page, offset=offset, total_count=comments.count(), has_next=has_next)

    @strawberry.field
    def activities(self, root, info: Info, status: ActivityStatus | None = None, first: int | None = None,
                   after: str | None = None) -> Connection[ActivityType]:
        offset, limit = page_bounds(first, after)
        activities = selectors.activity_list_for_record(actor=info.context.user, record=root,
                                                        status=status.value if status else None)
        page = list(activities.select_related("assigned_user", "assigned_team")[offset:offset + limit])
        return connection_from(page, offset=offset, total_count=activities.count())

    @strawberry.field
    def documents(self, root, info: Info, first: int | None = None,
                  after: str | None = None) -> Connection[DocumentType]:
        offset, limit = page_bounds(first, after)
        documents = selectors.document_list_for_record(actor=info.context.user, record=root)
        page = list(documents.select_related("folder").prefetch_related("tags")[offset:offset + limit])
        return connection_from(page, offset=offset, total_count=documents.count())

    @strawberry.field(description="The Updates tab: every change of this record and of what hangs off it.")
    def history(self, root, info: Info, first: int | None = None,
                after: str | None = None) -> Connection[HistoryEventType]:
        offset, limit = page_bounds(first, after)
        actor = info.context.user
        entries = history_selectors.history_page(actor=actor, ref_id=root.ref_id, offset=offset, limit=limit)
        _load_users(info, [entry.actor_id for entry in entries])
        _load_related(info, entries, root)
        info.context.caches.records_by_ref[root.ref_id] = root
        total = history_selectors.history_count(actor=actor, ref_id=root.ref_id)
        labels = history_selectors.change_labels(entries, actor=actor)
        return connection_from([history_event(e, labels) for e in entries], offset=offset, total_count=total)

    @strawberry.field(description="Comments, history events and activities, newest first.")
    def timeline(self, root, info: Info, kinds: list[TimelineKind] | None = None, since: datetime | None = None,
                 first: int | None = None, after: str | None = None) -> Connection[TimelineItem]:
        offset, limit = page_bounds(first, after)
        wanted = set(kinds or TimelineKind)
        actor = info.context.user
        window = offset + limit
        items: list[tuple[datetime, object]] = []
        if TimelineKind.COMMENT in wanted:
            comments = selectors.comment_list(actor=actor, record=root)
            if since:
                comments = comments.filter(created_at__gte=since)
            items += [(c.created_at, c) for c in comments[:window]]
        if TimelineKind.HISTORY in wanted:
            entries = history_selectors.history_page(actor=actor, ref_id=root.ref_id, offset=0, limit=window,
                                                     since=since)
            # A comment or an activity already stands in the timeline: not twice through its event.
            shown = {"records.Comment": TimelineKind.COMMENT in wanted,
                     "records.ActivityLink": TimelineKind.ACTIVITY in wanted}
            entries = [e for e in entries if not (shown.get(e.subject) and e.kind in (
                HistoryKindValues.COMMENTED, HistoryKindValues.LINKED))]
            _load_users(info, [entry.actor_id for entry in entries])
            _load_related(info, entries, root)
            labels = history_selectors.change_labels(entries, actor=actor)
            items += [(e.at, history_event(e, labels)) for e in entries]
        if TimelineKind.ACTIVITY in wanted:
            activities = selectors.activity_list_for_record(actor=actor, record=root)
            if since:
                activities = activities.filter(created_at__gte=since)
            items += [(a.created_at, a) for a in activities.order_by("-created_at")[:window]]
        info.context.caches.records_by_ref[root.ref_id] = root
        items.sort(key=lambda item: item[0], reverse=True)
        page = [item for _, item in items[offset:offset + limit]]
        return connection_from(page, offset=offset, total_count=len(items), has_next=len(items) > window)

    @strawberry.field(description="The verbs the record's pipeline offers in its state, each available or not "
                                  "to the reader (rights, the type's checks) with the reason.")
    def available_actions(self, root, info: Info) -> list[RecordAction]:
        return [RecordAction(**vars(action))
                for action in action_selectors.available_actions(actor=info.context.user, record=root)]

    @strawberry.field
    def related_tabs(self, root, info: Info) -> list[RelatedTab]:
        record_type = _record_type(root)
        layout = _layout(info, record_type.key)
        counts = {relation.key: (relation, count)
                  for relation, count in selectors.related_counts(actor=info.context.user, record=root)}
        tabs = []
        for tab in layout.tabs:
            relation, count = counts[tab["key"]]
            target = registry.for_model(relation.model_class())
            tabs.append(RelatedTab(key=tab["key"], label=tab["label"], count=count, visible=tab["visible"],
                                   module=module_of(target)))
        return tabs


