"""Error masking: in production, unexpected errors reach clients as a generic message."""

from strawberry.extensions import MaskErrors

from graphql import GraphQLError


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a code; anything else is a bug whose details stay in the logs."""
    if error.extensions and error.extensions.get("code"):
        return False
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def mask_errors() -> MaskErrors:
    return MaskErrors(should_mask_error=is_unexpected, error_message="Internal error.")
