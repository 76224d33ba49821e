"""Signals of the record engine: what happened to a record, for apps above it that react (workflows).

Sent by the engine's services inside the writing transaction; receivers that act later (a job) must
defer with `transaction.on_commit`, so a rolled-back write triggers nothing.
"""

from django.dispatch import Signal

# Sent after `record_create` / `record_update` wrote a record:
# `record`, `actor`, `created` (bool), `changes` ({field: (old, new)}, empty on create).
record_saved = Signal()

# Sent after `records_create_many` wrote a batch (an import's): `model`, `records`, `actor`. One signal per
# batch, not `record_saved` per record: a receiver answers a 1,000-row batch with a constant number of queries.
records_created = Signal()
