"""Webhook calls: a signed POST, retried with a growing wait by a job, every attempt kept on the delivery.

The body is signed with HMAC-SHA256 and the workflow's secret (header `X-Signature-256: sha256=<hex>`, as
GitHub does): the receiver recomputes it to know the call is ours and untouched.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from saas.core import outbound
from saas.core.tasks import tenant_task
from saas.workflows import error_codes
from saas.workflows.enums import DeliveryStatus
from saas.workflows.models import WebhookDelivery

MAX_ATTEMPTS = 5


def signature(secret: str, body: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def post(url: str, body: str, headers: dict, timeout: float) -> int:
    """POST the body; the HTTP status (an error status too), or OSError when the target cannot be reached,
    outbound.AddressNotAllowed when it (or a redirect) resolves to an address webhooks may not reach."""
    return outbound.http_request("POST", url, body=body.encode(), headers=headers, timeout=timeout)


def delivery_schedule(delivery: WebhookDelivery, *, seconds: float) -> None:
    """Queue an attempt `seconds` after the current transaction commits."""
    schema_name = connection.schema_name
    transaction.on_commit(lambda: webhook_deliver.configure(schedule_in={"seconds": seconds}).defer(
        schema_name=schema_name, delivery_id=delivery.pk))


@tenant_task()
def webhook_deliver(*, delivery_id: int) -> None:
    """One attempt; a failure schedules the next after base × 2^(attempt-1) seconds, until MAX_ATTEMPTS."""
    delivery = (WebhookDelivery.objects.select_for_update().select_related("run__workflow")
                .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first())
    if delivery is None:  # delivered or given up already: a job run twice calls once
        return
    body = delivery.body
    headers = {"Content-Type": "application/json", "User-Agent": "saas-workflows",
               "X-Signature-256": signature(delivery.run.workflow.secret, body),
               "X-Delivery": str(delivery.pk)}
    delivery.attempts += 1
    error, delivery.error_code = "", ""
    try:
        delivery.response_status = post(delivery.url, body, headers, timeout=settings.WORKFLOW_WEBHOOK_TIMEOUT)
        if not 200 <= delivery.response_status < 300:
            error = f"HTTP {delivery.response_status}"
    except outbound.AddressNotAllowed:  # nothing went to that address; a retry would ask the same of the guard
        error, delivery.error_code = str(outbound.NOT_ALLOWED_MESSAGE), error_codes.ADDRESS_NOT_ALLOWED
    except OSError as exc:  # refused, unreachable, timed out
        error = str(exc) or type(exc).__name__
    delivery.last_error = error
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
    elif delivery.attempts >= MAX_ATTEMPTS or delivery.error_code:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery_schedule(delivery, seconds=settings.WORKFLOW_WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1))
    delivery.updated_at = timezone.now()
    delivery.save(update_fields=["attempts", "response_status", "last_error", "error_code", "status", "updated_at"])
