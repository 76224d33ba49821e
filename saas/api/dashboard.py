"""The home page's figures: sales per month, overdue invoices, my activities (the deal pipeline is crm's
`dealPipeline`).

Each figure is an aggregate computed by the selector of the app that owns the data (sales, records); this type
only gathers them, and each field runs only when asked for.
"""

import datetime as dt
from decimal import Decimal

import strawberry
from django.utils import timezone
from strawberry.types import Info

from saas.core.graph import IsMember
from saas.records.selectors.records import activity_counts_for_user
from saas.sales.selectors import invoice_overdue_summary, invoice_sales_by_month

MAX_MONTHS = 24


@strawberry.type
class MonthAmount:
    month: dt.date = strawberry.field(description="The first day of the month.")
    amount: Decimal


@strawberry.type
class OverdueInvoices:
    count: int
    amount_due: Decimal


@strawberry.type
class ActivityCounts:
    overdue: int
    today: int
    later: int
    undated: int


@strawberry.type(description="Figures of the home page, for the member asking.")
class Dashboard:
    @strawberry.field(description="Issued invoices' totals excl. VAT per month of issue, the last `months` "
                                  "months up to this one (at most 24).")
    def sales_by_month(self, info: Info, months: int = 6) -> list[MonthAmount]:
        rows = invoice_sales_by_month(actor=info.context.user, months=min(max(months, 1), MAX_MONTHS))
        return [MonthAmount(month=month, amount=amount) for month, amount in rows]

    @strawberry.field(description="Issued invoices past their due date with money still due.")
    def overdue_invoices(self, info: Info) -> OverdueInvoices:
        count, amount = invoice_overdue_summary(actor=info.context.user)
        return OverdueInvoices(count=count, amount_due=amount)

    @strawberry.field(description="My open activities (mine or my teams'), by when they are due.")
    def my_activities(self, info: Info) -> ActivityCounts:
        return ActivityCounts(**activity_counts_for_user(actor=info.context.user, now=timezone.now()))


@strawberry.type
class DashboardQuery:
    @strawberry.field(permission_classes=[IsMember], description="The home page's figures.")
    def dashboard(self) -> Dashboard:
        return Dashboard()
