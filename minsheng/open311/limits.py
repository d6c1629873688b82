"""Requests per minute, per API key or per client address: a fixed one-minute window.

The counters live in Django's cache (Redis in production, so every worker process shares
them): ``add`` starts a window's counter at most once, ``incr`` is atomic.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

# Counter keys start with this (tests give each test its own, rather than clearing a cache
# other processes may share).
PREFIX = "open311:rate"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    retry_after: int  # seconds until the next window


def hit(ident: str, limit: int, *, now: float | None = None) -> Verdict:
    """Count one call for ``ident`` and say whether it is within ``limit`` this minute."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    key = f"{PREFIX}:{ident}:{minute}"
    retry_after = max(1, 60 * (minute + 1) - int(now))
    try:
        # Kept a little past its minute so a slow call near the boundary still finds it.
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: this call starts the window
            cache.set(key, 1, timeout=90)
            count = 1
    except Exception:
        # The cache (Redis) is down: residents' requests go on uncounted rather than fail;
        # the limit protects the service, it is not worth refusing it.
        logger.warning("Open311 rate limit not counted: the cache is unreachable", exc_info=True)
        return Verdict(allowed=True, limit=limit, retry_after=retry_after)
    return Verdict(allowed=count <= limit, limit=limit, retry_after=retry_after)
