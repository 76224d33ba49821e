"""The public host's graph: signup and slug availability."""

import strawberry
from django.conf import settings
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

from saas.api.authority import AccessAuthority
from saas.api.errors import InputErrors, mask_errors
from saas.api.limits import QueryLimits
from saas.core.graph import install_authority
from tenants.api.public import PublicMutation, PublicQuery

install_authority(AccessAuthority())

schema = strawberry.Schema(
    query=PublicQuery,
    mutation=PublicMutation,
    extensions=[DjangoOptimizerExtension, mask_errors, InputErrors, QueryLimits, ValidationCache],
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE),
)
