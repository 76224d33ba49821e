"""GraphQL types, filters and orderings of accounts and contacts."""

import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import auto
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.crm import models, selectors
from saas.records.api.types import Record


@strawberry_django.filter_type(models.Contact, lookups=True)
class ContactFilter:
    last_name: auto
    first_name: auto
    email: auto
    job_title: auto
    portal_access: auto
    number: auto
    account: "AccountFilter | None"

    @strawberry_django.filter_field(description="Records carrying this tag (case-insensitive).")
    def tag(self, value: str, prefix: str) -> Q:
        return Q(**{f"{prefix}ref__tag_links__tag__name__iexact": value})


@strawberry_django.order_type(models.Contact)
class ContactOrdering:
    last_name: auto
    first_name: auto
    created_at: auto
    updated_at: auto
    number: auto


@strawberry_django.filter_type(models.Account, lookups=True)
class AccountFilter:
    name: auto
    number: auto
    siren: auto
    vat_number: auto
    industry: auto
    billing_city: auto
    billing_country: auto
    created_at: auto
    parent: "AccountFilter | None"

    @strawberry_django.filter_field(description="Records carrying this tag (case-insensitive).")
    def tag(self, value: str, prefix: str) -> Q:
        return Q(**{f"{prefix}ref__tag_links__tag__name__iexact": value})


@strawberry_django.order_type(models.Account)
class AccountOrdering:
    name: auto
    number: auto
    created_at: auto
    updated_at: auto
    billing_city: auto


@strawberry_django.type(models.Contact, name="Contact", filters=ContactFilter, ordering=ContactOrdering)
class ContactType(Record):
    first_name: str
    last_name: str
    job_title: str
    email: str
    secondary_email: str
    phone: str
    mobile: str
    portal_access: bool
    account: "AccountType | None"

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.contact_list(actor=info.context.user)


@strawberry_django.type(models.Account, name="Account", filters=AccountFilter, ordering=AccountOrdering)
class AccountType(Record):
    name: str
    legal_form: str
    siren: str
    siret: str
    vat_number: str
    billing_street: str
    billing_postal_code: str
    billing_city: str
    billing_country: str
    shipping_street: str
    shipping_postal_code: str
    shipping_city: str
    shipping_country: str
    phone: str
    email: str
    website: str
    industry: str
    payment_terms_days: int
    parent: "AccountType | None"
    contacts: DjangoListConnection[ContactType] = strawberry_django.connection()
    subsidiaries: DjangoListConnection["AccountType"] = strawberry_django.connection()

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.account_list(actor=info.context.user)
