from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "saas.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from saas.access.roles import roles_at_signup
        from saas.access.services import api_tokens_revoke_for_member
        from saas.core.tenancy import register_member_departure, register_tenant_initializer

        register_tenant_initializer(roles_at_signup)
        register_member_departure(api_tokens_revoke_for_member)
