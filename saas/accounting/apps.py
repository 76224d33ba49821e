from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "saas.accounting"
    label = "accounting"
    verbose_name = "Accounting"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from saas.access import modules
        from saas.accounting import posting
        from saas.accounting.record_types import register_record_types
        from saas.sales.bookkeeping import Bookkeeper, bookkeeper_register

        register_record_types()
        # The books as a whole: reports, VAT return, FEC, fiscal years, journals and the chart of accounts.
        modules.register("accounting", area="accounting", label=_("Books and reports"), owned=False)
        # Issuing, payments and allocations post their entries in their own transaction (DOMAIN.md 4.3).
        bookkeeper_register(Bookkeeper(document_issued=posting.on_document_issued,
                                       payment_recorded=posting.on_payment_recorded,
                                       allocation_changed=posting.on_allocation_changed))
