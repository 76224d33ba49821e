"""Error masking: unless DEBUG, unexpected errors reach clients as a generic message."""

from django.conf import settings
from strawberry.extensions import MaskErrors

from graphql import GraphQLError


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a code; anything else is a bug whose details stay in the logs."""
    if error.extensions and error.extensions.get("code"):
        return False
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def should_mask(error: GraphQLError) -> bool:
    return not settings.DEBUG and is_unexpected(error)


def mask_errors() -> MaskErrors:
    return MaskErrors(should_mask_error=should_mask, error_message="Internal error.")
