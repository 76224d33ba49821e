"""Writes on the tenant's companies."""

from saas.companies.models import Company
from saas.core.tenancy import TenantSeed


def company_create(*, name: str, is_default: bool = False, **fields) -> Company:
    """Create a legal entity of the tenant; the first one becomes the default."""
    if not Company.objects.exists():
        is_default = True
    company = Company(name=name, is_default=is_default, **fields)
    company.full_clean()
    company.save()
    return company


def company_create_at_signup(seed: TenantSeed) -> None:
    """Every tenant starts with one company, named from the signup form."""
    company_create(name=seed.company_name, is_default=True)
