"""The public host's graph: signup and slug availability."""

import strawberry
from strawberry_django.optimizer import DjangoOptimizerExtension

from saas.api.errors import mask_errors
from tenants.api.public import PublicMutation, PublicQuery

schema = strawberry.Schema(
    query=PublicQuery,
    mutation=PublicMutation,
    extensions=[DjangoOptimizerExtension, mask_errors],
)
