import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from saas.records.models import NumberingFormat
from saas.records.services import numbering
from tenants import selectors, services
from tenants.models import User


def test_pattern_tokens_and_yearly_reset(acme):
    with schema_context("acme"):
        numbering.numbering_update(actor=None, module="contacts", pattern="C{YY}{MM}-{SEQ:3}", yearly_reset=True)
        first = numbering.number_next(module="contacts")
        second = numbering.number_next(module="contacts")
    now = timezone.localtime()
    assert first == f"C{now.year % 100:02d}{now.month:02d}-001"
    assert second.endswith("-002")


@pytest.mark.parametrize("pattern", ["NOSEQ", "{SEQ}{SEQ}", "{SEQ:5}-{FOO}", "{SEQ"])
def test_bad_patterns_are_refused(acme, pattern):
    with schema_context("acme"), pytest.raises(ValidationError) as refusal:
        numbering.numbering_update(actor=None, module="accounts", pattern=pattern, yearly_reset=False)
    assert refusal.value.error_dict["pattern"][0].code == "numbering_pattern"


def test_numbering_format_is_editable_through_graphql(acme_admin_api):
    result = acme_admin_api.execute(
        'mutation { numberingFormatUpdate(module: "accounts", pattern: "CLI-{SEQ:4}", yearlyReset: false) { '
        '... on NumberingFormat { pattern gapless } } }')
    assert result["data"]["numberingFormatUpdate"] == {"pattern": "CLI-{SEQ:4}", "gapless": False}
    created = acme_admin_api.execute('mutation { accountCreate(input: {name: "N"}) { ... on Account { number } } }')
    assert created["data"]["accountCreate"]["number"] == "CLI-0001"


def test_gapless_series_under_concurrency_has_no_gap_and_no_duplicate(django_db_blocker):
    """Several connections allocate at once; some roll back. The committed numbers are 1..n exactly."""
    # Committed outside the test's transaction, so named apart from anything another test or run may leave.
    slug = f"numbers-{uuid.uuid4().hex[:8]}"
    email = f"{slug}@example.com"
    with django_db_blocker.unblock():
        admin = User.objects.create_user(email, "a-long-enough-passphrase")
        services.tenant_create(name="Numbers", slug=slug, admin=admin)
        try:
            with schema_context(slug):
                NumberingFormat.objects.create(module="accounts", pattern="{SEQ}", gapless=True, yearly_reset=False)
            committed: list[str] = []
            lock = threading.Lock()

            def allocate(worker: int) -> None:
                try:
                    for attempt in range(10):
                        try:
                            with schema_context(slug), transaction.atomic():
                                number = numbering.number_next(module="accounts")
                                if (worker + attempt) % 4 == 0:
                                    raise RuntimeError("rolled back: the number must be given back")
                            with lock:
                                committed.append(number)
                        except RuntimeError:
                            pass
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=allocate, args=(worker,)) for worker in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            values = sorted(int(number) for number in committed)
            assert len(values) == 45
            assert values == list(range(1, len(values) + 1))
        finally:
            connection.set_schema_to_public()
            services.tenant_delete(tenant=selectors.tenant_get(slug=slug), confirm=True)
            User.objects.filter(email=email).delete()


def test_plain_series_use_a_sequence_without_duplicates(acme):
    with schema_context("acme"):
        numbers = {numbering.number_next(module="contacts") for _ in range(20)}
    assert len(numbers) == 20
