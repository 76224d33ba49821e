"""Comments on any record: threaded, edited only by their author (history keeps the previous text)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.records import error_codes
from saas.records.enums import CommentVisibility
from saas.records.models import Comment, Record, UserPreference
from saas.records.services.records import write_check


def comment_add(*, actor, record: Record, body: str, visibility: str = CommentVisibility.INTERNAL,
                parent: Comment | None = None) -> Comment:
    """Post a comment on a record the actor may change, or a reply in one of its threads."""
    write_check(actor, record, Action.EDIT)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write something."), code=error_codes.REQUIRED)})
    if parent is not None and parent.ref_id != record.ref_id:
        raise ValidationError({"parent": ValidationError(_("Reply on the record of the comment."),
                                                         code=error_codes.INVALID)})
    comment = Comment(ref_id=record.ref_id, body=body, author=actor, visibility=visibility, parent=parent)
    comment.full_clean()
    comment.save()
    return comment


def comment_edit(*, actor, comment: Comment, body: str) -> Comment:
    """Only the author changes a comment's text."""
    if comment.author_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only its author can edit a comment."), code=error_codes.NOT_AUTHOR)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write something."), code=error_codes.REQUIRED)})
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def roll_up_preference_set(*, actor, module: str, roll_up: bool) -> UserPreference:
    """Remember whether this user wants comments rolled up by default in this module."""
    preference, _created = UserPreference.objects.update_or_create(
        user=actor, module=module, defaults={"comments_roll_up": roll_up})
    return preference
