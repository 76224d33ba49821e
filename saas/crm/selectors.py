"""Reads of accounts, contacts, leads and deals, always for an actor (access rights plug in here)."""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum

from saas.access.visibility import visible
from saas.crm.models import Account, Contact, Deal, DealStage, Lead


def account_list(*, actor, include_deleted: bool = False) -> QuerySet[Account]:
    """The accounts the actor may see (saas.access.visibility)."""
    accounts = visible(Account.objects.all(), actor=actor, module="accounts")
    return accounts if include_deleted else accounts.filter(deleted_at__isnull=True)


def contact_list(*, actor, include_deleted: bool = False) -> QuerySet[Contact]:
    contacts = visible(Contact.objects.all(), actor=actor, module="contacts")
    return contacts if include_deleted else contacts.filter(deleted_at__isnull=True)


def lead_list(*, actor, include_deleted: bool = False) -> QuerySet[Lead]:
    leads = visible(Lead.objects.all(), actor=actor, module="leads")
    return leads if include_deleted else leads.filter(deleted_at__isnull=True)


def deal_list(*, actor, include_deleted: bool = False) -> QuerySet[Deal]:
    deals = visible(Deal.objects.all(), actor=actor, module="deals")
    return deals if include_deleted else deals.filter(deleted_at__isnull=True)


def deal_pipeline(*, actor) -> list[dict]:
    """Per stage: number of open deals, total amount and amount weighted by probability, in one query."""
    weighted = ExpressionWrapper(F("amount") * F("probability") / 100,
                                 output_field=DecimalField(max_digits=16, decimal_places=2))
    rows = {row["stage"]: row for row in deal_list(actor=actor).order_by().values("stage").annotate(
        deal_count=Count("id"), total=Sum("amount"), weighted=Sum(weighted))}
    cent = Decimal("0.01")
    return [{"stage": stage, "count": rows.get(stage, {}).get("deal_count", 0),
             "amount": rows.get(stage, {}).get("total") or 0,
             "weighted": Decimal(rows.get(stage, {}).get("weighted") or 0).quantize(cent)}
            for stage in DealStage.values]
