from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "saas.sales"
    label = "sales"
    verbose_name = "Sales documents"

    def ready(self) -> None:
        from saas.sales.record_types import register_record_types

        register_record_types()
