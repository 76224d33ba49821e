"""Accounts and contacts in the graph: lists, drill-down, and one mutation per business verb."""

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.core.graph import IsMember, global_pk, mutation
from saas.crm import selectors, services
from saas.crm.api.types import AccountType, ContactType
from saas.records import error_codes
from saas.records.enums import RecordSource


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


def _contact(actor, global_id):
    contact = selectors.contact_get_for_actor(actor=actor, contact_id=global_pk(global_id, "Contact"))
    if contact is None:
        raise ValidationError({"id": ValidationError(_("No such contact."), code=error_codes.NOT_FOUND)})
    return contact


def _source(info: Info) -> str:
    return RecordSource.API if info.context.api_token is not None else RecordSource.MANUAL


def _custom(data):
    return None if data.custom is UNSET or data.custom is None else data.custom


@strawberry.type
class CrmQuery:
    accounts: DjangoListConnection[AccountType] = strawberry_django.connection(
        permission_classes=[IsMember], description="Customer accounts (filter, ordering, first ≤ 100).")
    contacts: DjangoListConnection[ContactType] = strawberry_django.connection(permission_classes=[IsMember])

    @strawberry.field(permission_classes=[IsMember])
    def account(self, info: Info, id: relay.GlobalID) -> AccountType | None:
        return selectors.account_get_for_actor(actor=info.context.user, account_id=global_pk(id, "Account"))

    @strawberry.field(permission_classes=[IsMember])
    def contact(self, info: Info, id: relay.GlobalID) -> ContactType | None:
        return selectors.contact_get_for_actor(actor=info.context.user, contact_id=global_pk(id, "Contact"))


@strawberry.type
class CrmMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def account_create(self, info: Info, input: AccountInput) -> AccountType:
        actor = info.context.user
        return services.account_create(actor=actor, fields=_fields(input, actor=actor), source=_source(info),
                                       custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def account_update(self, info: Info, id: relay.GlobalID, version: int, input: AccountInput) -> AccountType:
        actor = info.context.user
        return services.account_update(actor=actor, account=_account(actor, id), version=version,
                                       fields=_fields(input, actor=actor), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def account_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> AccountType:
        actor = info.context.user
        return services.account_delete(actor=actor, account=_account(actor, id), version=version)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def contact_create(self, info: Info, input: ContactInput) -> ContactType:
        actor = info.context.user
        new_account = None
        if input.new_account not in (UNSET, None):
            new_account = _fields(input.new_account, actor=actor)
        return services.contact_create(actor=actor, fields=_fields(input, actor=actor), source=_source(info),
                                       custom=_custom(input), new_account=new_account)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def contact_update(self, info: Info, id: relay.GlobalID, version: int, input: ContactInput) -> ContactType:
        actor = info.context.user
        return services.contact_update(actor=actor, contact=_contact(actor, id), version=version,
                                       fields=_fields(input, actor=actor), custom=_custom(input))

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsMember])
    @mutation
    def contact_delete(self, info: Info, id: relay.GlobalID, version: int | None = None) -> ContactType:
        actor = info.context.user
        return services.contact_delete(actor=actor, contact=_contact(actor, id), version=version)
