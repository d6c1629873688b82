"""Fixtures for the web pages: a service with one question of every type, and clients
logged in as a given user. (Orders at a given step come from ``tests.helpers``.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from minsheng.catalog.models import Service, ServiceAttribute
from tests.factories import AttributeFactory, ServiceFactory

D = ServiceAttribute.Datatype


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The world makes eight users; a fast hasher keeps these page tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def repair(world: Any) -> Service:
    """A published service offered in township T1 only, asking one question of each type."""
    svc = ServiceFactory(
        code="home-repair",
        name_zh="上门维修",
        name_en="Home repair",
        regions=[world.town_a],
        keywords="修理 repair",
    )
    AttributeFactory(
        service=svc,
        code="appliance",
        label_zh="什么电器",
        label_en="Which appliance",
        datatype=D.SINGLEVALUELIST,
        required=True,
        position=1,
        choices=[
            {"key": "tv", "name_zh": "电视", "name_en": "TV"},
            {"key": "fridge", "name_zh": "冰箱", "name_en": "Fridge"},
        ],
    )
    AttributeFactory(
        service=svc,
        code="count",
        label_zh="几台",
        label_en="How many",
        datatype=D.NUMBER,
        required=True,
        position=2,
    )
    AttributeFactory(
        service=svc,
        code="when",
        label_zh="上门时间",
        label_en="When",
        datatype=D.DATETIME,
        position=3,
    )
    AttributeFactory(
        service=svc, code="brand", label_zh="品牌", label_en="Brand", datatype=D.STRING, position=4
    )
    AttributeFactory(
        service=svc,
        code="symptoms",
        label_zh="故障描述",
        label_en="Symptoms",
        datatype=D.TEXT,
        position=5,
    )
    AttributeFactory(
        service=svc,
        code="extras",
        label_zh="其他需要",
        label_en="Extras",
        datatype=D.MULTIVALUELIST,
        position=6,
        choices=[
            {"key": "parts", "name_zh": "更换零件", "name_en": "Spare parts"},
            {"key": "haul", "name_zh": "搬运", "name_en": "Carrying"},
        ],
    )
    return svc


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
