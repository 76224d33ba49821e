from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "saas.banking"
    label = "banking"
    verbose_name = "Banking"
