"""Fixtures for signing in: a small lock-out policy, counters of their own, and a hasher that
counts its work."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from rest_framework.throttling import SimpleRateThrottle

PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _own_throttle_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts REST throttles in its own cache keys (a shared cache is never
    cleared); the lock-out counters are database rows, rolled back with each test."""
    monkeypatch.setattr(
        SimpleRateThrottle, "cache_format", f"throttle:test:{uuid.uuid4().hex}:%(scope)s:%(ident)s"
    )


@pytest.fixture(autouse=True)
def _login_policy(settings: Any) -> None:
    """Three failures lock for fifteen minutes; the REST throttles stay out of the way except
    in the tests about them (they set their own); no proxy header is trusted."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "1000/min"
    settings.MINSHENG_LOGIN_ACCOUNT_RATE = "1000/min"
    settings.MINSHENG_CLIENT_IP_HEADER = ""


@pytest.fixture
def counting_hasher(settings: Any) -> type:
    """The test hasher (MD5, fast) counting every hash it computes or checks."""
    from tests.accounts.hashers import CountingHasher

    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher
