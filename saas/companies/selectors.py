"""Reads of the tenant's companies."""

from django.db.models import QuerySet

from saas.companies.models import Company


def company_list(*, actor) -> QuerySet[Company]:
    """The companies the actor may see (every member sees them all for now)."""
    return Company.objects.all()


def company_get_for_actor(*, actor, company_id) -> Company | None:
    return company_list(actor=actor).filter(pk=company_id).first() if company_id is not None else None
