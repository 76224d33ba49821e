"""Reads of imports: visible to whoever may import into their module."""

from saas.access import rights
from saas.access.enums import Action
from saas.imports.models import Import, ImportMapping
from saas.imports.parsing import reader


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


def import_header(job: Import) -> list[str]:
    """The column names of the import's file, in their order, as the import reads them (a dry run keeps no file:
    its answer carries the header it read)."""
    if not job.content:
        return list(getattr(job, "header", []))
    return [name.strip() for name in next((row for row in reader(job.content, job.delimiter) if row), [])]
