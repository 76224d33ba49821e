"""The tenant's legal entities in the graph."""

from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.types import Info

from saas.companies import selectors, services
from saas.companies.api.types import CompanyType
from saas.core.graph import IsMember, IsTenantAdmin, global_pk, mutation


@strawberry.input
class CompanyInput:
    name: str | None = UNSET
    legal_form: str | None = UNSET
    share_capital: Decimal | None = UNSET
    siren: str | None = UNSET
    siret: str | None = UNSET
    vat_number: str | None = UNSET
    rcs: str | None = UNSET
    street: str | None = UNSET
    postal_code: str | None = UNSET
    city: str | None = UNSET
    country: str | None = UNSET
    iban: str | None = UNSET
    bic: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    website: str | None = UNSET
    payment_terms_days: int | None = UNSET
    late_penalty_text: str | None = UNSET
    terms: str | None = UNSET


def _fields(data: CompanyInput) -> dict:
    nullable = {"share_capital", "payment_terms_days"}
    return {name: ("" if value is None and name not in nullable else value)
            for name, value in vars(data).items() if value is not UNSET}


@strawberry.type
class CompaniesQuery:
    @strawberry_django.field(permission_classes=[IsMember], description="The tenant's legal entities.")
    def companies(self, info: Info) -> list[CompanyType]:
        return selectors.company_list(actor=info.context.user)


@strawberry.type
class CompaniesMutation:
    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin],
                                description="Add a legal entity to the tenant.")
    @mutation
    def company_create(self, info: Info, input: CompanyInput, is_default: bool = False) -> CompanyType:
        fields = _fields(input)
        return services.company_create(name=fields.pop("name", ""), is_default=is_default, **fields)

    @strawberry_django.mutation(handle_django_errors=True, permission_classes=[IsTenantAdmin])
    @mutation
    def company_update(self, info: Info, id: relay.GlobalID, input: CompanyInput) -> CompanyType:
        company = selectors.company_get_for_actor(actor=info.context.user, company_id=global_pk(id, "Company"))
        if company is None:
            raise ValidationError({"id": ValidationError(_("No such company."), code="not_found")})
        return services.company_update(actor=info.context.user, company=company, fields=_fields(input))
