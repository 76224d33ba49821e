"""URLs of the tenant hosts (<slug>.BASE_DOMAIN): GraphQL, web app, portals."""

from django.conf import settings
from django.urls import path

from saas.api.schema import schema
from saas.api.views import TenantGraphQLView
from web import views

urlpatterns = [
    path("", views.tenant_home, name="tenant-home"),
    path("auth/switch/", views.tenant_switch_login, name="tenant-switch-login"),
    path("documents/<int:document_id>/download/", views.document_download, name="document-download"),
    path("graphql/", TenantGraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.DEBUG else None,
                                               multipart_uploads_enabled=True)),
    path("healthz", views.healthz),
]
