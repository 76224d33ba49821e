"""Tenant initializers: how each app creates its default data in a company that just signed up."""

from collections.abc import Callable
from dataclasses import dataclass

# Called inside the new tenant's schema, in the signup transaction, in registration order.
_initializers: list[Callable[["TenantSeed"], None]] = []


@dataclass(frozen=True)
class TenantSeed:
    """What a tenant initializer knows of the company that just signed up."""

    schema_name: str
    company_name: str
    admin_user_id: int
    language: str


def register_tenant_initializer(initializer: Callable[[TenantSeed], None]) -> None:
    """Apps call this from `AppConfig.ready()` to create their default data in each new tenant."""
    if initializer not in _initializers:
        _initializers.append(initializer)


def run_tenant_initializers(seed: TenantSeed) -> None:
    for initializer in _initializers:
        initializer(seed)


# Called inside a tenant's schema when a member leaves it (membership deactivated), in registration order.
_member_departures: list[Callable[[int], None]] = []


def register_member_departure(callback: Callable[[int], None]) -> None:
    """Apps call this from `AppConfig.ready()` to withdraw what a departing member holds in the tenant (their API
    tokens): the public-schema app that deactivates memberships cannot import the tenant apps."""
    if callback not in _member_departures:
        _member_departures.append(callback)


def run_member_departures(user_id: int) -> None:
    for callback in _member_departures:
        callback(user_id)


def tenant_cache_key(schema_name: str, *parts: object) -> str:
    """A cache key that belongs to one tenant: deleting the tenant forgets every key under its prefix."""
    return tenant_cache_prefix(schema_name) + ":".join(str(part) for part in parts)


def tenant_cache_prefix(schema_name: str) -> str:
    return f"tenant:{schema_name}:"
