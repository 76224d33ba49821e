"""Workflows in the graph: listed, saved, deleted and run by the tenant's admins."""

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from saas.core.graph import IsTenantAdmin, TenantNode, global_pk, graphql_enum, verb
from saas.records.api.schema import record_of
from saas.records.api.settings import Removed
from saas.workflows import enums, error_codes, models, selectors, services

WorkflowTrigger = graphql_enum("WorkflowTrigger", enums.Trigger)
WorkflowMatch = graphql_enum("WorkflowMatch", enums.Match)
WorkflowRunResult = graphql_enum("WorkflowRunResult", enums.RunResult)
WebhookDeliveryStatus = graphql_enum("WebhookDeliveryStatus", enums.DeliveryStatus)


@strawberry_django.type(models.WebhookDelivery, name="WebhookDelivery")
class WebhookDeliveryType(TenantNode):
    node_needs = IsTenantAdmin

    url: str
    attempts: int
    response_status: int | None
    last_error: str
    error_code: str = strawberry.field(description="`address_not_allowed` when the call was refused before any "
                                                   "request; empty otherwise.")
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def status(self, root) -> WebhookDeliveryStatus:
        return WebhookDeliveryStatus(root.status)


@strawberry_django.type(models.WorkflowRun, name="WorkflowRun")
class WorkflowRunType(TenantNode):
    node_needs = IsTenantAdmin

    depth: int
    actions_done: JSON
    error: str
    error_code: str = strawberry.field(description="The code of the refusal that failed the run, such as "
                                                   "`address_not_allowed`; empty for an uncoded failure.")
    created_at: datetime
    deliveries: list[WebhookDeliveryType]

    @strawberry.field
    def trigger(self, root) -> WorkflowTrigger:
        return WorkflowTrigger(root.trigger)

    @strawberry.field
    def result(self, root) -> WorkflowRunResult:
        return WorkflowRunResult(root.result)

    @strawberry.field(description="The record the workflow ran on, by name (empty if it is gone).")
    def record_name(self, root) -> str:
        return root.ref.display_name if root.ref_id else ""


@strawberry_django.type(models.Workflow, name="Workflow")
class WorkflowType(TenantNode):
    node_needs = IsTenantAdmin

    module: str
    name: str
    active: bool
    conditions: JSON
    actions: JSON
    schedule: str
    next_run_at: datetime | None
    secret: str = strawberry.field(description="Signs webhook bodies: X-Signature-256 = sha256=HMAC(secret, body).")
    updated_at: datetime

    @strawberry.field
    def trigger(self, root) -> WorkflowTrigger:
        return WorkflowTrigger(root.trigger)

    @strawberry.field
    def match(self, root) -> WorkflowMatch:
        return WorkflowMatch(root.match)

    @strawberry.field(description="The latest runs, newest first.")
    def runs(self, root) -> list[WorkflowRunType]:
        return list(root.runs.all()[:selectors.RECENT_RUNS])


@strawberry.input(description="A workflow; without `id`, a new one. Conditions: [{field, operator, value}] where "
                              "field may follow links (`account.industry`). Actions: [{kind: update_fields, fields, "
                              "target?} | {kind: create_activity, subject, dueInDays?} | {kind: create_record, "
                              "module, fields, linkField?} | {kind: webhook, url} | {kind: send_email, templateId, "
                              "to | toField (an email field, maybe of a linked record: `contact.email`)}].")
class WorkflowInput:
    module: str
    name: str
    trigger: WorkflowTrigger
    actions: JSON
    conditions: JSON | None = None
    match: WorkflowMatch = WorkflowMatch.ALL
    schedule: str = ""
    active: bool = True
    id: relay.GlobalID | None = None


def _workflow(id: relay.GlobalID | None) -> models.Workflow:
    workflow = selectors.workflow_get(workflow_id=global_pk(id, "Workflow"))
    if workflow is None:
        raise ValidationError({"id": ValidationError(_("No such workflow."), code=error_codes.NOT_FOUND)})
    return workflow


def _snake(value):
    """Action keys as the services store them (`dueInDays` → `due_in_days`); field names are left alone."""
    if not isinstance(value, list):
        return value
    keys = {"dueInDays": "due_in_days", "linkField": "link_field", "activityKind": "activity_kind",
            "templateId": "template_id", "toField": "to_field"}
    return [{keys.get(k, k): _template_id(v) if k == "templateId" else v for k, v in item.items()}
            if isinstance(item, dict) else item for item in value]


def _template_id(value):
    """An email template's global id (as the graph gives it) as the key the action stores."""
    if not isinstance(value, str) or value.isdigit():
        return value
    try:
        return global_pk(relay.GlobalID.from_id(value), "EmailTemplate")
    except ValueError:
        return None


@strawberry.type
class WorkflowsQuery:
    @strawberry.field(permission_classes=[IsTenantAdmin], description="A module's workflows, with their latest runs.")
    def workflows(self, info: Info, module: str) -> list[WorkflowType]:
        return list(selectors.workflow_list(module=module))


@strawberry.type
class WorkflowsMutation:
    @verb(IsTenantAdmin,
          "Create or change a workflow; unknown fields in conditions or actions are refused (field_unknown).")
    def workflow_save(self, info: Info, input: WorkflowInput) -> WorkflowType:
        return services.workflow_save(
            actor=info.context.user, workflow=_workflow(input.id) if input.id else None, module=input.module,
            name=input.name, trigger=input.trigger.value, match=input.match.value, conditions=input.conditions,
            actions=_snake(input.actions), schedule=input.schedule, active=input.active)

    @verb(IsTenantAdmin, "Delete a workflow and its run log.")
    def workflow_delete(self, info: Info, id: relay.GlobalID) -> Removed:
        services.workflow_delete(actor=info.context.user, workflow=_workflow(id))
        return Removed(ok=True)

    @verb(IsTenantAdmin,
          "Run a workflow now on one record; refused (conditions_unmet) when its conditions do not hold.")
    def workflow_run(self, info: Info, id: relay.GlobalID, record_id: relay.GlobalID) -> WorkflowRunType:
        run = services.workflow_run_manual(actor=info.context.user, workflow=_workflow(id),
                                           record=record_of(info, record_id))
        if run is None:  # the service logs no run when the conditions do not hold
            raise ValidationError({"recordId": ValidationError(
                _("The workflow's conditions do not hold for this record: nothing was done."),
                code=error_codes.CONDITIONS_UNMET)})
        return run
