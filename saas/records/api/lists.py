"""What list views need from the record engine: saved filters, the owners to filter and assign by, and the
actions on a selection of records (tag, assign, delete), generic over every record type."""

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from saas.access.enums import Action
from saas.access.selectors import team_get_for_actor, team_list
from saas.core.graph import IsMember, TenantNode, global_pk, local_pk, needs, verb
from saas.records import error_codes, models
from saas.records.api.types import Owner, Record
from saas.records.selectors.lookup import record_type_for_graphql, records_for_keys
from saas.records.selectors.saved_filters import saved_filter_get_for_actor, saved_filter_list
from saas.records.services import bulk, exports, saved_filters
from tenants.selectors import member_get, member_list


@strawberry_django.type(models.SavedFilter, name="SavedFilter")
class SavedFilterType(TenantNode):
    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # Each person's own: `node(id)` answers another's as missing.
        return queryset.filter(pk__in=saved_filter_list(actor=info.context.user).values("pk"))

    module: str
    name: str
    filters: JSON
    columns: list[str]
    sort: str


@strawberry.type
class SavedFilterDeleted:
    id: relay.GlobalID


@strawberry.type
class ListExported:
    module: str


@strawberry.type
class RecordsChanged:
    """The records a bulk action changed, in the order of the ids given."""

    count: int
    records: list[Record]


def records_of(info: Info, ids: list[relay.GlobalID]) -> list:
    """The records named by global ids, each through its type's list selector (one query per type); one the
    actor may not see, or a missing one, refuses the whole batch as `not_found` under `ids`."""
    if len(ids) > bulk.MAX_BULK:
        raise ValidationError({"ids": ValidationError(_("At most %(max)d records at once.") % {"max": bulk.MAX_BULK},
                                                      code=error_codes.TOO_MANY)})
    keys = []
    for global_id in ids:
        record_type = record_type_for_graphql(global_id.type_name)
        pk = local_pk(global_id.node_id)
        if record_type is None or pk is None:
            raise ValidationError({"ids": ValidationError(_("No such record."), code=error_codes.NOT_FOUND)})
        keys.append((record_type.key, int(pk)))
    found = records_for_keys(actor=info.context.user, keys=keys, include_deleted=False)
    if any(key not in found for key in keys):
        raise ValidationError({"ids": ValidationError(_("No such record."), code=error_codes.NOT_FOUND)})
    return list({key: found[key] for key in keys}.values())


@strawberry.type
class ListsQuery:
    @strawberry.field(permission_classes=[needs(None, Action.VIEW, module_argument="module")],
                      description="My saved filters of a module's list, by name.")
    def saved_filters(self, info: Info, module: str) -> list[SavedFilterType]:
        return list(saved_filter_list(actor=info.context.user, module=module))

    @strawberry.field(permission_classes=[IsMember],
                      description="Who records can be given to: the company's staff, then its teams.")
    def owners(self, info: Info) -> list[Owner]:
        return [*member_list(tenant=info.context.tenant), *team_list(actor=info.context.user)]


@strawberry.type
class ListsMutation:
    @verb(needs(None, Action.VIEW, module_argument="module"),
          "Save my view of a module's list under a name (the same name replaces it).")
    def saved_filter_save(self, info: Info, module: str, name: str, filters: JSON | None = None,
                          columns: list[str] | None = None, sort: str = "") -> SavedFilterType:
        return saved_filters.saved_filter_save(actor=info.context.user, module=module, name=name, filters=filters,
                                               columns=columns, sort=sort)

    @verb(IsMember)
    def saved_filter_delete(self, info: Info, id: relay.GlobalID) -> SavedFilterDeleted:
        saved = saved_filter_get_for_actor(actor=info.context.user, saved_filter_id=global_pk(id, "SavedFilter"))
        if saved is None:
            raise ValidationError({"id": ValidationError(_("No such saved filter."), code=error_codes.NOT_FOUND)})
        saved_filters.saved_filter_delete(actor=info.context.user, saved_filter=saved)
        return SavedFilterDeleted(id=id)

    @verb(needs(None, Action.EXPORT, module_argument="module"),
          "Declare the export of a module's list (its filters and columns) before reading its pages into a file: "
          "refused without the export right, logged in the event log.")
    def list_export(self, info: Info, module: str, columns: list[str], filters: JSON | None = None,
                    row_count: int | None = None, format: str = "csv") -> ListExported:
        exports.list_export_record(actor=info.context.user, module=module, columns=columns, filters=filters,
                                   row_count=row_count, file_format=format)
        return ListExported(module=module)

    @verb(needs(None, Action.EDIT, record_argument="ids"), "Put a tag on records of any types (at most 100).")
    def records_tag(self, info: Info, ids: list[relay.GlobalID], tag: str) -> RecordsChanged:
        changed = bulk.records_tag(actor=info.context.user, records=records_of(info, ids), name=tag)
        return RecordsChanged(count=len(changed), records=changed)

    @verb(needs(None, Action.EDIT, record_argument="ids"),
          "Give records of any types (at most 100) to a user or a team of this company.")
    def records_assign(self, info: Info, ids: list[relay.GlobalID], owner: relay.GlobalID) -> RecordsChanged:
        user = member_get(tenant=info.context.tenant, user_id=global_pk(owner, "User"))
        team = None if user else team_get_for_actor(actor=info.context.user, team_id=global_pk(owner, "Team"))
        if user is None and team is None:
            raise ValidationError({"owner": ValidationError(_("No such user or team."), code=error_codes.NOT_FOUND)})
        changed = bulk.records_assign(actor=info.context.user, records=records_of(info, ids), owner_user=user,
                                      owner_team=team)
        return RecordsChanged(count=len(changed), records=changed)

    @verb(needs(None, Action.DELETE, record_argument="ids"),
          "Delete records of any types (at most 100); one that may not be deleted refuses them all.")
    def records_delete(self, info: Info, ids: list[relay.GlobalID]) -> RecordsChanged:
        changed = bulk.records_delete(actor=info.context.user, records=records_of(info, ids))
        return RecordsChanged(count=len(changed), records=changed)
