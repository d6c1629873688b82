"""Shared fixtures of the facilities tests: ``world`` (tests/conftest.py) gives the places and
the people; ``factories.make_facility`` the facilities. Each part keeps its own helpers in
its own module (``tests/facilities/<part>_helpers.py``)."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English for a test that reads them (the site is Chinese first)."""
    with translation.override("en"):
        yield
