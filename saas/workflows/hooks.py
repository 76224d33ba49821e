"""Where workflows listen: the record engine's `record_saved` and new comments.

A save only queues an evaluation job for after the commit (nothing runs for a rolled-back save, and a
crash of the process after the commit leaves the job in the queue); the job carries the changes and the
depth of the run that made the save, if any.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_save

from saas.core.tasks import defer_on_commit
from saas.records import registry
from saas.records.signals import record_saved, records_created
from saas.workflows.enums import Trigger
from saas.workflows.models import Workflow
from saas.workflows.services import current_depth

if TYPE_CHECKING:
    from saas.records.models import Comment

ON_CREATE = (Trigger.ON_CREATE, Trigger.ON_SAVE, Trigger.ON_CONDITION)
ON_UPDATE = (Trigger.ON_SAVE, Trigger.ON_CONDITION)


def connect() -> None:
    record_saved.connect(_record_saved, dispatch_uid="workflows.record_saved")
    records_created.connect(_records_created, dispatch_uid="workflows.records_created")
    post_save.connect(_comment_saved, sender="records.Comment", dispatch_uid="workflows.comment_saved")


def _changes_as_json(model, changes: dict) -> dict:
    """`{field: [old, new]}` as JSON values, links as ids: what a job's arguments can carry."""
    plain = {}
    for name, (old, new) in changes.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            old, new = getattr(old, "pk", old), getattr(new, "pk", new)
        plain[name] = [old, new]
    return json.loads(json.dumps(plain, cls=DjangoJSONEncoder))


def _queue(module: str, record, triggers, **job) -> None:
    if not Workflow.objects.filter(module=module, active=True, trigger__in=triggers).exists():
        return
    from saas.workflows.tasks import record_evaluate

    defer_on_commit(record_evaluate, module=module, record_id=record.pk, depth=current_depth(), **job)


def _record_saved(sender, record, created, changes, **kwargs) -> None:
    _queue(registry.for_model(sender).key, record, ON_CREATE if created else ON_UPDATE,
           created=created, changes=_changes_as_json(sender, changes))


def _records_created(sender, records, **kwargs) -> None:
    """A batch of new records (an import's): one look for workflows and one job for the whole batch, which
    runs them on every record as one created by hand would."""
    module = registry.for_model(sender).key
    if not records or not Workflow.objects.filter(module=module, active=True, trigger__in=ON_CREATE).exists():
        return
    from saas.workflows.tasks import records_evaluate

    defer_on_commit(records_evaluate, module=module, record_ids=[record.pk for record in records],
                    depth=current_depth())


def _comment_saved(sender, instance: Comment, created: bool, **kwargs) -> None:
    if not created:
        return
    record_type = registry.get(instance.ref.type_key)
    if record_type is not None:
        _queue(record_type.key, record_type.model(pk=instance.ref.object_id), (Trigger.ON_COMMENT,),
               created=False, changes={}, comment=True)
