"""A small per-process cache for reference data read on every order (regions, the menu).

Orders are written many times a second; the places and services they name change a few
times a year. Each process keeps what it read for ``MINSHENG_REFERENCE_CACHE_SECONDS``
(default 10; 0 turns caching off). A write in this process clears the cache at once
(``invalidate_on_change``); other processes see it within the time to live — a service
unpublished in the admin may still be ordered for those few seconds, and its review is the
backstop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

V = TypeVar("V")
_caches: list[RefCache[Any]] = []


class RefCache(Generic[V]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._data: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        ttl = float(getattr(settings, "MINSHENG_REFERENCE_CACHE_SECONDS", 10))
        if ttl <= 0:
            return load()
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        with self._lock:
            self._data[key] = (now + ttl, value)
        return value

    def clear(self, *args: Any, **kwargs: Any) -> None:
        """Forget everything (also usable directly as a signal receiver)."""
        with self._lock:
            self._data.clear()


def clear_all() -> None:
    for cache in _caches:
        cache.clear()


def invalidate_on_change(cache: RefCache[Any], *models: Any, m2m: tuple[Any, ...] = ()) -> None:
    """Clear ``cache`` whenever a row of ``models`` (or an ``m2m`` link) is written here.

    Cache coherence, not domain logic: the one place where signals are the right tool,
    since admin edits and services alike must reach it.
    """
    for model in models:
        post_save.connect(
            cache.clear, sender=model, weak=False, dispatch_uid=f"{cache.name}-s-{model.__name__}"
        )
        post_delete.connect(
            cache.clear, sender=model, weak=False, dispatch_uid=f"{cache.name}-d-{model.__name__}"
        )
    for through in m2m:
        m2m_changed.connect(
            cache.clear,
            sender=through,
            weak=False,
            dispatch_uid=f"{cache.name}-m-{through.__name__}",
        )
