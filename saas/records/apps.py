from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "saas.records"
    label = "records"
    verbose_name = "Record engine"
