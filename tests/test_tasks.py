from django.db import connection
from procrastinate import testing
from procrastinate.contrib.django import app

from saas.core.tasks import defer_on_commit, tenant_task

seen: list[tuple[str, int]] = []


@tenant_task()
def remember_schema(*, record_id: int) -> None:
    seen.append((connection.schema_name, record_id))


def test_tenant_task_runs_in_the_schema_it_was_deferred_from(acme, django_capture_on_commit_callbacks):
    seen.clear()
    with app.replace_connector(testing.InMemoryConnector()):
        # given: deferred from acme's schema, inside a transaction
        connection.set_schema("acme")
        with django_capture_on_commit_callbacks(execute=True):
            defer_on_commit(remember_schema, record_id=42)
        connection.set_schema_to_public()
        # when
        app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    # then
    assert seen == [("acme", 42)]
