"""Reads of a tenant's record settings by their administrators: one tag, one custom field."""

from saas.records.models import CustomFieldDefinition, Tag


def tag_get_for_actor(*, actor, tag_id) -> Tag | None:
    """A tag of this tenant, or None (every member sees every tag)."""
    return Tag.objects.filter(pk=tag_id).first() if tag_id is not None else None


def custom_field_definition_get(*, actor, module: str, key: str) -> CustomFieldDefinition | None:
    """A module's custom field by its key, or None."""
    return CustomFieldDefinition.objects.filter(module=module, key=key).first()
