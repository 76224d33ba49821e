"""The import job, run by the procrastinate worker in the tenant's schema."""

from saas.core.tasks import tenant_task
from saas.imports.services import import_execute


@tenant_task(atomic=False, retry=0)
def import_run(*, import_id: int) -> None:
    """Not retried: a failed import reports its rows; the user fixes the file and starts a new one. It manages
    its own transactions (see `import_execute`)."""
    import_execute(import_id=import_id)
