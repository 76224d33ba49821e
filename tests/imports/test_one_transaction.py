"""An "all or nothing" import writes every row in one transaction: the triggers that write each row's history
must not cost more with every row before it (100,000 rows took 156 s, 135 s of it in PostgreSQL).

Each time a trigger function caught an exception, PostgreSQL rolled a subtransaction back and scanned every
deferred foreign-key check queued by the rows before (see saas.core.triggers): the subtransactions are
counted here (`subtransactions`), rather than the time taken."""

import pytest
from django.db import connection

from saas.crm.models import Contact
from saas.imports import services
from saas.imports.enums import ImportMode
from saas.imports.services import import_execute
from tests.core.test_triggers import subtransactions
from tests.imports.test_bulk_import import prepared
from tests.imports.test_imports import admin, dupont  # noqa: F401


@pytest.mark.parametrize("mode", [ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ROWS_ONLY])
def test_the_history_triggers_catch_no_error_per_row(admin, dupont, monkeypatch, mode):  # noqa: F811
    monkeypatch.setattr(services, "BATCH", 20)
    job = prepared(admin, 60, mode=mode)
    # when
    with subtransactions() as seen:
        import_execute(import_id=job.pk)
    # then: the 60 contacts and their history are written without a subtransaction rolled back (it was at least
    # one per row and trigger), and the subtransactions started are the job's own savepoints, not one per row
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 60)
    assert Contact.pgh_event_model.objects.filter(pgh_obj_id__in=Contact.objects.filter(
        account=dupont).values("pk"), pgh_label="insert", pgh_context__metadata__source="import").count() == 60
    assert seen["AbortSubTransaction"] == 0
    assert seen["StartSubTransaction"] < 20
    connection.set_schema_to_public()
