"""Tenant settings of the record engine that its administrators change: tags for everyone, custom fields."""

import strawberry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from saas.core.graph import IsTenantAdmin, global_pk, verb
from saas.records import error_codes
from saas.records.api.schema import CustomFieldDefinitionType
from saas.records.api.types import TagType
from saas.records.selectors import settings as selectors
from saas.records.services import custom_fields, tags


@strawberry.type
class Removed:
    ok: bool


def _tag(info: Info, id: relay.GlobalID):
    tag = selectors.tag_get_for_actor(actor=info.context.user, tag_id=global_pk(id, "Tag"))
    if tag is None:
        raise ValidationError({"id": ValidationError(_("No such tag."), code=error_codes.NOT_FOUND)})
    return tag


def _custom_field(info: Info, module: str, key: str):
    definition = selectors.custom_field_definition_get(actor=info.context.user, module=module, key=key)
    if definition is None:
        raise ValidationError({"key": ValidationError(_("No such custom field."), code=error_codes.NOT_FOUND)})
    return definition


@strawberry.type
class RecordSettingsMutation:
    @verb(IsTenantAdmin, "Create a tag before any record carries it (#rrggbb colour).")
    def tag_create(self, info: Info, name: str, color: str | None = None) -> TagType:
        return tags.tag_create(actor=info.context.user, name=name, color=color)

    @verb(IsTenantAdmin, "Rename or recolour a tag on every record that carries it.")
    def tag_update(self, info: Info, id: relay.GlobalID, name: str | None = None,
                   color: str | None = None) -> TagType:
        return tags.tag_update(actor=info.context.user, tag=_tag(info, id), name=name, color=color)

    @verb(IsTenantAdmin, "Delete a tag: it leaves every record.")
    def tag_delete(self, info: Info, id: relay.GlobalID) -> Removed:
        tags.tag_delete(actor=info.context.user, tag=_tag(info, id))
        return Removed(ok=True)

    @verb(IsTenantAdmin, "Change a custom field's label, choices or requiredness (its key and type stay).")
    def custom_field_update(self, info: Info, module: str, key: str, label: str | None = None,
                            choices: list[str] | None = None, required: bool | None = None
                            ) -> CustomFieldDefinitionType:
        return custom_fields.custom_field_update(actor=info.context.user, definition=_custom_field(info, module, key),
                                                 label=label, choices=choices, required=required)

    @verb(IsTenantAdmin, "Remove a custom field from its module (stored values are kept).")
    def custom_field_remove(self, info: Info, module: str, key: str) -> Removed:
        custom_fields.custom_field_remove(actor=info.context.user, definition=_custom_field(info, module, key))
        return Removed(ok=True)
