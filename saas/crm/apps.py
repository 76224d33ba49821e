from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "saas.crm"
    label = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from saas.crm.record_types import register_record_types

        register_record_types()
