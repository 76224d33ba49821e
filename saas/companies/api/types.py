from decimal import Decimal

import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info

from saas.companies import models, selectors
from saas.core.graph import TenantNode


@strawberry_django.type(models.Company, name="Company")
class CompanyType(TenantNode):
    name: str
    legal_form: str
    share_capital: Decimal | None
    rcs: str
    iban: str
    bic: str
    website: str
    payment_terms_days: int
    late_penalty_text: str
    terms: str
    siren: str
    siret: str
    vat_number: str
    street: str
    postal_code: str
    city: str
    country: str
    email: str
    phone: str
    is_default: bool

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset & selectors.company_list(actor=info.context.user)
