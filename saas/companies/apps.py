from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "saas.companies"
    label = "companies"
    verbose_name = "Companies"

    def ready(self) -> None:
        from saas.companies.services import company_create_at_signup
        from saas.core.tenancy import register_tenant_initializer

        register_tenant_initializer(company_create_at_signup)
