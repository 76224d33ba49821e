"""Tags: free labels on any record."""

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from saas.records import error_codes
from saas.records.models import Record, Tag, TagLink


def tag_get_or_create(*, name: str, color: str | None = None) -> Tag:
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise ValidationError({"name": ValidationError(_("A tag has 1 to 60 characters."), code=error_codes.TAG_NAME)})
    tag = Tag.objects.annotate(upper=Upper("name")).filter(upper=name.upper()).first()
    if tag is None:
        tag = Tag.objects.create(name=name, **({"color": color} if color else {}))
    return tag


def tag_add(*, actor, record: Record, name: str) -> Tag:
    """Put a tag (created on first use, case-insensitive) on a record; adding it twice is harmless."""
    tag = tag_get_or_create(name=name)
    TagLink.objects.get_or_create(tag=tag, ref_id=record.ref_id)
    return tag


def tag_remove(*, actor, record: Record, name: str) -> None:
    TagLink.objects.filter(ref_id=record.ref_id, tag__name__iexact=name.strip()).delete()
