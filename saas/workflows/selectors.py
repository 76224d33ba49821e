"""Reads of the workflows (admins only, checked by the API's permission)."""

from django.db.models import Prefetch, QuerySet

from saas.workflows.models import WebhookDelivery, Workflow, WorkflowRun

RECENT_RUNS = 20


def workflow_list(*, module: str) -> QuerySet[Workflow]:
    """A module's workflows, each with its latest runs and their webhook deliveries."""
    return Workflow.objects.filter(module=module).prefetch_related(
        Prefetch("runs", queryset=WorkflowRun.objects.select_related("ref").prefetch_related(
            Prefetch("deliveries", queryset=WebhookDelivery.objects.order_by("-id")))))


def workflow_get(*, workflow_id) -> Workflow | None:
    return Workflow.objects.filter(pk=workflow_id).first() if workflow_id else None
