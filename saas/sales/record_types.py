from django.utils.translation import gettext_lazy as _

from saas.records.registry import Block, RecordType, Relation, add_relation, register
from saas.sales.models import Invoice


def register_record_types() -> None:
    register(RecordType(
        key="invoices", model=Invoice, label=_("Invoice"), label_plural=_("Invoices"), graphql_type="Invoice",
        number_prefix="FA", icon="file-invoice", gapless=True, company_scoped=True, number_on_create=False,
        protected_when={"status": ("issued", "cancelled")},
        header_fields=("number", "account", "issue_date", "total_incl_vat", "status"),
        key_fields=("account", "issue_date", "due_date", "total_excl_vat", "total_vat", "total_incl_vat"),
        quick_create_fields=("account",),
        blocks=(Block("invoice", _("Invoice"), ("company", "account", "contact", "issue_date", "due_date",
                                                "currency", "notes")),
                Block("totals", _("Totals"), ("total_excl_vat", "total_vat", "total_incl_vat"))),
        search_fields=("number", "notes"),
    ))
    add_relation("accounts", Relation("invoices", _("Invoices"), "sales.Invoice", "account"))
    add_relation("contacts", Relation("invoices", _("Invoices"), "sales.Invoice", "contact"))
