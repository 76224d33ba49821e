"""Offset connections for lists that are not plain querysets (roll-up, history, timeline)."""

import base64
from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo
from strawberry.relay import types as relay_types

from graphql import GraphQLError

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100
OFFSET_PREFIX = "offset"  # our offset connections' cursors
RELAY_PREFIX = relay_types.PREFIX  # strawberry's relay connections' cursors ("arrayconnection")


def page_bounds(first: int | None, after: str | None) -> tuple[int, int]:
    """`(offset, limit)` from relay arguments: `first` defaults to 20, at most 100."""
    limit = DEFAULT_PAGE if first is None else first
    if limit < 0 or limit > MAX_PAGE:
        raise GraphQLError(f"`first` must be between 0 and {MAX_PAGE}.", extensions={"code": "BAD_USER_INPUT"})
    offset = 0
    if after:
        if (position := cursor_offset(after)) is None:
            raise GraphQLError("Invalid cursor.", extensions={"code": "BAD_USER_INPUT"})
        offset = position + 1
    return offset, limit


def cursor_offset(cursor: str, prefix: str = OFFSET_PREFIX) -> int | None:
    """The offset a cursor holds: `<prefix>:<offset>` in base64, ours (`cursor_for`) or, given RELAY_PREFIX, a
    relay connection's; None for anything else (another prefix, a negative offset included)."""
    try:
        kind, _, offset = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(offset) if kind == prefix and offset.isascii() and offset.isdigit() else None


def cursor_for(offset: int) -> str:
    return base64.b64encode(f"{OFFSET_PREFIX}:{offset}".encode()).decode()


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def connection_from(items: list, *, offset: int, total_count: int, has_next: bool | None = None) -> Connection:
    edges = [Edge(node=item, cursor=cursor_for(offset + i)) for i, item in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next if has_next is not None else offset + len(items) < total_count,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total_count,
    )
