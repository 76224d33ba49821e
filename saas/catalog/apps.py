from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "saas.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from saas.access import modules
        from saas.catalog.record_types import register_record_types

        register_record_types()
        modules.register("price_lists", area="catalog", label=_("Price lists"), owned=False)
