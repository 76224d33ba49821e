"""Reads of SEPA direct debit: mandates, batches, and the invoices a batch may collect."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from saas.access.visibility import visible
from saas.companies.selectors import company_default
from saas.sales.selectors import invoices_with_amounts, issued_euro_invoices
from saas.sepa.models import BatchStatus, CreditorSettings, DirectDebitBatch, MandateStatus, SepaMandate

if TYPE_CHECKING:
    from saas.companies.models import Company
    from saas.sales.models import Invoice

# A batch in these states holds its invoices: they are not collected twice.
HOLDING = (BatchStatus.DRAFT, BatchStatus.GENERATED, BatchStatus.SENT)


def mandate_list(*, actor) -> QuerySet[SepaMandate]:
    return visible(SepaMandate.objects.all(), actor=actor, module="sepa_mandates")


def batch_list(*, actor) -> QuerySet[DirectDebitBatch]:
    return visible(DirectDebitBatch.objects.all(), actor=actor, module="direct_debits")


def creditor_settings_get(*, company: Company | None = None) -> CreditorSettings | None:
    company = company or company_default()
    return CreditorSettings.objects.filter(company=company).first()


def without_live_direct_debit(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """The invoices no live batch holds: those it holds are being collected, so no payment reminder for them."""
    return invoices.exclude(direct_debit_lines__batch__status__in=HOLDING)


def collectable_invoices(*, company: Company, scheme: str, collection_date: dt.date) -> QuerySet[Invoice]:
    """Issued euro invoices of `company` due by `collection_date` with an amount still due, whose customer has an
    active mandate of `scheme` (annotated `mandate_id`: the latest signed), and that no live batch holds."""
    mandate = SepaMandate.objects.filter(account=OuterRef("account"), status=MandateStatus.ACTIVE,
                                         scheme=scheme).order_by("-signature_date", "-id").values("pk")[:1]
    invoices = issued_euro_invoices(company_id=company.pk).alias(
        due_on=Coalesce("due_date", "issue_date")).filter(due_on__lte=collection_date).exclude(
        direct_debit_lines__batch__status__in=HOLDING)
    return invoices_with_amounts(invoices).annotate(mandate_id=Subquery(mandate)).filter(
        open_amount__gt=0, mandate_id__isnull=False).order_by("due_date", "number")
