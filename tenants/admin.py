from django.contrib import admin

from tenants.models import Domain, Membership, Tenant, TenantAuditEvent, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["schema_name", "name", "status", "plan", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["schema_name", "name"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "kind", "is_admin", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(TenantAuditEvent)
class TenantAuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "tenant_slug"]
    list_filter = ["action"]
    search_fields = ["tenant_slug", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
