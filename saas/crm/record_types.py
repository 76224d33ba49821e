from django.utils.translation import gettext_lazy as _

from saas.crm import selectors
from saas.crm.leads import lead_fields_clean
from saas.crm.models import Account, Contact, Deal, DealStage, Lead, LeadStatus
from saas.crm.services import account_fields_clean, contact_fields_clean
from saas.records.registry import Block, Column, RecordType, Relation, Transition, Verb, moves, register


def register_record_types() -> None:
    register(RecordType(
        key="accounts", create_clean=account_fields_clean, bulk_create=True, list_selector=selectors.account_list,
        model=Account, label=_("Account"), label_plural=_("Accounts"), graphql_type="Account",
        number_prefix="ACC", icon="building",
        header_fields=("number", "billing_city", "phone", "owner"),
        key_fields=("industry", "siren", "vat_number", "payment_terms_days", "email", "website"),
        quick_create_fields=("name", "phone", "email", "billing_city"),
        blocks=(
            Block("identity", _("Account"), ("name", "legal_form", "siren", "siret", "vat_number", "industry",
                                             "parent")),
            Block("contact", _("Contact details"), ("phone", "email", "website")),
            Block("billing", _("Billing address"), ("billing_street", "billing_postal_code", "billing_city",
                                                   "billing_country")),
            Block("shipping", _("Shipping address"), ("shipping_street", "shipping_postal_code", "shipping_city",
                                                     "shipping_country")),
            Block("terms", _("Terms"), ("payment_terms_days", "language")),
        ),
        relations=(
            Relation("contacts", _("Contacts"), "crm.Contact", "account"),
            Relation("deals", _("Deals"), "crm.Deal", "account"),
            Relation("leads", _("Converted leads"), "crm.Lead", "converted_account"),
            Relation("subsidiaries", _("Subsidiaries"), "crm.Account", "parent"),
        ),
        search_fields=("name", "siren", "vat_number", "email", "billing_city", "phone"),
        filter_fields=("name", "number", "siren", "vat_number", "industry", "billing_city", "billing_country",
                       "created_at", "parent"),
        ordering_fields=("name", "number", "created_at", "updated_at", "billing_city"),
        nav_order=1, add_label=_("Add account"), list_sort="name", list_search=("name", "number", "billing_city"),
        list_columns=("name", "number", Column("billing_city", _("City")), "phone", "email",
                      *(Column(name, more=True) for name in ("siren", "vat_number", "industry", "website"))),
    ))
    register(RecordType(
        key="contacts", create_clean=contact_fields_clean, bulk_create=True, list_selector=selectors.contact_list,
        model=Contact, label=_("Contact"), label_plural=_("Contacts"), graphql_type="Contact",
        number_prefix="CON", icon="user",
        header_fields=("number", "account", "job_title", "email", "phone"),
        key_fields=("account", "job_title", "email", "phone", "mobile", "portal_access"),
        quick_create_fields=("first_name", "last_name", "email", "account"),
        blocks=(
            Block("identity", _("Contact"), ("first_name", "last_name", "job_title", "account")),
            Block("reach", _("Contact details"), ("email", "secondary_email", "phone", "mobile")),
            Block("portal", _("Portal"), ("portal_access",)),
        ),
        relations=(
            Relation("deals", _("Deals"), "crm.Deal", "contact"),
            Relation("leads", _("Converted leads"), "crm.Lead", "converted_contact"),
        ),
        search_fields=("first_name", "last_name", "email", "phone", "mobile", "job_title"),
        filter_fields=("last_name", "first_name", "email", "job_title", "portal_access", "number", "account"),
        ordering_fields=("last_name", "first_name", "created_at", "updated_at", "number"),
        nav_order=2, add_label=_("Add contact"), list_sort="last_name",
        list_search=("last_name", "first_name", "email", "number", "account.name"),
        list_columns=(Column("display_name", _("Name"), sort="last_name"), "number", "account.name", "job_title",
                      "email", "phone", Column("mobile", more=True)),
    ))
    register(RecordType(
        key="leads", create_clean=lead_fields_clean, bulk_create=True, list_selector=selectors.lead_list,
        model=Lead, label=_("Lead"), label_plural=_("Leads"), graphql_type="Lead",
        number_prefix="LEA", icon="target",
        header_fields=("number", "company", "status", "lead_source", "owner"),
        key_fields=("company", "email", "phone", "status", "lead_source", "city"),
        quick_create_fields=("first_name", "last_name", "company", "email", "phone"),
        blocks=(
            Block("identity", _("Lead"), ("first_name", "last_name", "company", "job_title", "industry")),
            Block("reach", _("Contact details"), ("email", "phone", "mobile", "website")),
            Block("address", _("Address"), ("street", "postal_code", "city", "country")),
            Block("qualification", _("Qualification"), ("lead_source", "status", "description")),
            Block("conversion", _("Conversion"), ("converted_at", "converted_account", "converted_contact",
                                                  "converted_deal")),
        ),
        pipelines={"status": (
            *moves("set_status", {
                LeadStatus.NEW: [LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.LOST],
                LeadStatus.CONTACTED: [LeadStatus.QUALIFIED, LeadStatus.LOST],
                LeadStatus.QUALIFIED: [LeadStatus.CONTACTED, LeadStatus.LOST],
                LeadStatus.LOST: [LeadStatus.NEW],
            }),
            Transition((LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED), LeadStatus.CONVERTED, "convert"),
        )},
        verbs=(Verb("convert", _("Convert")),),
        search_fields=("first_name", "last_name", "company", "email", "phone", "city"),
        filter_fields=("last_name", "company", "email", "city", "status", "lead_source", "created_at"),
        ordering_fields=("last_name", "company", "created_at", "status"),
        read_only_fields=("converted_at", "converted_account", "converted_contact", "converted_deal"),
        form_fields=("first_name", "last_name", "company", "job_title", "industry", "email", "phone", "mobile",
                     "website", "street", "postal_code", "city", "country", "lead_source", "description"),
        nav_order=3, add_label=_("Add lead"), list_sort="-created_at", list_filters=("status", "lead_source"),
        list_search=("last_name", "company", "email", "city"),
        list_columns=(Column("display_name", _("Name"), sort="last_name"), "company", "email", "status", "lead_source",
                      Column("phone", more=True), Column("city", more=True)),
        tones={LeadStatus.QUALIFIED: "good", LeadStatus.CONVERTED: "good", LeadStatus.CONTACTED: "warn",
               LeadStatus.LOST: "bad"},
    ))
    register(RecordType(
        key="deals", list_selector=selectors.deal_list,
        model=Deal, label=_("Deal"), label_plural=_("Deals"), graphql_type="Deal",
        number_prefix="AFF", icon="handshake",
        header_fields=("number", "account", "amount", "stage", "expected_close_date"),
        key_fields=("account", "contact", "amount", "probability", "stage", "expected_close_date"),
        quick_create_fields=("name", "account", "amount", "expected_close_date"),
        blocks=(Block("deal", _("Deal"), ("name", "account", "contact", "amount", "probability", "stage",
                                          "expected_close_date")),),
        pipelines={"stage": moves("move", {
            DealStage.PROSPECTING: [DealStage.QUALIFICATION, DealStage.PROPOSAL, DealStage.LOST],
            DealStage.QUALIFICATION: [DealStage.PROSPECTING, DealStage.PROPOSAL, DealStage.LOST],
            DealStage.PROPOSAL: [DealStage.NEGOTIATION, DealStage.WON, DealStage.LOST],
            DealStage.NEGOTIATION: [DealStage.PROPOSAL, DealStage.WON, DealStage.LOST],
            DealStage.LOST: [DealStage.PROSPECTING],
        })},
        search_fields=("name",),
        filter_fields=("name", "stage", "amount", "expected_close_date", "account"),
        ordering_fields=("name", "amount", "expected_close_date", "created_at"),
        nav_order=4, add_label=_("Add deal"), list_filters=("stage",),
        list_sort="-expected_close_date", list_search=("name", "account.name"),
        list_columns=("name", "account.name", "stage", "amount", Column("probability", kind="PERCENT"),
                      "expected_close_date"),
        tones={DealStage.WON: "good", DealStage.PROPOSAL: "warn", DealStage.NEGOTIATION: "warn", DealStage.LOST: "bad"},
    ))
