"""Workflows, per module, for the company's administrators: the list with the latest runs, the form (trigger,
conditions, actions), the run log. Conditions and actions are repeated rows; the API checks them and its
refusals (`conditions.2.field`, `actions.0.url`…) are shown on the row they name."""

import base64
import binascii
import json

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from web import gql
from web.app.labels import field_label
from web.app.pages import member_page, render_page
from web.app.settings import admin_page

DEFAULT_MODULE = "accounts"
TRIGGERS = (("ON_CREATE", gettext_lazy("When a record is created")),
            ("ON_SAVE", gettext_lazy("Every time a record is saved")),
            ("ON_CONDITION", gettext_lazy("When the conditions first become true")),
            ("SCHEDULE", gettext_lazy("On a schedule")), ("MANUAL", gettext_lazy("Manually")),
            ("ON_COMMENT", gettext_lazy("When a comment is added")))
MATCHES = (("ALL", gettext_lazy("All conditions")), ("ANY", gettext_lazy("Any condition")))
OPERATORS = (("equals", gettext_lazy("equals")), ("not_equals", gettext_lazy("does not equal")),
             ("contains", gettext_lazy("contains")), ("greater", gettext_lazy("is greater than")),
             ("less", gettext_lazy("is less than")), ("is_empty", gettext_lazy("is empty")),
             ("is_not_empty", gettext_lazy("is not empty")), ("has_changed", gettext_lazy("has changed")),
             ("changed_to", gettext_lazy("changed to")), ("in_last_days", gettext_lazy("in the last N days")),
             ("older_than_days", gettext_lazy("older than N days")))
ACTION_KINDS = (("update_fields", gettext_lazy("Update fields")),
                ("create_activity", gettext_lazy("Create an activity")),
                ("create_record", gettext_lazy("Create a record")), ("webhook", gettext_lazy("Call a webhook")),
                ("send_email", gettext_lazy("Send an email from a template")))
ACTIVITY_KINDS = (("task", gettext_lazy("Task")), ("event", gettext_lazy("Event")), ("call", gettext_lazy("Call")),
                  ("email", gettext_lazy("Email")))
RESULTS = {"SUCCEEDED": (gettext_lazy("Succeeded"), "good"), "FAILED": (gettext_lazy("Failed"), "bad"),
           "DEPTH_EXCEEDED": (gettext_lazy("Stopped: workflows triggering each other too deep"), "bad")}
# What an action row posts (`action-<n>-<param>`) and the key the API takes it under.
ACTION_PARAMS = {"kind": "kind", "target": "target", "fields": "fields", "subject": "subject",
                 "due_in_days": "dueInDays", "activity_kind": "activityKind", "module": "module",
                 "link_field": "linkField", "url": "url", "template_id": "templateId", "to": "to",
                 "to_field": "toField"}
EXTRA_ROWS = 2  # empty rows offered under the conditions and actions already there


def _known(module: str, modules: list[dict]) -> str:
    if module not in {m["key"] for m in modules}:
        raise Http404
    return module


def _trigger_label(trigger: str) -> str:
    return str(dict(TRIGGERS).get(trigger, trigger))


def _result(run: dict) -> dict:
    label, tone = RESULTS.get(run["result"], (run["result"], "neutral"))
    return {**run, "result_label": label, "tone": tone, "trigger_label": _trigger_label(run["trigger"])
            if "trigger" in run else ""}


@admin_page
def workflow_list(request):
    """A module's workflows: trigger, active or not, their latest runs; deleted from here."""
    module = request.GET.get("module") or DEFAULT_MODULE
    if request.method == "POST":
        payload = gql.run(request, "WorkflowDelete", {"id": request.POST.get("id", "")})["workflowDelete"]
        if gql.failed(payload):
            for message in payload["messages"]:
                messages.error(request, message["message"])
        else:
            messages.success(request, _("Workflow deleted."))
        return HttpResponseRedirect(request.get_full_path())
    data = gql.run(request, "WorkflowSettings", {"module": module})
    _known(module, data["modules"])
    workflows = [{**workflow, "trigger_label": _trigger_label(workflow["trigger"]),
                  "runs": [_result(run) for run in workflow["runs"][:3]]} for workflow in data["workflows"]]
    return render_page(request, "web/app/settings/workflows.html", {
        "modules": data["modules"], "module": module, "workflows": workflows,
    }, title=_("Workflows"))


def _template_pk(template_id: str) -> str:
    """An email template's local key from its global id (the key a stored `send_email` action keeps)."""
    try:
        return base64.b64decode(template_id).decode().rpartition(".")[2]
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _fields_text(fields: dict) -> str:
    return "\n".join(f"{name} = {'' if value is None else value}" for name, value in (fields or {}).items())


def _fields_of(text: str) -> dict:
    """`field = value` lines as the fields an action sets (an empty value sets the field empty)."""
    fields = {}
    for line in text.splitlines():
        name, _sep, value = line.partition("=")
        if name.strip():
            fields[name.strip()] = value.strip() or None
    return fields


def _stored_rows(workflow: dict) -> tuple[list[dict], list[dict]]:
    """A saved workflow's conditions and actions as the form's rows."""
    conditions = [{"field": c.get("field", ""), "operator": c.get("operator", ""),
                   "value": "" if c.get("value") is None else str(c["value"])} for c in workflow["conditions"]]
    actions = [{**{param: "" if action.get(param) is None else str(action[param]) for param in ACTION_PARAMS},
                "fields": _fields_text(action.get("fields"))} for action in workflow["actions"]]
    return conditions, actions


def _posted_rows(post) -> tuple[list[dict], list[dict]]:
    """The rows the form posted, empty ones left out (so a row's place is its index in the API's answer)."""
    conditions = []
    for field, operator, value in zip(post.getlist("condition-field"), post.getlist("condition-operator"),
                                      post.getlist("condition-value"), strict=False):
        if field.strip():
            conditions.append({"field": field.strip(), "operator": operator, "value": value.strip()})
    actions = []
    for index in range(int(post.get("action-count") or 0)):
        row = {param: post.get(f"action-{index}-{param}", "").strip() for param in ACTION_PARAMS}
        if row["kind"]:
            actions.append(row)
    return conditions, actions


def _action_input(row: dict) -> dict:
    """An action row as the API takes it: only the parameters its kind uses, typed."""
    action = {"kind": row["kind"]}
    for param, key in ACTION_PARAMS.items():
        if param in ("kind", "fields") or not row[param]:
            continue
        value = row[param]
        if param == "due_in_days":
            value = int(value) if value.isdigit() else -1  # refused by the API with its own message
        action[key] = value
    if row["kind"] in ("update_fields", "create_record") and row["fields"]:
        action["fields"] = _fields_of(row["fields"])
    return action


def _row_errors(errors: dict, prefix: str) -> list[str]:
    """The API's messages about one row (`actions.0`, `actions.0.url`, `actions.0.fields.dueDate`)."""
    return [message for field, found in errors.items()
            if field == prefix or field.startswith(prefix + ".") for message in found]


def _workflow_input(post, workflow_id: str | None) -> tuple[dict, dict]:
    """What the form typed (to show again) and the WorkflowInput it makes."""
    conditions, actions = _posted_rows(post)
    typed = {"module": post.get("module", ""), "name": post.get("name", "").strip(),
             "trigger": post.get("trigger", ""), "match": post.get("match", "ALL"),
             "schedule": post.get("schedule", "").strip(), "active": post.get("active") == "on",
             "conditions": conditions, "actions": actions}
    workflow = {key: typed[key] for key in ("module", "name", "trigger", "match", "schedule", "active")}
    workflow["conditions"] = [{"field": c["field"], "operator": c["operator"], "value": c["value"] or None}
                              for c in conditions]
    workflow["actions"] = [_action_input(row) for row in actions]
    if workflow_id:
        workflow["id"] = workflow_id
    return typed, workflow


@admin_page
def workflow_edit(request, workflow_id: str | None = None):
    """Create or change a workflow: its module, trigger (with a cron schedule), conditions and actions."""
    stored = _workflow(request, workflow_id) if workflow_id else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        typed, workflow = _workflow_input(request.POST, workflow_id)
        if workflow["trigger"] not in dict(TRIGGERS) or workflow["match"] not in dict(MATCHES):
            errors = {"trigger": [_("Choose when the workflow runs.")]}
        else:
            payload = gql.run(request, "WorkflowSave", {"input": workflow})["workflowSave"]
            if not gql.failed(payload):
                messages.success(request, _("Workflow saved."))
                return HttpResponseRedirect(f"{reverse('settings-workflows')}?module={payload['module']}")
            errors = gql.form_errors(payload)
    elif stored:
        conditions, actions = _stored_rows(stored)
        typed = {**{key: stored[key] for key in ("module", "name", "trigger", "match", "schedule", "active")},
                 "conditions": conditions, "actions": actions}
    else:
        typed = {"module": request.GET.get("module") or DEFAULT_MODULE, "name": "", "trigger": "ON_CREATE",
                 "match": "ALL", "schedule": "", "active": True, "conditions": [], "actions": []}
    data = gql.run(request, "WorkflowEditor", {"module": typed["module"]})
    _known(typed["module"], data["modules"])
    fields = next((m["fields"] for m in data["accessModules"] if m["key"] == typed["module"]), [])
    blank_action = dict.fromkeys(ACTION_PARAMS, "")
    conditions = [{**row, "errors": _row_errors(errors, f"conditions.{index}")}
                  for index, row in enumerate([*typed["conditions"], *[{}] * EXTRA_ROWS])]
    actions = [{**row, "index": index, "errors": _row_errors(errors, f"actions.{index}")}
               for index, row in enumerate([*typed["actions"], *[blank_action] * EXTRA_ROWS])]
    templates = [{"pk": _template_pk(template["id"]), "name": template["name"]} for template in data["emailTemplates"]]
    return render_page(request, "web/app/settings/workflow_form.html", {
        "workflow": typed, "stored": stored, "errors": errors, "conditions": conditions, "actions": actions,
        "action_count": len(actions), "modules": data["modules"],
        "fields": [{"name": name, "label": field_label(name)} for name in fields],
        "triggers": TRIGGERS, "matches": MATCHES, "operators": OPERATORS, "action_kinds": ACTION_KINDS,
        "activity_kinds": ACTIVITY_KINDS, "templates": templates,
        "other_errors": {field: found for field, found in errors.items()
                         if field not in ("", "module", "name", "trigger", "match", "schedule", "actions")
                         and not field.startswith(("conditions.", "actions."))},
    }, title=_("Edit workflow") if stored else _("New workflow"), status=400 if errors else 200)


def _workflow(request, workflow_id: str) -> dict:
    try:
        node = gql.run(request, "WorkflowDetails", {"id": workflow_id})["node"]
    except gql.OperationError as error:
        if isinstance(error, gql.Forbidden | gql.Unauthenticated):
            raise
        raise Http404 from error
    if not node or "module" not in node:
        raise Http404
    return node


@admin_page
def workflow_runs(request, workflow_id: str):
    """The run log of a workflow: when, on which record, from which trigger, what it did or why it failed."""
    workflow = _workflow(request, workflow_id)
    runs = [{**_result(run), "actions": [_action_summary(done) for done in run["actionsDone"] or []]}
            for run in workflow["runs"]]
    return render_page(request, "web/app/settings/workflow_runs.html", {
        "workflow": {**workflow, "trigger_label": _trigger_label(workflow["trigger"])}, "runs": runs,
    }, title=_("Runs of %(name)s") % {"name": workflow["name"]})


def _action_summary(done) -> str:
    """One entry of a run's `actionsDone`, readable (the API keeps what each action answered)."""
    return done if isinstance(done, str) else json.dumps(done, ensure_ascii=False)


def manual_workflows(request, module: str, *, admin: bool) -> list[dict]:
    """The active manual workflows an administrator may run from a record page of the module (none for others)."""
    if not admin:
        return []
    return [workflow for workflow in gql.run(request, "RecordWorkflows", {"module": module})["workflows"]
            if workflow["active"] and workflow["trigger"] == "MANUAL"]


@member_page
@require_POST
def record_workflow_run(request, record_id: str):
    """Run a manual workflow on the record now; back to the record page with what happened."""
    payload = gql.run(request, "WorkflowRun", {"id": request.POST.get("workflow", ""), "recordId": record_id})
    payload = payload["workflowRun"]
    if gql.failed(payload):
        for message in payload["messages"]:
            messages.error(request, message["message"])
    elif payload["result"] == "SUCCEEDED":
        messages.success(request, _("Workflow run."))
    else:
        messages.error(request, _("The workflow failed: %(error)s") % {"error": payload["error"] or payload["result"]})
    return HttpResponseRedirect(reverse("record", args=[record_id]))
