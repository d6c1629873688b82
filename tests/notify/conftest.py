"""Fixtures for notifications: residents with mobiles, and running what commits queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from minsheng.accounts.models import Profile
from tests.notify import gateways

RESIDENT_MOBILE = "13812345678"
RESIDENT2_MOBILE = "13900001111"


@pytest.fixture(autouse=True)
def _fresh_gateways() -> Iterator[None]:
    gateways.reset()
    yield
    gateways.reset()


@pytest.fixture
def phones(world: Any) -> Any:
    """The world's residents with mobiles on their profiles (so SMS is on by default)."""
    Profile.objects.filter(user=world.resident).update(phone=RESIDENT_MOBILE)
    Profile.objects.filter(user=world.resident2).update(phone=RESIDENT2_MOBILE)
    return world
