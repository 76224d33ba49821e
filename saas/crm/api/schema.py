"""Accounts and contacts in the graph: lists, drill-down, and one mutation per business verb."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.core.graph import IsTenantAdmin, global_pk, mutation, needs
from saas.crm import leads, selectors, services
from saas.crm.api.types import (
    AccountType,
    ContactType,
    DealStage,
    DealType,
    DocumentLanguage,
    LeadConversionFields,
    LeadConversionMapping,
    LeadConversionRule,
    LeadSource,
    LeadStatus,
    LeadType,
    PipelineStage,
)
from saas.records import error_codes
from saas.records.api.types import request_source


@strawberry.input
class AccountInput:
    name: str | None = UNSET
    legal_form: str | None = UNSET
    siren: str | None = UNSET
    siret: str | None = UNSET
    vat_number: str | None = UNSET
    billing_street: str | None = UNSET
    billing_postal_code: str | None = UNSET
    billing_city: str | None = UNSET
    billing_country: str | None = UNSET
    shipping_street: str | None = UNSET
    shipping_postal_code: str | None = UNSET
    shipping_city: str | None = UNSET
    shipping_country: str | None = UNSET
    phone: str | None = UNSET
    email: str | None = UNSET
    website: str | None = UNSET
    industry: str | None = UNSET
    payment_terms_days: int | None = UNSET
    language: DocumentLanguage | None = strawberry.field(
        default=UNSET, description="The language of its documents and their emails; null: the company's.")
    parent_id: relay.GlobalID | None = UNSET
    custom: JSON | None = UNSET


@strawberry.input
class ContactInput:
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    job_title: str | None = UNSET
    email: str | None = UNSET
    secondary_email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    portal_access: bool | None = UNSET
    account_id: relay.GlobalID | None = UNSET
    new_account: AccountInput | None = strawberry.field(
        default=UNSET, description="Quick create: the contact's account, created with it.")
    custom: JSON | None = UNSET


def _fields(data, *, actor, skip=("custom", "new_account")) -> dict:
    fields = {}
    for name, value in vars(data).items():
        if value is UNSET or name in skip:
            continue
        if name == "parent_id":
            fields["parent"] = _account(actor, value, field="parentId") if value else None
        elif name == "language":
            fields["language"] = value.value if value else ""
        elif name == "account_id":
            fields["account"] = _account(actor, value, field="accountId") if value else None
        else:
            fields[name] = "" if value is None and name not in ("payment_terms_days", "portal_access") else value
    return fields


def _account(actor, global_id, *, field="id"):
    account = selectors.account_get_for_actor(actor=actor, account_id=global_pk(global_id, "Account"))
    if account is None:
        raise ValidationError({field: ValidationError(_("No such account."), code=error_codes.NOT_FOUND)})
    return account


def _contact(actor, global_id, *, field="id"):
    contact = selectors.contact_get_for_actor(actor=actor, contact_id=global_pk(global_id, "Contact"))
    if contact is None:
        raise ValidationError({field: ValidationError(_("No such contact."), code=error_codes.NOT_FOUND)})
    return contact


def _custom(data):
    return None if data.custom is UNSET or data.custom is None else data.custom


@strawberry.type
class CrmQuery:
    accounts: DjangoListConnection[AccountType] = strawberry_django.connection(
        permission_classes=[needs("accounts", Action.VIEW)],
        description="Customer accounts (filter, ordering, first ≤ 100).")
    contacts: DjangoListConnection[ContactType] = strawberry_django.connection(
        permission_classes=[needs("contacts", Action.VIEW)])

    @strawberry.field(permission_classes=[needs("accounts", Action.VIEW)])
    def account(self, info: Info, id: relay.GlobalID) -> AccountType | None:
        return selectors.account_get_for_actor(actor=info.context.user, account_id=global_pk(id, "Account"))

    @strawberry.field(permission_classes=[needs("contacts", Action.VIEW)])
    def contact(self, info: Info, id: relay.GlobalID) -> ContactType | None:
        return selectors.contact_get_for_actor(actor=info.context.user, contact_id=global_pk(id, "Contact"))


@strawberry.type
class CrmMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("accounts", Action.CREATE)])
    @mutation
    def account_create(self, info: Info, input: AccountInput) -> AccountType:
        actor = info.context.user
        return services.account_create(actor=actor, fields=_fields(input, actor=actor), source=request_source(info),
                                       custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("accounts", Action.EDIT)])
    @mutation
    def account_update(self, info: Info, id: relay.GlobalID, version: int, input: AccountInput) -> AccountType:
        actor = info.context.user
        return services.account_update(actor=actor, account=_account(actor, id), version=version,
                                       fields=_fields(input, actor=actor), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("accounts", Action.DELETE)])
    @mutation
    def account_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> AccountType:
        actor = info.context.user
        return services.account_delete(actor=actor, account=_account(actor, id), version=version)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("contacts", Action.CREATE)])
    @mutation
    def contact_create(self, info: Info, input: ContactInput) -> ContactType:
        actor = info.context.user
        new_account = None
        if input.new_account not in (UNSET, None):
            new_account = _fields(input.new_account, actor=actor)
        return services.contact_create(actor=actor, fields=_fields(input, actor=actor), source=request_source(info),
                                       custom=_custom(input), new_account=new_account)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("contacts", Action.EDIT)])
    @mutation
    def contact_update(self, info: Info, id: relay.GlobalID, version: int, input: ContactInput) -> ContactType:
        actor = info.context.user
        return services.contact_update(actor=actor, contact=_contact(actor, id), version=version,
                                       fields=_fields(input, actor=actor), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("contacts", Action.DELETE)])
    @mutation
    def contact_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> ContactType:
        actor = info.context.user
        return services.contact_delete(actor=actor, contact=_contact(actor, id), version=version)


@strawberry.input
class LeadInput:
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    company: str | None = UNSET
    job_title: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    mobile: str | None = UNSET
    street: str | None = UNSET
    postal_code: str | None = UNSET
    city: str | None = UNSET
    country: str | None = UNSET
    website: str | None = UNSET
    industry: str | None = UNSET
    description: str | None = UNSET
    lead_source: LeadSource | None = UNSET
    custom: JSON | None = UNSET


@strawberry.input
class DealInput:
    name: str | None = UNSET
    account_id: relay.GlobalID | None = UNSET
    contact_id: relay.GlobalID | None = UNSET
    amount: Decimal | None = UNSET
    probability: int | None = UNSET
    expected_close_date: date | None = UNSET
    custom: JSON | None = UNSET


def _plain_fields(actor, data) -> dict:
    fields = {}
    for name, value in vars(data).items():
        if value is UNSET or name == "custom":
            continue
        if name == "account_id":
            fields["account"] = _account(actor, value, field="accountId") if value else None
        elif name == "contact_id":
            fields["contact"] = _contact(actor, value, field="contactId") if value else None
        elif name == "lead_source":
            if value is not None:  # omitted or null: the lead keeps its source (the model's default)
                fields[name] = value.value
        else:
            fields[name] = "" if value is None and name not in ("amount", "probability", "expected_close_date") \
                else value
    return fields


def _lead(actor, global_id):
    lead = selectors.lead_get_for_actor(actor=actor, lead_id=global_pk(global_id, "Lead"))
    if lead is None:
        raise ValidationError({"id": ValidationError(_("No such lead."), code=error_codes.NOT_FOUND)})
    return lead


def _deal(actor, global_id):
    deal = selectors.deal_get_for_actor(actor=actor, deal_id=global_pk(global_id, "Deal"))
    if deal is None:
        raise ValidationError({"id": ValidationError(_("No such deal."), code=error_codes.NOT_FOUND)})
    return deal


def _rules() -> list[LeadConversionRule]:
    return [LeadConversionRule(lead_field=r.lead_field, target=r.target, target_field=r.target_field)
            for r in leads.conversion_rule_list()]


@strawberry.type
class SalesPipelineQuery:
    leads: DjangoListConnection[LeadType] = strawberry_django.connection(
        permission_classes=[needs("leads", Action.VIEW)])
    deals: DjangoListConnection[DealType] = strawberry_django.connection(
        permission_classes=[needs("deals", Action.VIEW)])

    @strawberry.field(permission_classes=[needs("deals", Action.VIEW)],
                      description="Open and closed deals per stage, weighted.")
    def deal_pipeline(self, info: Info) -> list[PipelineStage]:
        rows = selectors.deal_pipeline(actor=info.context.user)
        return [PipelineStage(stage=DealStage(row["stage"]), count=row["count"], amount=row["amount"],
                              weighted_amount=row["weighted"]) for row in rows]

    @strawberry.field(permission_classes=[needs("leads", Action.VIEW)])
    def lead_conversion_rules(self) -> list[LeadConversionRule]:
        return _rules()

    @strawberry.field(permission_classes=[needs("leads", Action.VIEW)],
                      description="What a lead conversion rule may map.")
    def lead_conversion_fields(self) -> LeadConversionFields:
        return LeadConversionFields(**leads.conversion_fields())


@strawberry.type
class SalesPipelineMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("leads", Action.CREATE)])
    @mutation
    def lead_create(self, info: Info, input: LeadInput) -> LeadType:
        actor = info.context.user
        return leads.lead_create(actor=actor, fields=_plain_fields(actor, input), source=request_source(info),
                                 custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("leads", Action.EDIT)])
    @mutation
    def lead_update(self, info: Info, id: relay.GlobalID, version: int, input: LeadInput) -> LeadType:
        actor = info.context.user
        return leads.lead_update(actor=actor, lead=_lead(actor, id), version=version,
                                 fields=_plain_fields(actor, input), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("leads", Action.EDIT)])
    @mutation
    def lead_set_status(self, info: Info, id: relay.GlobalID, status: LeadStatus) -> LeadType:
        actor = info.context.user
        return leads.lead_set_status(actor=actor, lead=_lead(actor, id), status=status.value)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("leads", Action.EDIT)],
                                description="Convert a lead into an account (or link one), a contact and a deal.")
    @mutation
    def lead_convert(self, info: Info, id: relay.GlobalID, account_id: relay.GlobalID | None = None,
                     create_deal: bool = False, deal: DealInput | None = None) -> LeadType:
        actor = info.context.user
        account = _account(actor, account_id, field="accountId") if account_id else None
        deal_fields = _plain_fields(actor, deal) if deal is not None else None
        return leads.lead_convert(actor=actor, lead=_lead(actor, id), account=account, create_deal=create_deal,
                                  deal_fields=deal_fields)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def lead_conversion_rule_set(self, info: Info, target: str, target_field: str,
                                 lead_field: str | None = None) -> LeadConversionMapping:
        leads.conversion_rule_set(actor=info.context.user, target=target, target_field=target_field,
                                  lead_field=lead_field)
        return LeadConversionMapping(rules=_rules())

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("deals", Action.CREATE)])
    @mutation
    def deal_create(self, info: Info, input: DealInput) -> DealType:
        actor = info.context.user
        return leads.deal_create(actor=actor, fields=_plain_fields(actor, input), source=request_source(info),
                                 custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("deals", Action.EDIT)])
    @mutation
    def deal_update(self, info: Info, id: relay.GlobalID, version: int, input: DealInput) -> DealType:
        actor = info.context.user
        return leads.deal_update(actor=actor, deal=_deal(actor, id), version=version,
                                 fields=_plain_fields(actor, input), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[needs("deals", Action.EDIT)])
    @mutation
    def deal_move(self, info: Info, id: relay.GlobalID, stage: DealStage) -> DealType:
        actor = info.context.user
        return leads.deal_move(actor=actor, deal=_deal(actor, id), stage=stage.value)
