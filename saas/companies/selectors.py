"""Reads of the tenant's companies."""

from django.db.models import QuerySet

from saas.companies.models import Company


def company_list(*, actor) -> QuerySet[Company]:
    """The companies the actor may see (every member sees them all for now)."""
    return Company.objects.all()


def company_get_for_actor(*, actor, company_id) -> Company | None:
    return company_list(actor=actor).filter(pk=company_id).first() if company_id is not None else None


def company_default() -> Company | None:
    """The company a document belongs to when its caller names none."""
    return Company.objects.filter(is_default=True).first()


def is_company_model(model) -> bool:
    return model is Company
