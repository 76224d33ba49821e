"""Activities: tasks, events and calls, linked to records, assigned to a user or a team."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.records import error_codes
from saas.records.enums import ActivityKind
from saas.records.models import Activity, ActivityLink, Record
from saas.records.services.records import write_check


def activity_create(*, actor, subject: str, records: list[Record], kind: str = ActivityKind.TASK, **fields) -> Activity:
    """Plan an activity on one or more records the actor may change; assigned to the actor unless a user or team
    is given."""
    for record in records:
        write_check(actor, record, Action.EDIT)
    if fields.get("assigned_user") is None and fields.get("assigned_team") is None:
        fields["assigned_user"] = actor
    if fields.get("assigned_user") is not None and fields.get("assigned_team") is not None:
        raise ValidationError({"assignedTo": ValidationError(_("Assign to a user or a team, not both."),
                                                             code=error_codes.INVALID)})
    start, end = fields.get("start_at"), fields.get("end_at")
    if start and end and end < start:
        raise ValidationError({"endAt": ValidationError(_("The end is before the start."), code=error_codes.INVALID)})
    activity = Activity(subject=(subject or "").strip(), kind=kind, created_by=actor, **fields)
    activity.full_clean()
    activity.save()
    ActivityLink.objects.bulk_create([ActivityLink(activity=activity, ref_id=r.ref_id) for r in records],
                                     ignore_conflicts=True)
    return activity


def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save(update_fields=list(fields))
    return activity


def activity_links_copy(*, actor, source: Record, targets: list[Record]) -> int:
    """Link the activities of `source` to `targets` too (a converted lead's activities follow it)."""
    activity_ids = list(ActivityLink.objects.filter(ref_id=source.ref_id).values_list("activity_id", flat=True))
    links = [ActivityLink(activity_id=a, ref_id=t.ref_id) for a in activity_ids for t in targets]
    ActivityLink.objects.bulk_create(links, ignore_conflicts=True)
    return len(activity_ids)
