"""Fixtures for the web pages: a service with one question of every type, and clients
logged in as a given user. (Orders at a given step come from ``tests.helpers``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from minsheng.catalog.models import Service
from tests.factories import ServiceFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The world makes eight users; a fast hasher keeps these page tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def repair(world: Any, ask_every_type: Callable[[Service], Any]) -> Service:
    """A second published service, home repair, offered in township T1 only and asking
    one question of every type (``ask_every_type``)."""
    service = ServiceFactory(
        code="home-repair",
        name_zh="上门维修",
        name_en="Home repair",
        regions=[world.town_a],
        keywords="修理 repair",
    )
    ask_every_type(service)
    return service


def logged_in(user: Any, *, language: str | None = "en") -> Client:
    """A test client logged in as ``user``; English unless told otherwise (stable asserts)."""
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
