from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from saas.core.http import client_address
from tenants import passwords
from tenants.models import Domain, Membership, Tenant, TenantAuditEvent, User


class PlatformLoginForm(AdminAuthenticationForm):
    """The platform admin's login (public host) counts failures like the tenants' login (tenants.passwords):
    per account and per address, and past the limit every attempt is refused until the window closes; then only
    platform staff (`is_staff`) get in."""

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = passwords.login_attempt(email=email, password=password,
                                                          client_address=client_address(self.request))
            except passwords.TooManyAttempts:
                raise
            except ValidationError:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = PlatformLoginForm


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
