"""A real Redis broker and a real Celery worker for a test (``redis_app``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from kombu import pools

from minsheng import celery_app

REDIS_URL = os.environ.get("MINSHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _reset_pool() -> None:
    # Producer connections are pooled per broker URL: drop them so the next use reconnects.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # The result backend is cached on the app too (per thread when not thread-safe).
    celery_app._backend_cache = None
    celery_app._local = threading.local()
    # kombu keeps producer pools per connection in a registry of its own: a pool closed by
    # the previous test would be handed out again to the next one.
    pools.reset()


@pytest.fixture
def redis_app() -> Iterator[Any]:
    """Point the app at Redis for the test (an emptied database), with a worker running;
    the inline set-up is restored after."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    _reset_pool()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_pool()
