"""Abstract bases shared by the tenant apps."""

from django.db import models
from pghistory import models as pghistory_models


class Event(pghistory_models.Event):
    """pghistory's event row with a 64-bit key: history tables grow fastest, and 64-bit keys are what Citus
    schema-based sharding asks of every tenant table (tests/tenants/test_sharding_readiness.py). Named like
    pghistory's own: event models are named after it (`AccountEvent`)."""

    pgh_id = models.BigAutoField(primary_key=True)

    class Meta:
        abstract = True
