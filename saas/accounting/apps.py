from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "saas.accounting"
    label = "accounting"
    verbose_name = "Accounting"

    def ready(self) -> None:
        from saas.accounting import posting
        from saas.accounting.record_types import register_record_types

        register_record_types()
        posting.connect()
