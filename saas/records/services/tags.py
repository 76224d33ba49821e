"""Tags: free labels on any record; administrators rename, recolour and delete them for everyone."""

import re

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.audit.services import settings_change_record
from saas.records import error_codes
from saas.records.models import Record, Tag, TagLink
from saas.records.services.records import write_check

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _tag_name_clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise ValidationError({"name": ValidationError(_("A tag has 1 to 60 characters."), code=error_codes.TAG_NAME)})
    return name


def _tag_color_clean(color: str) -> str:
    if not COLOR.match(color or ""):
        raise ValidationError({"color": ValidationError(_("A colour is written #rrggbb."), code=error_codes.TAG_COLOR)})
    return color.lower()


def tag_get_or_create(*, name: str, color: str | None = None) -> Tag:
    name = _tag_name_clean(name)
    tag = Tag.objects.annotate(upper=Upper("name")).filter(upper=name.upper()).first()
    if tag is None:
        tag = Tag.objects.create(name=name, **({"color": color} if color else {}))
    return tag


def tag_add(*, actor, record: Record, name: str) -> Tag:
    """Put a tag (created on first use, case-insensitive) on a record the actor may change; adding it twice is
    harmless."""
    write_check(actor, record, Action.EDIT)
    tag = tag_get_or_create(name=name)
    TagLink.objects.get_or_create(tag=tag, ref_id=record.ref_id)
    return tag


def tag_remove(*, actor, record: Record, name: str) -> None:
    """Take a tag off a record the actor may change."""
    write_check(actor, record, Action.EDIT)
    TagLink.objects.filter(ref_id=record.ref_id, tag__name__iexact=name.strip()).delete()


def tag_create(*, actor, name: str, color: str | None = None) -> Tag:
    """A new tag, before any record carries it; its name is unique whatever the case."""
    name = _tag_name_clean(name)
    if Tag.objects.annotate(upper=Upper("name")).filter(upper=name.upper()).exists():
        raise ValidationError({"name": ValidationError(_("This tag already exists."), code=error_codes.TAG_EXISTS)})
    tag = Tag(name=name, **({"color": _tag_color_clean(color)} if color else {}))
    tag.full_clean()
    tag.save()
    settings_change_record(actor=actor, target=tag, details={"name": tag.name, "color": tag.color},
                           summary=_("Tag “%(name)s” created") % {"name": tag.name})
    return tag


def tag_update(*, actor, tag: Tag, name: str | None = None, color: str | None = None) -> Tag:
    """Rename or recolour a tag on every record that carries it; the new name must not be another tag's."""
    changes = {}
    if name is not None:
        changes["name"] = _tag_name_clean(name)
        if Tag.objects.annotate(upper=Upper("name")).filter(upper=changes["name"].upper()).exclude(pk=tag.pk).exists():
            raise ValidationError({"name": ValidationError(_("This tag already exists."),
                                                           code=error_codes.TAG_EXISTS)})
    if color is not None:
        changes["color"] = _tag_color_clean(color)
    changes = {field: value for field, value in changes.items() if getattr(tag, field) != value}
    before = {field: getattr(tag, field) for field in changes}
    for field, value in changes.items():
        setattr(tag, field, value)
    if changes:
        tag.full_clean()
        tag.save(update_fields=list(changes))
        if "name" in changes:
            summary = _("Tag “%(old)s” renamed “%(name)s”") % {"old": before["name"], "name": tag.name}
        else:
            summary = _("Tag “%(name)s” changed") % {"name": tag.name}
        settings_change_record(actor=actor, target=tag, summary=summary,
                               details={field: [before[field], value] for field, value in changes.items()})
    return tag


def tag_delete(*, actor, tag: Tag) -> None:
    """Delete a tag: it leaves every record (each unlinking is in that record's history)."""
    name, pk = tag.name, tag.pk
    tag.delete()
    settings_change_record(actor=actor, object_type="tag", object_id=pk, object_label=name, details={"name": name},
                           summary=_("Tag “%(name)s” deleted") % {"name": name})
