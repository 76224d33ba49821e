"""Reads of the tenant's companies."""

from django.db.models import QuerySet

from saas.companies.models import Company


def company_list(*, actor) -> QuerySet[Company]:
    """The companies the actor may see (every member sees them all for now)."""
    return Company.objects.all()
