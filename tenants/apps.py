from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and identities"

    def ready(self):
        from tenants.rollout import install_has_table_lookup

        # Every migration run checks its table; Django's check scans the catalog, which grows with each tenant.
        install_has_table_lookup()
