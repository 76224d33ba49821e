"""Accounts, contacts, leads and deals in the graph: lists, and one mutation per business verb. The create and
update inputs are derived from the models and record types (saas.records.api.derived)."""

import strawberry
import strawberry_django
from strawberry import UNSET, relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.core.graph import IsTenantAdmin, global_pk, needs, verb
from saas.crm import leads, selectors, services
from saas.crm.api.types import (
    AccountType,
    ContactType,
    DealStage,
    DealType,
    LeadConversionFields,
    LeadConversionMapping,
    LeadConversionRule,
    LeadStatus,
    LeadType,
    PipelineStage,
)
from saas.crm.models import Account, Contact, Deal, Lead
from saas.records.api.derived import custom_values, input_fields, inputs
from saas.records.api.schema import record_of
from saas.records.api.types import request_source
from saas.records.selectors.lookup import record_get_for_actor

AccountInput, AccountUpdateInput = inputs(Account)
ContactInput, ContactUpdateInput = inputs(Contact, extra={"new_account": (AccountInput | None, strawberry.field(
    default=UNSET, description="Quick create: the contact's account, created with it."))})
LeadInput, LeadUpdateInput = inputs(Lead)
DealInput, DealUpdateInput = inputs(Deal)


def _record(info: Info, global_id: relay.GlobalID, type_name: str):
    return record_of(info, global_id, field="id", types=(type_name,))


@strawberry.type
class CrmQuery:
    accounts: DjangoListConnection[AccountType] = strawberry_django.connection(
        permission_classes=[needs("accounts", Action.VIEW)],
        description="Customer accounts (filter, ordering, first ≤ 100).")
    contacts: DjangoListConnection[ContactType] = strawberry_django.connection(
        permission_classes=[needs("contacts", Action.VIEW)])

    @strawberry.field(permission_classes=[needs("accounts", Action.VIEW)])
    def account(self, info: Info, id: relay.GlobalID) -> AccountType | None:
        return record_get_for_actor(actor=info.context.user, type_name="Account", pk=global_pk(id, "Account"))

    @strawberry.field(permission_classes=[needs("contacts", Action.VIEW)])
    def contact(self, info: Info, id: relay.GlobalID) -> ContactType | None:
        return record_get_for_actor(actor=info.context.user, type_name="Contact", pk=global_pk(id, "Contact"))


@strawberry.type
class CrmMutation:
    @verb(needs("accounts", Action.CREATE))
    def account_create(self, info: Info, input: AccountInput) -> AccountType:
        return services.account_create(actor=info.context.user, fields=input_fields(info, Account, input),
                                       source=request_source(info), custom=custom_values(input))

    @verb(needs("accounts", Action.EDIT))
    def account_update(self, info: Info, id: relay.GlobalID, version: int, input: AccountUpdateInput) -> AccountType:
        return services.account_update(actor=info.context.user, account=_record(info, id, "Account"), version=version,
                                       fields=input_fields(info, Account, input), custom=custom_values(input))

    @verb(needs("accounts", Action.DELETE))
    def account_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> AccountType:
        return services.account_delete(actor=info.context.user, account=_record(info, id, "Account"), version=version)

    @verb(needs("contacts", Action.CREATE))
    def contact_create(self, info: Info, input: ContactInput) -> ContactType:
        new_account = None if input.new_account in (UNSET, None) else input_fields(info, Account, input.new_account)
        return services.contact_create(actor=info.context.user, fields=input_fields(info, Contact, input),
                                       source=request_source(info), custom=custom_values(input),
                                       new_account=new_account)

    @verb(needs("contacts", Action.EDIT))
    def contact_update(self, info: Info, id: relay.GlobalID, version: int, input: ContactUpdateInput) -> ContactType:
        return services.contact_update(actor=info.context.user, contact=_record(info, id, "Contact"), version=version,
                                       fields=input_fields(info, Contact, input), custom=custom_values(input))

    @verb(needs("contacts", Action.DELETE))
    def contact_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> ContactType:
        return services.contact_delete(actor=info.context.user, contact=_record(info, id, "Contact"), version=version)


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
    @verb(needs("leads", Action.CREATE))
    def lead_create(self, info: Info, input: LeadInput) -> LeadType:
        return leads.lead_create(actor=info.context.user, fields=input_fields(info, Lead, input),
                                 source=request_source(info), custom=custom_values(input))

    @verb(needs("leads", Action.EDIT))
    def lead_update(self, info: Info, id: relay.GlobalID, version: int, input: LeadUpdateInput) -> LeadType:
        return leads.lead_update(actor=info.context.user, lead=_record(info, id, "Lead"), version=version,
                                 fields=input_fields(info, Lead, input), custom=custom_values(input))

    @verb(needs("leads", Action.EDIT))
    def lead_set_status(self, info: Info, id: relay.GlobalID, status: LeadStatus) -> LeadType:
        return leads.lead_set_status(actor=info.context.user, lead=_record(info, id, "Lead"), status=status.value)

    @verb(needs("leads", Action.EDIT), "Convert a lead into an account (or link one), a contact and a deal.")
    def lead_convert(self, info: Info, id: relay.GlobalID, account_id: relay.GlobalID | None = None,
                     create_deal: bool = False, deal: DealUpdateInput | None = None) -> LeadType:
        account = record_of(info, account_id, field="accountId", types=("Account",)) if account_id else None
        return leads.lead_convert(actor=info.context.user, lead=_record(info, id, "Lead"), account=account,
                                  create_deal=create_deal,
                                  deal_fields=None if deal is None else input_fields(info, Deal, deal))

    @verb(IsTenantAdmin)
    def lead_conversion_rule_set(self, info: Info, target: str, target_field: str,
                                 lead_field: str | None = None) -> LeadConversionMapping:
        leads.conversion_rule_set(actor=info.context.user, target=target, target_field=target_field,
                                  lead_field=lead_field)
        return LeadConversionMapping(rules=_rules())

    @verb(needs("deals", Action.CREATE))
    def deal_create(self, info: Info, input: DealInput) -> DealType:
        return leads.deal_create(actor=info.context.user, fields=input_fields(info, Deal, input),
                                 source=request_source(info), custom=custom_values(input))

    @verb(needs("deals", Action.EDIT))
    def deal_update(self, info: Info, id: relay.GlobalID, version: int, input: DealUpdateInput) -> DealType:
        return leads.deal_update(actor=info.context.user, deal=_record(info, id, "Deal"), version=version,
                                 fields=input_fields(info, Deal, input), custom=custom_values(input))

    @verb(needs("deals", Action.EDIT))
    def deal_move(self, info: Info, id: relay.GlobalID, stage: DealStage) -> DealType:
        return leads.deal_move(actor=info.context.user, deal=_record(info, id, "Deal"), stage=stage.value)
