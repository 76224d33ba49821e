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

        register_record_types()
        # The books as a whole: reports, VAT return, FEC, fiscal years, journals and the chart of accounts.
        modules.register("accounting", area="accounting", label=_("Books and reports"), owned=False)
        posting.connect()
