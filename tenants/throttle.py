"""Counting attempts in the cache: at most `limit` within any span of `seconds` (a sliding window).

Each attempt claims one of `limit` slots with `cache.add`, which is atomic in every cache backend (an insert
under a unique key in the database cache, SET NX in Redis): parallel guesses cannot share a slot, where a
read-modify-write counter would let a burst of them through. The subject is blocked while every slot is taken,
until the oldest one expires.

The counters are global, not per tenant: an identity is one person whatever host is used to guess its password.
Subjects (emails, addresses) are hashed into the keys, so that no personal data sits in the cache.
"""

import hashlib
import math
from dataclasses import dataclass
from time import time as now

from django.core.cache import cache


@dataclass(frozen=True)
class Window:
    name: str
    limit: int  # 0: never blocks
    seconds: int

    def _slots(self, subject: str) -> list[str]:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return [f"throttle:{self.name}:{digest}:{slot}" for slot in range(self.limit)]

    def retry_after(self, subject: str | None) -> int | None:
        """Seconds until the subject may try again, or None while it is under the limit."""
        if not self.limit or not subject:
            return None
        # A slot older than the window is free even if the cache has not dropped it yet (the database cache
        # culls expired rows lazily, to the second).
        moment = now()
        live = [taken_at for taken_at in cache.get_many(self._slots(subject)).values()
                if taken_at + self.seconds > moment]
        if len(live) < self.limit:
            return None
        return max(1, math.ceil(min(live) + self.seconds - moment))

    def hit(self, subject: str | None) -> None:
        """Count one attempt (none once the limit is reached: the subject is blocked anyway)."""
        if not self.limit or not subject:
            return
        slots = self._slots(subject)
        taken = cache.get_many(slots)
        for slot in slots:
            if slot not in taken and cache.add(slot, now(), timeout=self.seconds):
                return

    def clear(self, subject: str | None) -> None:
        if self.limit and subject:
            cache.delete_many(self._slots(subject))
