import strawberry
import strawberry_django
from strawberry.types import Info

from saas.companies import selectors
from saas.companies.api.types import CompanyType
from saas.core.graph import IsMember


@strawberry.type
class CompaniesQuery:
    @strawberry_django.field(permission_classes=[IsMember], description="The tenant's legal entities.")
    def companies(self, info: Info) -> list[CompanyType]:
        return selectors.company_list(actor=info.context.user)
