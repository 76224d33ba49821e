from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "saas.mailing"
    label = "mailing"
    verbose_name = "Mailing"
