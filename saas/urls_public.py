"""URLs of the public host (BASE_DOMAIN): signup, platform admin, public GraphQL."""

from django.contrib import admin
from django.urls import include, path

from saas.api.public_schema import schema
from saas.api.views import PublicGraphQLView
from web import views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("signup/", views.signup, name="signup"),
    path("signup/slug/", views.slug_check, name="signup-slug"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("graphql/", PublicGraphQLView.as_view(schema=schema, graphql_ide="graphiql")),
    path("healthz", views.healthz),
]

# The product's own error pages (web.errors), on every host.
handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
