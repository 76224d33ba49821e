"""URLs of the tenant hosts (<slug>.BASE_DOMAIN): GraphQL, web app, portals."""

from django.conf import settings
from django.urls import include, path

from saas.api.schema import schema
from saas.api.views import TenantGraphQLView
from web import views
from web.app import auth, home, lists, records

urlpatterns = [
    path("", home.home, name="tenant-home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("auth/switch/", auth.switch_login, name="tenant-switch-login"),
    path("switch/", auth.switch, name="tenant-switch"),
    path("preferences/", auth.preferences, name="preferences"),
    path("search/", home.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("records/<str:record_id>/", records.record_page, name="record"),
    path("records/<str:record_id>/tabs/<slug:tab>/", records.record_tab, name="record-tab"),
    path("records/<str:record_id>/comments/", records.record_comments, name="record-comments"),
    path("documents/<int:document_id>/download/", views.document_download, name="document-download"),
    path("graphql/", TenantGraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.DEBUG else None,
                                               multipart_uploads_enabled=True)),
    path("healthz", views.healthz),
    # Last: the list pages take the remaining first-level paths (/accounts/, /invoices/…).
    path("<slug:key>/", lists.record_list, name="record-list"),
]
