from django.utils.translation import gettext_lazy as _

from saas.crm.models import Account, Contact
from saas.records.registry import Block, RecordType, Relation, register


def register_record_types() -> None:
    register(RecordType(
        key="accounts", model=Account, label=_("Account"), label_plural=_("Accounts"), graphql_type="Account",
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
            Block("terms", _("Terms"), ("payment_terms_days",)),
        ),
        relations=(
            Relation("contacts", _("Contacts"), "crm.Contact", "account"),
            Relation("subsidiaries", _("Subsidiaries"), "crm.Account", "parent"),
        ),
        search_fields=("name", "siren", "vat_number", "email", "billing_city", "phone"),
    ))
    register(RecordType(
        key="contacts", model=Contact, label=_("Contact"), label_plural=_("Contacts"), graphql_type="Contact",
        number_prefix="CON", icon="user",
        header_fields=("number", "account", "job_title", "email", "phone"),
        key_fields=("account", "job_title", "email", "phone", "mobile", "portal_access"),
        quick_create_fields=("first_name", "last_name", "email", "account"),
        blocks=(
            Block("identity", _("Contact"), ("first_name", "last_name", "job_title", "account")),
            Block("reach", _("Contact details"), ("email", "secondary_email", "phone", "mobile")),
            Block("portal", _("Portal"), ("portal_access",)),
        ),
        search_fields=("first_name", "last_name", "email", "phone", "mobile", "job_title"),
    ))
