"""URLs of the tenant hosts (<slug>.BASE_DOMAIN): GraphQL, web app, portals."""

from django.urls import include, path, re_path

from saas.api.schema import schema
from saas.api.views import TenantGraphQLView
from web import errors, views
from web.app import actions, auth, emails, entries, forms, home, imports, lines, list_actions, lists, passwords, records
from web.app.settings import access as settings_access
from web.app.settings import automation as settings_automation
from web.app.settings import company as settings_company
from web.app.settings import mailing as settings_mailing
from web.app.settings import members as settings_members
from web.app.settings import records as settings_records
from web.app.settings import workflows as settings_workflows

urlpatterns = [
    path("", home.home, name="tenant-home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("auth/switch/", auth.switch_login, name="tenant-switch-login"),
    path("switch/", auth.switch, name="tenant-switch"),
    path("preferences/", auth.preferences, name="preferences"),
    path("preferences/password/", passwords.password_change, name="password-change"),
    path("password-reset/", passwords.password_reset, name="password-reset"),
    path("password-reset/<str:token>/", passwords.password_reset_confirm, name="password-reset-confirm"),
    path("preferences/api-tokens/revoke-all/", passwords.api_tokens_revoke_all, name="my-api-tokens-revoke-all"),
    path("invitation/<str:token>/", auth.invitation, name="invitation"),
    path("settings/users/", settings_members.users, name="settings-users"),
    path("settings/roles/", settings_access.roles, name="settings-roles"),
    path("settings/profiles/", settings_access.profiles, name="settings-profiles"),
    path("settings/profiles/<str:profile_id>/", settings_access.profile, name="settings-profile"),
    path("settings/sharing/", settings_access.sharing, name="settings-sharing"),
    path("settings/teams/", settings_access.teams, name="settings-teams"),
    path("settings/company/", settings_company.company, name="settings-company"),
    path("settings/numbering/", settings_records.numbering, name="settings-numbering"),
    path("settings/layouts/", settings_records.layouts, name="settings-layouts"),
    path("settings/custom-fields/", settings_records.custom_fields, name="settings-custom-fields"),
    path("settings/tags/", settings_records.tags, name="settings-tags"),
    path("settings/api-tokens/", settings_company.api_tokens, name="settings-api-tokens"),
    path("settings/lead-conversion/", settings_company.lead_conversion, name="settings-lead-conversion"),
    path("settings/event-log/", settings_automation.event_log, name="settings-event-log"),
    path("settings/planner/", settings_automation.planner, name="settings-planner"),
    path("settings/workflows/", settings_workflows.workflow_list, name="settings-workflows"),
    path("settings/workflows/new/", settings_workflows.workflow_edit, name="settings-workflow-new"),
    path("settings/workflows/<str:workflow_id>/", settings_workflows.workflow_edit, name="settings-workflow-edit"),
    path("settings/workflows/<str:workflow_id>/runs/", settings_workflows.workflow_runs,
         name="settings-workflow-runs"),
    path("settings/email-templates/", settings_mailing.email_templates, name="settings-email-templates"),
    path("settings/email-templates/new/", settings_mailing.email_template_edit, name="settings-email-template-new"),
    path("settings/email-templates/<str:template_id>/", settings_mailing.email_template_edit,
         name="settings-email-template-edit"),
    path("settings/email/", settings_mailing.smtp_settings, name="settings-smtp"),
    path("search/", home.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("records/<str:record_id>/", records.record_page, name="record"),
    path("records/<str:record_id>/tabs/<slug:tab>/", records.record_tab, name="record-tab"),
    path("records/<str:record_id>/comments/", records.record_comments, name="record-comments"),
    path("records/<str:record_id>/preview/", records.record_preview, name="record-preview"),
    path("records/<str:record_id>/documents/", records.record_documents, name="record-documents"),
    path("records/<str:record_id>/edit/", forms.record_edit, name="record-edit"),
    path("records/<str:record_id>/lines/", lines.record_lines, name="record-lines"),
    path("records/<str:record_id>/actions/<slug:action>/", actions.record_action, name="record-action"),
    path("records/<str:record_id>/payment/", actions.record_payment, name="record-payment"),
    path("records/<str:record_id>/email/", actions.record_email, name="record-email"),
    path("records/<str:record_id>/send-email/", emails.record_email_send, name="record-email-send"),
    path("records/<str:record_id>/workflows/run/", settings_workflows.record_workflow_run,
         name="record-workflow-run"),
    path("lookup/<slug:module>/", forms.lookup, name="form-lookup"),
    path("documents/<int:document_id>/download/", views.document_download, name="document-download"),
    path("graphql/", TenantGraphQLView.as_view(schema=schema, graphql_ide="graphiql",
                                               multipart_uploads_enabled=True)),
    path("healthz", views.healthz),
    # The platform admin answers on the public host only; here the list pages below would take `admin`.
    re_path(r"^admin(/|$)", errors.not_found),
    # Last: the list pages take the remaining first-level paths (/accounts/, /invoices/…).
    path("journal-entries/new/", entries.entry_new, name="entry-new"),
    path("imports/<str:import_id>/", imports.import_page, name="import"),
    path("<slug:key>/import/", imports.record_import, name="record-import"),
    path("<slug:key>/new/", forms.record_new, name="record-new"),
    path("<slug:key>/quick-create/", forms.quick_create, name="form-quick"),
    path("<slug:key>/export.csv", list_actions.export_csv, name="record-list-export"),
    path("<slug:key>/bulk/", list_actions.bulk_action, name="record-list-bulk"),
    path("<slug:key>/saved-filters/", list_actions.saved_filter_save, name="saved-filter-save"),
    path("<slug:key>/saved-filters/delete/", list_actions.saved_filter_delete, name="saved-filter-delete"),
    path("<slug:key>/", lists.record_list, name="record-list"),
]

# The product's own error pages (web.errors), on every host.
handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
