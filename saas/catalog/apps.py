from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "saas.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from saas.catalog.record_types import register_record_types

        register_record_types()
