from django.utils.translation import gettext_lazy as _

from saas.records.registry import Block, Column, RecordType, Relation, Transition, Verb, add_relation, register
from saas.sales import selectors
from saas.sales.models import (
    CreditNote,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    Payment,
    PaymentStatus,
    Quote,
    QuoteStatus,
    SalesOrder,
)
from saas.sales.orders import order_items_check, order_uninvoiced_check
from saas.sales.payments import invoice_payable_check
from saas.sales.quotes import quote_acceptable_check, quote_items_check
from saas.sales.services import credit_note_issue_check, issue_check

NUMBER = Column("display_name", _("Number"), sort="number")  # a draft invoice has no number yet: its name shows
ACCOUNT = Column("account.name", _("Account"))  # the model says "customer"; the lists name the CRM's record
DOCUMENT_FORM = ("account", "contact")
INVOICE_TONES = {InvoiceStatus.ISSUED: "good", InvoiceStatus.CANCELLED: "bad", PaymentStatus.PAID: "good",
                 PaymentStatus.PARTIALLY_PAID: "warn", PaymentStatus.UNPAID: "bad", PaymentStatus.OVERDUE: "bad"}
# Issued once, with a gapless number; an invoice is then cancelled by the credit notes crediting it in full only.
ISSUE = (Transition((InvoiceStatus.DRAFT,), InvoiceStatus.ISSUED, "issue"),)


def register_record_types() -> None:
    register(RecordType(
        key="quotes", list_selector=selectors.quote_list,
        model=Quote, label=_("Quote"), label_plural=_("Quotes"), graphql_type="Quote", number_prefix="DE",
        icon="file-pen", company_scoped=True, protected_when={"status": ("accepted", "converted", "invoiced")},
        header_fields=("number", "account", "date", "total_incl_vat", "status"),
        key_fields=("account", "date", "valid_until", "total_excl_vat", "total_vat", "total_incl_vat"),
        quick_create_fields=("account",),
        blocks=(Block("quote", _("Quote"), ("company", "account", "contact", "date", "valid_until", "currency",
                                            "notes")),
                Block("totals", _("Totals"), ("total_excl_vat", "total_vat", "total_incl_vat"))),
        search_fields=("number", "notes"),
        nav_order=1, add_label=_("Add quote"), list_filters=("status",),
        list_sort="-date", list_search=("number", "account.name"),
        list_columns=("number", ACCOUNT, "date", "valid_until", "status", "total_excl_vat", "total_incl_vat"),
        form_fields=(*DOCUMENT_FORM, "valid_until", "notes"), create_only_fields=("account",),
        tones={QuoteStatus.ACCEPTED: "good", QuoteStatus.CONVERTED: "good", QuoteStatus.INVOICED: "good",
               QuoteStatus.SENT: "warn", QuoteStatus.REFUSED: "bad", QuoteStatus.EXPIRED: "bad"},
        pipelines={"status": (
            Transition((QuoteStatus.DRAFT,), QuoteStatus.SENT, "send"),
            Transition((QuoteStatus.DRAFT, QuoteStatus.SENT), QuoteStatus.ACCEPTED, "accept"),
            Transition((QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED), QuoteStatus.REFUSED, "refuse"),
            Transition((QuoteStatus.SENT,), QuoteStatus.EXPIRED),  # the daily task, past the validity date
            Transition((QuoteStatus.ACCEPTED,), QuoteStatus.CONVERTED, "to_order"),
            Transition((QuoteStatus.CONVERTED,), QuoteStatus.INVOICED),  # its order invoiced in full
        )},
        verbs=(Verb("send", _("Mark as sent"), guard=quote_items_check),
               Verb("accept", _("Accept"), guard=quote_acceptable_check),
               Verb("refuse", _("Refuse")),
               Verb("to_order", _("Convert to order"))),
    ))
    register(RecordType(
        key="sales_orders", list_selector=selectors.order_list,
        model=SalesOrder, label=_("Sales order"), label_plural=_("Sales orders"), graphql_type="SalesOrder",
        number_prefix="BC", icon="clipboard-list", company_scoped=True,
        protected_when={"status": ("partially_invoiced", "invoiced")},
        header_fields=("number", "account", "date", "total_incl_vat", "status"),
        key_fields=("account", "quote", "customer_reference", "total_excl_vat", "total_vat", "total_incl_vat"),
        quick_create_fields=("account",),
        blocks=(Block("order", _("Sales order"), ("company", "account", "contact", "quote", "date",
                                                  "customer_reference", "currency", "notes")),
                Block("subscription", _("Subscription"), ("billing_frequency", "billing_start", "billing_end",
                                                          "next_billing_date", "billing_auto_issue")),
                Block("totals", _("Totals"), ("total_excl_vat", "total_vat", "total_incl_vat"))),
        search_fields=("number", "customer_reference", "notes"),
        nav_order=2, path="orders", add_label=_("Add order"), list_filters=("status",),
        list_sort="-date",
        list_search=("number", "customer_reference", "account.name"),
        list_columns=("number", ACCOUNT, "date", "status", "customer_reference", "total_incl_vat"),
        form_fields=(*DOCUMENT_FORM, "customer_reference", "notes"), create_only_fields=("account",),
        tones={OrderStatus.CONFIRMED: "good", OrderStatus.INVOICED: "good", OrderStatus.PARTIALLY_INVOICED: "warn",
               OrderStatus.CANCELLED: "bad"},
        pipelines={"status": (
            Transition((OrderStatus.DRAFT,), OrderStatus.CONFIRMED, "confirm"),
            Transition((OrderStatus.DRAFT, OrderStatus.CONFIRMED), OrderStatus.CANCELLED, "cancel"),
            # Invoiced in parts (by quantity or progress), or what remains at once.
            *(Transition((OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_INVOICED), invoiced, "to_invoice")
              for invoiced in (OrderStatus.PARTIALLY_INVOICED, OrderStatus.INVOICED)),
        )},
        verbs=(Verb("confirm", _("Confirm"), guard=order_items_check),
               Verb("to_invoice", _("Invoice")),
               Verb("cancel", _("Cancel"), guard=order_uninvoiced_check)),
    ))
    register(RecordType(
        key="invoices", list_selector=selectors.invoice_list,
        model=Invoice, label=_("Invoice"), label_plural=_("Invoices"), graphql_type="Invoice",
        number_prefix="FA", icon="file-invoice", gapless=True, company_scoped=True, number_on_create=False,
        protected_when={"status": ("issued", "cancelled")},
        header_fields=("number", "account", "issue_date", "total_incl_vat", "status"),
        key_fields=("account", "issue_date", "due_date", "total_excl_vat", "total_vat", "total_incl_vat"),
        quick_create_fields=("account",),
        blocks=(Block("invoice", _("Invoice"), ("company", "account", "contact", "issue_date", "due_date",
                                                "currency", "notes")),
                Block("totals", _("Totals"), ("total_excl_vat", "total_vat", "total_incl_vat"))),
        search_fields=("number", "notes"),
        nav_order=3, add_label=_("Add invoice"), list_filters=("status", "payment_status"),
        list_sort="-created_at", list_search=("number", "account.name"),
        list_columns=(NUMBER, ACCOUNT, "issue_date", "due_date", "status",
                      Column("payment_status", _("Payment"), "CHOICE", choices=PaymentStatus.choices),
                      "total_incl_vat", Column("amount_due", _("Amount due"), "MONEY"),
                      Column("total_excl_vat", more=True)),
        form_fields=(*DOCUMENT_FORM, "notes"), create_only_fields=("account",), tones=INVOICE_TONES,
        pipelines={"status": (*ISSUE, Transition((InvoiceStatus.ISSUED,), InvoiceStatus.CANCELLED))},
        # Paid, partially paid, overdue: computed from the allocations (saas.sales.payments), never stored.
        verbs=(Verb("issue", _("Issue"), guard=issue_check),
               Verb("record_payment", _("Record a payment"), guard=invoice_payable_check,
                    states={"status": (InvoiceStatus.ISSUED,)})),
    ))
    register(RecordType(
        key="credit_notes", list_selector=selectors.credit_note_list,
        model=CreditNote, label=_("Credit note"), label_plural=_("Credit notes"),
        graphql_type="CreditNote", number_prefix="AV", icon="file-minus", gapless=True, company_scoped=True,
        number_on_create=False, protected_when={"status": ("issued", "cancelled")},
        header_fields=("number", "account", "invoice", "issue_date", "total_incl_vat", "status"),
        key_fields=("account", "invoice", "reason", "total_excl_vat", "total_vat", "total_incl_vat"),
        blocks=(Block("credit_note", _("Credit note"), ("company", "account", "contact", "invoice", "reason",
                                                        "issue_date", "notes")),
                Block("totals", _("Totals"), ("total_excl_vat", "total_vat", "total_incl_vat"))),
        search_fields=("number", "reason"),
        nav_order=4, add_label=_("Add credit note"), list_filters=("status",),
        list_sort="-created_at", list_search=("number", "account.name"),
        list_columns=(NUMBER, ACCOUNT, "invoice.number", "issue_date", "status", "total_incl_vat"),
        form_fields=("invoice", "reason"), create_only_fields=("invoice", "reason"), tones=INVOICE_TONES,
        pipelines={"status": ISSUE},
        verbs=(Verb("issue", _("Issue"), guard=credit_note_issue_check),),
    ))
    register(RecordType(
        key="payments", list_selector=selectors.payment_list,
        model=Payment, label=_("Payment"), label_plural=_("Payments"), graphql_type="Payment",
        number_prefix="REG", icon="banknote",
        header_fields=("number", "account", "date", "amount", "method"),
        key_fields=("account", "date", "amount", "method", "reference"),
        blocks=(Block("payment", _("Payment"), ("company", "account", "date", "amount", "method", "reference")),),
        search_fields=("number", "reference"),
        nav_order=5, add_label=_("Add payment"), list_filters=("method",),
        list_sort="-date", list_search=("number", "reference", "account.name"),
        list_columns=("number", ACCOUNT, "date", "method", "reference", "amount",
                      Column("unallocated", _("Unallocated"), "MONEY")),
        form_fields=("account", "date", "amount", "method", "reference"),
        create_only_fields=("account", "date", "amount", "method", "reference"), defaulted_fields=("date",),
    ))
    add_relation("quotes", Relation("orders", _("Orders"), "sales.SalesOrder", "quote"))
    add_relation("sales_orders", Relation("invoices", _("Invoices"), "sales.Invoice", "order"))
    add_relation("accounts", Relation("quotes", _("Quotes"), "sales.Quote", "account"))
    add_relation("accounts", Relation("orders", _("Orders"), "sales.SalesOrder", "account"))
    add_relation("contacts", Relation("quotes", _("Quotes"), "sales.Quote", "contact"))
    add_relation("invoices", Relation("credit_notes", _("Credit notes"), "sales.CreditNote", "invoice"))
    add_relation("accounts", Relation("invoices", _("Invoices"), "sales.Invoice", "account"))
    add_relation("accounts", Relation("credit_notes", _("Credit notes"), "sales.CreditNote", "account"))
    add_relation("accounts", Relation("payments", _("Payments"), "sales.Payment", "account"))
    add_relation("contacts", Relation("invoices", _("Invoices"), "sales.Invoice", "contact"))
