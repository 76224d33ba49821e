"""Leads and deals: pipelines, conversion of a lead into account, contact and deal."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.audit.services import settings_change_record
from saas.crm import error_codes
from saas.crm.models import Account, Contact, Deal, DealStage, Lead, LeadConversionRule, LeadStatus
from saas.crm.services import account_create, contact_create
from saas.records.enums import RecordSource
from saas.records.services.activities import activity_links_copy
from saas.records.services.documents import document_links_copy
from saas.records.services.pipelines import record_transition, verb_state_check
from saas.records.services.records import record_create, record_update

STAGE_PROBABILITY = {DealStage.WON: 100, DealStage.LOST: 0}
TARGETS = {"account": Account, "contact": Contact, "deal": Deal}


def lead_create(*, actor, fields: dict, source: str = RecordSource.MANUAL, custom: dict | None = None) -> Lead:
    """Record a prospect; it starts `new`."""
    return record_create(actor=actor, model=Lead, fields=lead_fields_clean(fields), source=source, custom=custom)


def lead_fields_clean(fields: dict) -> dict:
    """A new lead's own rules: a last name, and the status it starts with (`new`, whatever is asked)."""
    fields = {**fields, "last_name": (fields.get("last_name") or "").strip()}
    if not fields["last_name"]:
        raise ValidationError({"last_name": ValidationError(_("A lead needs a last name."),
                                                            code=error_codes.NAME_REQUIRED)})
    fields.pop("status", None)
    return fields


def lead_update(*, actor, lead: Lead, version: int, fields: dict, custom: dict | None = None) -> Lead:
    """Change a lead's details; its status moves only through `lead_set_status` or the conversion."""
    return record_update(actor=actor, record=lead, version=version, fields=fields, custom=custom)


def lead_set_status(*, actor, lead: Lead, status: str, version: int | None = None) -> Lead:
    """new → contacted → qualified, or lost (and back to new); `converted` is reached by conversion only."""
    return record_transition(actor=actor, record=lead, to=status, verb="set_status", version=version)


def lead_convert(*, actor, lead: Lead, account: Account | None = None, create_deal: bool = False,
                 deal_fields: dict | None = None) -> Lead:
    """Turn a lead into an account (or link an existing one), a contact and optionally a deal.

    Fields follow the tenant's conversion mapping; the lead's activities and documents are linked to the
    new records, and its comments roll up there (the lead is in their related tabs). Once only.
    """
    verb_state_check(lead, "convert", _("Only an open lead can be converted (this one is %(status)s).") % {
        "status": lead.get_status_display()}, code=error_codes.LEAD_NOT_CONVERTIBLE)
    if lead.deleted_at is not None:
        raise ValidationError(_("Only an open lead can be converted (this one is deleted)."),
                              code=error_codes.LEAD_NOT_CONVERTIBLE)
    mapped = conversion_values(lead)
    if account is None:
        account_fields = mapped["account"]
        account_fields.setdefault("name", lead.company or str(lead))
        if not account_fields["name"]:
            account_fields["name"] = str(lead)
        account = account_create(actor=actor, fields=account_fields)
    contact = contact_create(actor=actor, fields={**mapped["contact"], "account": account})
    deal = None
    if create_deal:
        deal = deal_create(actor=actor, fields={
            **mapped["deal"], "name": f"{account.name}", **(deal_fields or {}), "account": account,
            "contact": contact})
    activity_links_copy(actor=actor, source=lead, targets=[r for r in (account, contact, deal) if r])
    document_links_copy(actor=actor, source=lead, targets=[r for r in (account, contact, deal) if r])
    return record_transition(actor=actor, record=lead, to=LeadStatus.CONVERTED, verb="convert", extra_fields={
        "converted_at": timezone.now(), "converted_account": account, "converted_contact": contact,
        "converted_deal": deal})


def conversion_values(lead: Lead) -> dict[str, dict]:
    """What the mapping carries from the lead to each target, skipping empty values."""
    values: dict[str, dict] = defaultdict(dict)
    for rule in LeadConversionRule.objects.all():
        value = getattr(lead, rule.lead_field, None)
        if value not in (None, ""):
            values[rule.target][rule.target_field] = value
    return {target: dict(values[target]) for target in TARGETS}


def conversion_rule_list():
    return LeadConversionRule.objects.all()


def conversion_fields() -> dict[str, list[str]]:
    """The fields a conversion rule may name: the lead's, and each target's (`account`, `contact`, `deal`)."""
    return {"lead": sorted(_fields(Lead)), **{target: sorted(_fields(model)) for target, model in TARGETS.items()}}


def conversion_rule_set(*, actor, target: str, target_field: str, lead_field: str | None) -> LeadConversionRule | None:
    """Map a lead field to a target field (None removes the mapping); both fields must exist."""
    model = TARGETS.get(target)
    errors = {}
    if model is None or target_field not in _fields(model):
        errors["targetField"] = ValidationError(_("Unknown field."), code=error_codes.UNKNOWN_FIELD)
    if lead_field is not None and lead_field not in _fields(Lead):
        errors["leadField"] = ValidationError(_("Unknown field."), code=error_codes.UNKNOWN_FIELD)
    if errors:
        raise ValidationError(errors)
    previous = LeadConversionRule.objects.filter(target=target, target_field=target_field).values_list(
        "lead_field", flat=True).first()
    label = f"{target}.{target_field}"
    if lead_field is None:
        LeadConversionRule.objects.filter(target=target, target_field=target_field).delete()
        rule = None
    else:
        rule, _created = LeadConversionRule.objects.update_or_create(
            target=target, target_field=target_field, defaults={"lead_field": lead_field})
    if previous != lead_field:
        if lead_field is None:
            summary = _("Lead conversion: %(target)s no longer mapped") % {"target": label}
        else:
            summary = _("Lead conversion: %(lead)s mapped to %(target)s") % {"lead": lead_field, "target": label}
        settings_change_record(actor=actor, object_type="leadconversionrule", object_id=getattr(rule, "pk", ""),
                               object_label=label, summary=summary,
                               details={"target": target, "target_field": target_field,
                                        "lead_field": [previous, lead_field]})
    return rule


def _fields(model) -> set[str]:
    excluded = {"id", "ref", "number", "version", "custom", "status", "stage", "created_at", "updated_at",
                "deleted_at", "source"}
    return {f.name for f in model._meta.concrete_fields if not f.is_relation and f.name not in excluded}


def _deal_fields_clean(fields: dict) -> dict:
    errors = {}
    if "probability" in fields and not 0 <= int(fields["probability"]) <= 100:
        errors["probability"] = ValidationError(_("Between 0 and 100."), code=error_codes.PROBABILITY_RANGE)
    if "amount" in fields and Decimal(fields["amount"]) < 0:
        errors["amount"] = ValidationError(_("An amount cannot be negative."), code=error_codes.NEGATIVE_AMOUNT)
    if "name" in fields and not (fields["name"] or "").strip():
        errors["name"] = ValidationError(_("A deal needs a name."), code=error_codes.NAME_REQUIRED)
    if errors:
        raise ValidationError(errors)
    return fields


def deal_create(*, actor, fields: dict, source: str = RecordSource.MANUAL, custom: dict | None = None) -> Deal:
    """Open a deal on an account; it starts in prospecting."""
    fields = _deal_fields_clean({"name": "", **fields})
    fields.pop("stage", None)
    return record_create(actor=actor, model=Deal, fields=fields, source=source, custom=custom)


def deal_update(*, actor, deal: Deal, version: int, fields: dict, custom: dict | None = None) -> Deal:
    return record_update(actor=actor, record=deal, version=version, fields=_deal_fields_clean(fields), custom=custom)


def deal_move(*, actor, deal: Deal, stage: str, version: int | None = None) -> Deal:
    """Move a deal along its pipeline; won sets the probability to 100 %, lost to 0 %."""
    extra = {"probability": STAGE_PROBABILITY[stage]} if stage in STAGE_PROBABILITY else {}
    return record_transition(actor=actor, record=deal, to=stage, verb="move", version=version, field="stage",
                             extra_fields=extra)
