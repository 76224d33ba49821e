"""The books kept of sales operations, by the module above sales that keeps them (accounting), which sales may not
import: it registers its bookkeeper here when it loads, and sales calls it inside the operation's transaction, so
an invoice is never issued, nor a payment recorded, without its entries."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bookkeeper:
    # (actor, document): an Invoice or a CreditNote just issued.
    document_issued: Callable[..., None]
    # (actor, payment): a Payment just recorded, with the allocations it was recorded with.
    payment_recorded: Callable[..., None]
    # (actor, allocation, created): a PaymentAllocation just made, or removed (created False).
    allocation_changed: Callable[..., None]


_bookkeepers: list[Bookkeeper] = []


def bookkeeper_register(bookkeeper: Bookkeeper) -> None:
    if bookkeeper not in _bookkeepers:
        _bookkeepers.append(bookkeeper)


def document_issued(*, actor, document) -> None:
    for bookkeeper in _bookkeepers:
        bookkeeper.document_issued(actor=actor, document=document)


def payment_recorded(*, actor, payment) -> None:
    for bookkeeper in _bookkeepers:
        bookkeeper.payment_recorded(actor=actor, payment=payment)


def allocation_changed(*, actor, allocation, created: bool) -> None:
    for bookkeeper in _bookkeepers:
        bookkeeper.allocation_changed(actor=actor, allocation=allocation, created=created)
