"""The record engine's own queries and mutations: comments, tags, activities, documents, layouts,
numbering formats, custom fields, search, delete/restore of any record."""

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON
from strawberry.types import Info

from saas.access.enums import Action
from saas.access.selectors import team_get_for_actor
from saas.core.graph import IsMember, IsTenantAdmin, global_pk, local_pk, mutation, needs
from saas.core.pagination import Connection, connection_from, page_bounds
from saas.records import error_codes, models, registry
from saas.records.api.types import (
    ActivityKind,
    ActivityPriority,
    ActivityStatus,
    ActivityType,
    CommentType,
    CommentVisibility,
    DocumentType,
    Module,
    Record,
    TagType,
    custom_field_definitions,
    module_of,
)
from saas.records.selectors import layouts as layout_selectors
from saas.records.selectors import records as selectors
from saas.records.selectors.lookup import record_get_for_actor, records_for_refs
from saas.records.selectors.search import search as search_records
from saas.records.services import activities, comments, custom_fields, documents, layouts, numbering, records, tags
from tenants.selectors import member_get


def record_of(info: Info, global_id: relay.GlobalID | None, *, field: str = "recordId",
              types: tuple[str, ...] | None = None, include_deleted: bool = False):
    """The record a global id names, seen through its type's selector; `not_found` under `field` otherwise."""
    record = None
    if global_id is not None and (types is None or global_id.type_name in types):
        record = record_get_for_actor(actor=info.context.user, type_name=global_id.type_name,
                                      pk=local_pk(global_id.node_id), include_deleted=include_deleted)
    if record is None:
        raise ValidationError({field: ValidationError(_("No such record."), code=error_codes.NOT_FOUND)})
    return record


def _team(info: Info, global_id):
    if not global_id:
        return None
    team = team_get_for_actor(actor=info.context.user, team_id=global_pk(global_id, "Team"))
    if team is None:
        raise ValidationError({"assignedTeamId": ValidationError(_("No such team."), code=error_codes.NOT_FOUND)})
    return team


def _user(info: Info, global_id):
    if not global_id:
        return None
    user = member_get(tenant=info.context.tenant, user_id=global_pk(global_id, "User"))
    if user is None:
        raise ValidationError({"assignedUserId": ValidationError(_("No such user."), code=error_codes.NOT_FOUND)})
    return user


@strawberry.type
class Layout:
    module: Module
    header_fields: list[str]
    key_fields: list[str]
    quick_create_fields: list[str]
    blocks: JSON
    tabs: JSON


@strawberry.type
class NumberingFormat:
    module: str
    pattern: str
    yearly_reset: bool
    gapless: bool
    company_scoped: bool


@strawberry_django.type(models.CustomFieldDefinition, name="CustomFieldDefinition")
class CustomFieldDefinitionType:
    module: str
    key: str
    label: str
    field_type: str
    choices: JSON
    required: bool
    position: int


@strawberry.type
class RecordResult:
    record: Record


@strawberry.type
class RollUpDefault:
    module: str
    roll_up: bool


@strawberry.type
class DocumentsUploaded:
    documents: list[DocumentType]


@strawberry.type
class SearchResult:
    score: float
    record: Record


def _layout(module: str) -> Layout:
    layout = layout_selectors.layout_get(module=module)
    return Layout(module=module_of(registry.get(module)), header_fields=layout.header_fields,
                  key_fields=layout.key_fields, quick_create_fields=layout.quick_create_fields,
                  blocks=layout.blocks, tabs=layout.tabs)


def _module(module: str) -> str:
    if registry.get(module) is None:
        raise ValidationError({"module": ValidationError(_("Unknown module."), code=error_codes.UNKNOWN_MODULE)})
    return module


def _numbering(fmt) -> NumberingFormat:
    return NumberingFormat(module=fmt.module, pattern=fmt.pattern, yearly_reset=fmt.yearly_reset,
                           gapless=fmt.gapless, company_scoped=fmt.company_scoped)


@strawberry.type
class RecordsQuery:
    @strawberry.field(permission_classes=[IsMember], description="Every record type of the product.")
    def modules(self) -> list[Module]:
        return [module_of(t) for t in registry.all_types()]

    @strawberry.field(permission_classes=[IsMember], description="Global search over all record types.")
    def search(self, info: Info, text: str, modules: list[str] | None = None, first: int = 20) -> list[SearchResult]:
        _offset, limit = page_bounds(first, None)
        hits = search_records(actor=info.context.user, text=text, modules=modules, limit=limit)
        found = records_for_refs(actor=info.context.user, refs=[hit.ref for hit in hits])
        return [SearchResult(score=hit.score, record=found[hit.ref.pk]) for hit in hits if hit.ref.pk in found]

    @strawberry.field(permission_classes=[IsMember], description="Activities assigned to me or my teams.")
    def my_activities(self, info: Info, status: ActivityStatus | None = None, first: int | None = None,
                      after: str | None = None) -> Connection[ActivityType]:
        offset, limit = page_bounds(first, after)
        items = selectors.activity_list_for_user(actor=info.context.user, status=status.value if status else None)
        page = list(items.select_related("assigned_user", "assigned_team")[offset:offset + limit])
        return connection_from(page, offset=offset, total_count=items.count())

    @strawberry.field(permission_classes=[needs(None, Action.VIEW, module_argument="module")])
    def layout(self, info: Info, module: str) -> Layout | None:
        if registry.get(module) is None:
            return None
        layout = layout_selectors.layout_for_actor(actor=info.context.user, module=module)
        return Layout(module=module_of(registry.get(module)), header_fields=layout.header_fields,
                      key_fields=layout.key_fields, quick_create_fields=layout.quick_create_fields,
                      blocks=layout.blocks, tabs=layout.tabs)

    @strawberry.field(permission_classes=[IsMember])
    def numbering_formats(self) -> list[NumberingFormat]:
        return [_numbering(numbering.numbering_get(module=t.key)) for t in registry.all_types()]

    @strawberry.field(permission_classes=[needs(None, Action.VIEW, module_argument="module")])
    def custom_field_definitions(self, info: Info, module: str) -> list[CustomFieldDefinitionType]:
        return list(custom_field_definitions(info, module).values())

    @strawberry.field(permission_classes=[IsMember])
    def tags(self, info: Info) -> list[TagType]:
        return list(selectors.tag_list(actor=info.context.user))


@strawberry.input
class ActivityInput:
    subject: str
    record_ids: list[relay.GlobalID]
    kind: ActivityKind = ActivityKind.TASK
    description: str = ""
    status: ActivityStatus = ActivityStatus.PLANNED
    priority: ActivityPriority = ActivityPriority.NORMAL
    due_at: datetime | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    assigned_user_id: relay.GlobalID | None = None
    assigned_team_id: relay.GlobalID | None = None


@strawberry.input
class DocumentUploadInput:
    file: Upload
    record_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    title: str = ""
    folder: str | None = None
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class LayoutInput:
    header_fields: list[str] | None = UNSET
    key_fields: list[str] | None = UNSET
    quick_create_fields: list[str] | None = UNSET
    blocks: JSON | None = UNSET
    tabs_order: list[str] | None = UNSET
    hidden_tabs: list[str] | None = UNSET


@strawberry.type
class RecordsMutation:
    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.DELETE, record_argument="id")])
    @mutation
    def record_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> RecordResult:
        return RecordResult(record=records.record_delete(actor=info.context.user, version=version,
                                                         record=record_of(info, id, field="id")))

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.DELETE, record_argument="id")])
    @mutation
    def record_restore(self, info: Info, id: relay.GlobalID) -> RecordResult:
        return RecordResult(record=records.record_restore(
            actor=info.context.user, record=record_of(info, id, field="id", include_deleted=True)))

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.EDIT, record_argument="record_id")])
    @mutation
    def comment_add(self, info: Info, record_id: relay.GlobalID, body: str,
                    visibility: CommentVisibility = CommentVisibility.INTERNAL,
                    parent_id: relay.GlobalID | None = None) -> CommentType:
        parent = None
        if parent_id is not None:
            parent = selectors.comment_get_for_actor(actor=info.context.user,
                                                     comment_id=global_pk(parent_id, "Comment"))
            if parent is None:
                raise ValidationError({"parentId": ValidationError(_("No such comment."), code=error_codes.NOT_FOUND)})
        return comments.comment_add(actor=info.context.user, record=record_of(info, record_id), body=body,
                                    visibility=visibility.value, parent=parent)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def comment_edit(self, info: Info, id: relay.GlobalID, body: str) -> CommentType:
        comment = selectors.comment_get_for_actor(actor=info.context.user, comment_id=global_pk(id, "Comment"))
        if comment is None:
            raise ValidationError({"id": ValidationError(_("No such comment."), code=error_codes.NOT_FOUND)})
        return comments.comment_edit(actor=info.context.user, comment=comment, body=body)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember],
                                description="Remember the roll-up switch of comments for a module.")
    @mutation
    def comments_roll_up_default_set(self, info: Info, module: str, roll_up: bool) -> RollUpDefault:
        comments.roll_up_preference_set(actor=info.context.user, module=_module(module), roll_up=roll_up)
        return RollUpDefault(module=module, roll_up=roll_up)

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.EDIT, record_argument="record_id")])
    @mutation
    def tag_add(self, info: Info, record_id: relay.GlobalID, name: str) -> TagType:
        return tags.tag_add(actor=info.context.user, record=record_of(info, record_id), name=name)

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.EDIT, record_argument="record_id")])
    @mutation
    def tag_remove(self, info: Info, record_id: relay.GlobalID, name: str) -> RecordResult:
        record = record_of(info, record_id)
        tags.tag_remove(actor=info.context.user, record=record, name=name)
        return RecordResult(record=record)

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.EDIT, record_argument="input.record_ids")])
    @mutation
    def activity_create(self, info: Info, input: ActivityInput) -> ActivityType:
        linked = [record_of(info, gid, field="recordIds") for gid in input.record_ids]
        return activities.activity_create(
            actor=info.context.user, subject=input.subject, records=linked, kind=input.kind.value,
            description=input.description, status=input.status.value, priority=input.priority.value,
            due_at=input.due_at, start_at=input.start_at, end_at=input.end_at,
            assigned_user=_user(info, input.assigned_user_id), assigned_team=_team(info, input.assigned_team_id))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def activity_set_status(self, info: Info, id: relay.GlobalID, status: ActivityStatus) -> ActivityType:
        activity = selectors.activity_get_for_actor(actor=info.context.user, activity_id=global_pk(id, "Activity"))
        if activity is None:
            raise ValidationError({"id": ValidationError(_("No such activity."), code=error_codes.NOT_FOUND)})
        return activities.activity_update(actor=info.context.user, activity=activity, status=status.value)

    @strawberry_django.mutation(handle_django_errors=True,
                                permission_classes=[needs(None, Action.EDIT, record_argument="input.record_ids")],
                                description="Upload a file (GraphQL multipart request) and link it to records.")
    @mutation
    def document_upload(self, info: Info, input: DocumentUploadInput) -> DocumentType:
        linked = [record_of(info, gid, field="recordIds") for gid in input.record_ids]
        return documents.document_upload(actor=info.context.user, upload=input.file, records=linked,
                                         title=input.title, folder_name=input.folder, tags=input.tags, field="file")

    @strawberry_django.mutation(handle_django_errors=True,
                                permission_classes=[needs(None, Action.EDIT, record_argument="record_ids")],
                                description="Upload several files at once, each linked to the same records.")
    @mutation
    def documents_upload(self, info: Info, files: list[Upload],
                         record_ids: list[relay.GlobalID] | None = None) -> DocumentsUploaded:
        linked = [record_of(info, gid, field="recordIds") for gid in record_ids or []]
        return DocumentsUploaded(documents=[
            documents.document_upload(actor=info.context.user, upload=upload, records=linked, field=f"files.{index}")
            for index, upload in enumerate(files)])

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def layout_update(self, info: Info, module: str, input: LayoutInput) -> Layout:
        changes = {k: v for k, v in vars(input).items() if v is not UNSET}
        layouts.layout_update(actor=info.context.user, module=module, changes=changes)
        return _layout(module)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def numbering_format_update(self, info: Info, module: str, pattern: str,
                                yearly_reset: bool = True) -> NumberingFormat:
        return _numbering(numbering.numbering_update(actor=info.context.user, module=_module(module),
                                                     pattern=pattern, yearly_reset=yearly_reset))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def custom_field_define(self, info: Info, module: str, key: str, label: str, field_type: str,
                            choices: list[str] | None = None, required: bool = False) -> CustomFieldDefinitionType:
        return custom_fields.custom_field_define(actor=info.context.user, module=module, key=key, label=label,
                                                 field_type=field_type, choices=choices, required=required)
