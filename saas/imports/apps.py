from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "saas.imports"
    label = "imports"
    verbose_name = "Imports"
