"""What only PostgreSQL can tell about a value, asked without disturbing the transaction in progress."""

from django.db import DataError, connection, transaction


def regex_error(pattern: str) -> str | None:
    """PostgreSQL's reason for refusing `pattern` as a regular expression (its dialect, not Python's), or None."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint inside a transaction
            cursor.execute("SELECT '' ~ %s", [pattern])
    except DataError as error:
        return str(error.__cause__ or error).split("\n", 1)[0].removeprefix("invalid regular expression: ")
    return None
