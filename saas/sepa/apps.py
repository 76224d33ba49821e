from django.apps import AppConfig


class SepaConfig(AppConfig):
    name = "saas.sepa"
    label = "sepa"
    verbose_name = "SEPA direct debit"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from saas.access import modules
        from saas.sales.reminders import reminder_exclusion_register
        from saas.sepa.selectors import without_live_direct_debit

        # Not records (no owner): module rights only.
        modules.register("sepa_mandates", area="sepa", label=_("SEPA mandates"), owned=False)
        modules.register("direct_debits", area="sepa", label=_("Direct debits"), owned=False)
        # An invoice a live batch is collecting gets no payment reminder.
        reminder_exclusion_register(without_live_direct_debit)
