"""The Edit button and the document actions of a record page's header (web.app.forms, web.app.actions)."""

from django import template
from django.urls import reverse

from web.app.actions import actions_for
from web.app.forms import MUTATIONS

register = template.Library()


@register.inclusion_tag("web/app/record/_actions.html", takes_context=True)
def record_actions(context, record: dict) -> dict:
    spec = MUTATIONS.get(record["module"]["key"])
    editable = spec is not None and (spec.update or spec.lines) and not record.get("deletedAt")
    return {
        "record": record, "messages": context.get("messages"), "csrf_token": context.get("csrf_token"),
        "edit_url": reverse("record-edit", args=[record["id"]]) if editable else "",
        "actions": actions_for(record),
        "workflows": context.get("manual_workflows") or [],
        "send_email": bool(context.get("email_templates")) and not record.get("deletedAt"),
    }

