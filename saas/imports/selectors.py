"""Reads of imports: visible to whoever may import into their module."""

from saas.access import rights
from saas.access.enums import Action
from saas.imports.models import Import, ImportMapping


def import_get_for_actor(*, actor, import_id) -> Import | None:
    """An import of a module the actor may import into; a missing and a forbidden one both answer None."""
    if import_id is None:
        return None
    job = Import.objects.defer("content").filter(pk=import_id).first()
    if job is None or not rights.can(actor, job.module, Action.IMPORT):
        return None
    return job


def mapping_list(*, actor, module: str) -> list[ImportMapping]:
    if not rights.can(actor, module, Action.IMPORT):
        return []
    return list(ImportMapping.objects.filter(module=module))
