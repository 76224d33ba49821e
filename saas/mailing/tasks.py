"""Jobs of mailing: send an email about a record (retried by the service, see `sent_email_deliver_attempt`)."""

import pghistory

from saas.core.tasks import tenant_task
from saas.mailing.models import SentEmail
from saas.mailing.services import sent_email_deliver_attempt


@tenant_task()
def sent_email_deliver(*, sent_email_id: int) -> None:
    """One attempt at a pending email, its outcome recorded in the record's history as the sender's."""
    email = SentEmail.objects.filter(pk=sent_email_id).values("created_by_id", "source").first()
    if email is None:
        return
    with pghistory.context(user=email["created_by_id"], source=email["source"]):
        sent_email_deliver_attempt(sent_email_id=sent_email_id)
