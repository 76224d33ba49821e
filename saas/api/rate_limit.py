"""The cost each identity may spend per minute on the GraphQL endpoints (GitHub's and Shopify's points).

A fixed one-minute window per API token, else per user, else per client address, in Django's cache (the
database by default, Redis when `REDIS_URL` is set: README, "Configuration"); keys carry the schema, since
primary keys repeat across tenants. An operation over the budget is refused before it runs, with code
RATE_LIMITED, the seconds to wait in `extensions.retryAfter` and, over HTTP, status 429 and `Retry-After`.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import get_public_schema_name

from graphql import GraphQLError
from saas.core.tenancy import tenant_cache_key

WINDOW_SECONDS = 60


def identity(context) -> str:
    token = getattr(context, "api_token", None)
    if token is not None:
        return f"token:{token.pk}"
    user = getattr(context, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    request = getattr(context, "request", None)
    return f"address:{request.META.get('REMOTE_ADDR', '') if request is not None else ''}"


def charge(context, cost: int) -> int | None:
    """Spend `cost` from the identity's budget of this minute and answer what remains (None: no limit).

    Raises a RATE_LIMITED GraphQL error, spending nothing, when the budget cannot pay for it.
    """
    budget = settings.GRAPHQL_COST_PER_MINUTE
    if not budget:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    tenant = getattr(context, "tenant", None)
    schema = tenant.schema_name if tenant is not None else get_public_schema_name()
    key = tenant_cache_key(schema, "graphql-cost", identity(context), window)
    # add() then incr(): one atomic step on Redis; on the database cache a close race may let a few points by.
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    spent = cache.incr(key, cost)
    if spent <= budget:
        return budget - spent
    cache.decr(key, cost)
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    response = getattr(context, "response", None)
    if response is not None:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    raise GraphQLError(
        f"Rate limit: this query costs {cost} and {max(0, budget - spent + cost)} of the {budget} points per "
        f"minute remain; retry in {retry_after} s.",
        extensions={"code": "RATE_LIMITED", "retryAfter": retry_after, "cost": cost, "limit": budget})
