from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "saas.banking"
    label = "banking"
    verbose_name = "Banking"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from saas.access import modules

        # Not records (no owner): module rights only.
        modules.register("bank_accounts", area="banking", label=_("Bank accounts"), owned=False)
        modules.register("bank_transactions", area="banking", label=_("Bank transactions"), owned=False)
