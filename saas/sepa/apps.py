from django.apps import AppConfig


class SepaConfig(AppConfig):
    name = "saas.sepa"
    label = "sepa"
    verbose_name = "SEPA direct debit"
