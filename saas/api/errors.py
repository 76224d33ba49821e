"""Errors as clients see them: input the database or the id parser refuses carries a code like any refusal, and
unless DEBUG, unexpected errors reach clients as a generic message."""

import re
from collections.abc import Iterator

import psycopg.errors
from django.conf import settings
from django.db import DataError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
YEAR_OUT_OF_RANGE = re.compile(r"year -?\d+ is out of range")
# What PostgreSQL refuses in a value a client gave (a filter's regular expression, a number or date past what a
# column holds), with the sentence the client reads instead of the database's.
REFUSED_BY_THE_DATABASE = {
    psycopg.errors.InvalidRegularExpression: "This regular expression is not valid",
    psycopg.errors.NumericValueOutOfRange: "A number is out of range",
    psycopg.errors.DatetimeFieldOverflow: "A date is out of range",
    psycopg.errors.InvalidDatetimeFormat: "A date is not valid",
}


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


def input_refusal(original: BaseException | None) -> str | None:
    """The client's sentence when `original` was caused by the input rather than by a bug, else None."""
    if isinstance(original, GlobalIDValueError):
        return "This id is not an id of this API: ids are the `id` values it answers."
    if isinstance(original, DataError):
        cause = original.__cause__
        for kind, sentence in REFUSED_BY_THE_DATABASE.items():
            if isinstance(cause, kind):
                detail = str(cause).split("\n", 1)[0].removeprefix("invalid regular expression: ")
                return f"{sentence}: {detail}." if kind is psycopg.errors.InvalidRegularExpression else f"{sentence}."
    if isinstance(original, OverflowError) or (
            # a `year` filter Django turns into the bounds of that year with datetime.date
            isinstance(original, ValueError) and YEAR_OUT_OF_RANGE.fullmatch(str(original))):
        return "A date is out of range: years go from 1 to 9999."
    return None


class InputErrors(SchemaExtension):
    """Gives the code BAD_USER_INPUT, and a sentence of ours, to errors the input caused (a malformed global id, a
    regular expression PostgreSQL cannot compile, a date past year 9999) instead of an 'Internal error.'. A
    mutation that raised one ran in its transaction, rolled back: nothing of it was written."""

    def on_execute(self) -> Iterator[None]:
        yield
        for error in getattr(self.execution_context.result, "errors", None) or ():
            if (error.extensions or {}).get("code"):
                continue
            sentence = input_refusal(error.original_error)
            if sentence is not None:
                error.message = sentence
                error.extensions = {**(error.extensions or {}), "code": BAD_USER_INPUT}
