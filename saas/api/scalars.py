"""Scalars that refuse a wrong value with a clear GraphQL error, before any resolver sees it.

Strawberry's `Upload` takes whatever it is given: a string written where a file belongs reached the services,
which then failed on it with an internal error. A file arrives only as a part of a multipart request (the GraphQL
multipart request spec), so anything else is refused while the request is read: a literal at validation, a
variable value that is not a file when variables are coerced.
"""

from django.core.files.base import File
from strawberry import scalar

from graphql import GraphQLError

UPLOAD_EXPECTED = ("An Upload is a file sent as a part of a multipart request (the GraphQL multipart request spec), "
                   "mapped to its variable.")


def _file(value):
    if isinstance(value, File):
        return value
    raise GraphQLError(UPLOAD_EXPECTED, extensions={"code": "BAD_USER_INPUT"})


def _no_literal(_node, _variables=None):
    raise GraphQLError(f"{UPLOAD_EXPECTED} It cannot be written in the query.", extensions={"code": "BAD_USER_INPUT"})


UploadDefinition = scalar(
    name="Upload",
    description="A file, sent as a part of a multipart request (the GraphQL multipart request spec).",
    serialize=lambda value: value,
    parse_value=_file,
    parse_literal=_no_literal,
)
