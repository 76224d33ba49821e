from django.apps import AppConfig


class SepaConfig(AppConfig):
    name = "saas.sepa"
    label = "sepa"
    verbose_name = "SEPA direct debit"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from saas.access import modules

        # Not records (no owner): module rights only.
        modules.register("sepa_mandates", area="sepa", label=_("SEPA mandates"), owned=False)
        modules.register("direct_debits", area="sepa", label=_("Direct debits"), owned=False)
