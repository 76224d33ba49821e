"""Actions of a workflow: checked when it is saved, done when it runs, through the record engine's services."""

import datetime as dt
import json
from urllib.parse import urlparse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.core import outbound
from saas.mailing.selectors import email_template_get
from saas.mailing.services import record_email_send
from saas.records import registry
from saas.records.enums import ActivityKind, RecordSource
from saas.records.selectors.records import engine_field_names
from saas.records.services.activities import activity_create
from saas.records.services.records import BOOKKEEPING, record_create, record_update
from saas.workflows import error_codes, webhooks
from saas.workflows.conditions import coerce
from saas.workflows.enums import ActionKind
from saas.workflows.models import WebhookDelivery, WorkflowRun

ENGINE_FIELDS = engine_field_names() | BOOKKEEPING


def _invalid(key: str, message: str, code: str = error_codes.ACTION_INVALID) -> ValidationError:
    return ValidationError({key: ValidationError(message, code=code)})


def _target_model(model: type[models.Model], target: str, key: str) -> type[models.Model]:
    """The record an update applies to: the record itself, or the record one of its links points to."""
    if not target:
        return model
    try:
        field = model._meta.get_field(target)
    except FieldDoesNotExist:
        raise _invalid(f"{key}.target", _("Unknown field: %(field)s.") % {"field": target},
                       error_codes.FIELD_UNKNOWN) from None
    if not field.many_to_one or registry.find_for_model(field.related_model) is None:
        raise _invalid(f"{key}.target", _("Only a linked record can be updated."), error_codes.FIELD_UNKNOWN)
    return field.related_model


def _fields_clean(model: type[models.Model], fields, key: str) -> dict:
    if not isinstance(fields, dict) or not fields:
        raise _invalid(f"{key}.fields", _("Name at least one field to set."))
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is None or not field.concrete or not field.editable or name in ENGINE_FIELDS:
            raise _invalid(f"{key}.fields.{name}", _("Unknown field: %(field)s.") % {"field": name},
                           error_codes.FIELD_UNKNOWN)
        try:
            coerce(field, value)
        except (TypeError, ValueError, ValidationError):
            raise _invalid(f"{key}.fields.{name}", _("This value does not fit the field."),
                           error_codes.VALUE_INVALID) from None
    return dict(fields)


def _template_pk(value) -> int | None:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    return None


def _recipient_field(model: type[models.Model], path: str, key: str) -> str:
    """`email` or `contact.email`: an email field of the record, or of a record it links to."""
    parts = path.split(".")
    current = model
    for index, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            field = None
        last = index == len(parts) - 1
        fits = field is not None and (isinstance(field, models.EmailField) if last else (
            field.many_to_one and registry.find_for_model(field.related_model) is not None))
        if not fits:
            raise _invalid(f"{key}.toField", _("Not an email field: %(field)s.") % {"field": path},
                           error_codes.FIELD_UNKNOWN)
        current = field.related_model if not last else current
    return path


def _send_email_clean(model: type[models.Model], action: dict, key: str) -> dict:
    template = email_template_get(template_id=_template_pk(action.get("template_id")))
    if template is None or template.module != registry.for_model(model).key:
        raise _invalid(f"{key}.templateId", _("Unknown email template."), error_codes.TEMPLATE_UNKNOWN)
    to, to_field = str(action.get("to") or "").strip(), str(action.get("to_field") or "").strip()
    if bool(to) == bool(to_field):
        raise _invalid(f"{key}.to", _("Send to one address, or to the address in one field."))
    if to:
        try:
            validate_email(to)
        except ValidationError:
            raise _invalid(f"{key}.to", _("Not an email address: %(value)s.") % {"value": to},
                           error_codes.VALUE_INVALID) from None
    return {"kind": ActionKind.SEND_EMAIL, "template_id": template.pk, "to": to,
            "to_field": _recipient_field(model, to_field, key) if to_field else ""}


def _webhook_target(url: str) -> tuple[str, int] | None:
    """The host and port an http(s) address names; None for anything else."""
    parts = urlparse(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname, port


def _webhook_refused(url: str) -> bool:
    """Whether the webhook's host resolves now to an address outbound calls may not reach."""
    target = _webhook_target(url)
    return target is not None and outbound.refused(*target)


def actions_clean(model: type[models.Model], actions) -> list[dict]:
    """The actions, each checked against the fields it names; the first wrong one refused."""
    if not isinstance(actions, list) or not actions:
        raise _invalid("actions", _("A workflow does at least one thing."))
    cleaned = []
    for index, action in enumerate(actions):
        key = f"actions.{index}"
        action = action if isinstance(action, dict) else {}
        kind = action.get("kind")
        if kind == ActionKind.UPDATE_FIELDS:
            target = action.get("target") or ""
            cleaned.append({"kind": kind, "target": target,
                            "fields": _fields_clean(_target_model(model, target, key), action.get("fields"), key)})
        elif kind == ActionKind.CREATE_ACTIVITY:
            subject = str(action.get("subject") or "").strip()
            if not subject:
                raise _invalid(f"{key}.subject", _("An activity needs a subject."))
            days = action.get("due_in_days")
            if days is not None and (not isinstance(days, int) or days < 0):
                raise _invalid(f"{key}.dueInDays", _("A number of days, zero or more."), error_codes.VALUE_INVALID)
            activity_kind = action.get("activity_kind") or ActivityKind.TASK
            if activity_kind not in ActivityKind.values:
                raise _invalid(f"{key}.activityKind", _("Unknown kind of activity."), error_codes.VALUE_INVALID)
            cleaned.append({"kind": kind, "subject": subject, "due_in_days": days, "activity_kind": activity_kind})
        elif kind == ActionKind.CREATE_RECORD:
            record_type = registry.get(action.get("module") or "")
            if record_type is None:
                raise _invalid(f"{key}.module", _("Unknown module."), error_codes.MODULE_UNKNOWN)
            link = action.get("link_field") or ""
            if link:
                try:
                    link_field = record_type.model._meta.get_field(link)
                except FieldDoesNotExist:
                    link_field = None
                if link_field is None or not link_field.many_to_one or link_field.related_model is not model:
                    raise _invalid(f"{key}.linkField", _("Unknown field: %(field)s.") % {"field": link},
                                   error_codes.FIELD_UNKNOWN)
            fields = action.get("fields")
            cleaned.append({"kind": kind, "module": record_type.key, "link_field": link,
                            "fields": _fields_clean(record_type.model, fields, key) if fields else {}})
        elif kind == ActionKind.WEBHOOK:
            url = str(action.get("url") or "")
            if _webhook_target(url) is None:
                raise _invalid(f"{key}.url", _("A webhook needs an http(s) address."), error_codes.VALUE_INVALID)
            if _webhook_refused(url):
                raise _invalid(f"{key}.url", outbound.NOT_ALLOWED_MESSAGE, error_codes.ADDRESS_NOT_ALLOWED)
            cleaned.append({"kind": kind, "url": url})
        elif kind == ActionKind.SEND_EMAIL:
            cleaned.append(_send_email_clean(model, action, key))
        else:
            raise _invalid(f"{key}.kind", _("Unknown action."))
    return cleaned


def _values(model: type[models.Model], fields: dict) -> dict:
    """Stored JSON values as what the services take: a link as the record it names."""
    values = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        value = coerce(field, value)
        if field.is_relation and value is not None:
            value = field.related_model._base_manager.get(pk=value)
        values[name] = value
    return values


def record_payload(record: models.Model) -> dict:
    """What a webhook receives about a record: its reference and its own fields (links as ids)."""
    fields = {f.attname: getattr(record, f.attname) for f in type(record)._meta.concrete_fields
              if f.name not in {"ref", "owner_user", "owner_team", "created_by", "updated_by", "deleted_by"}}
    return json.loads(json.dumps(fields, cls=DjangoJSONEncoder))


def _path_value(record: models.Model, path: str):
    value = record
    for part in path.split("."):
        value = getattr(value, part) if value is not None else None
    return value


def action_do(*, actor, run: WorkflowRun, action: dict, record: models.Model) -> str:
    """Do one action for the run's record; returns what it did, for the run log."""
    kind = action["kind"]
    if kind == ActionKind.UPDATE_FIELDS:
        target = getattr(record, action["target"]) if action["target"] else record
        if target is None:
            return f"{kind}: no {action['target']}"
        target = type(target)._base_manager.get(pk=target.pk)
        record_update(actor=actor, record=target, version=target.version,
                      fields=_values(type(target), action["fields"]))
        return f"{kind}: {registry.for_model(type(target)).key} {target.pk}"
    if kind == ActionKind.CREATE_ACTIVITY:
        due = (timezone.now() + dt.timedelta(days=action["due_in_days"])) if action.get("due_in_days") is not None \
            else None
        activity = activity_create(actor=actor, subject=action["subject"], records=[record],
                                   kind=action["activity_kind"], due_at=due)
        return f"{kind}: {activity.pk}"
    if kind == ActionKind.CREATE_RECORD:
        model = registry.get(action["module"]).model
        fields = _values(model, action["fields"])
        if action["link_field"]:
            fields[action["link_field"]] = record
        created = record_create(actor=actor, model=model, fields=fields, source=RecordSource.WORKFLOW)
        return f"{kind}: {action['module']} {created.pk}"
    if kind == ActionKind.SEND_EMAIL:
        template = email_template_get(template_id=action["template_id"])
        if template is None:
            raise ValidationError(_("The email template of this workflow was deleted."),
                                  code=error_codes.TEMPLATE_UNKNOWN)
        to = action["to"] or _path_value(record, action["to_field"])
        if not to:
            return f"{kind}: no {action['to_field']}"
        email = record_email_send(actor=actor, record=record, template=template, to=to,
                                  source=RecordSource.WORKFLOW)
        return f"{kind}: email {email.pk}"
    if _webhook_refused(action["url"]):  # checked on save, and again now: what a name resolves to changes
        raise ValidationError(outbound.NOT_ALLOWED_MESSAGE, code=error_codes.ADDRESS_NOT_ALLOWED)
    body = json.dumps({"workflow": run.workflow_id, "run": run.pk, "trigger": run.trigger,
                       "module": registry.for_model(type(record)).key, "record": record_payload(record)},
                      cls=DjangoJSONEncoder, sort_keys=True)
    delivery = WebhookDelivery.objects.create(run=run, url=action["url"], body=body)
    webhooks.delivery_schedule(delivery, seconds=0)
    return f"{kind}: delivery {delivery.pk}"
