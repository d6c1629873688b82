"""Shared fixtures: a small county with two townships, a service, a provider and one user
per role, and the questions a service can ask. Everything is built through factories
against the real database."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from minsheng.accounts.models import Role
from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    UrgencyClass,
)
from minsheng.catalog.standard import seed_standard
from minsheng.core.refcache import clear_all
from minsheng.regions.models import Region
from tests.factories import (
    AttributeFactory,
    ProviderFactory,
    RegionFactory,
    ServiceFactory,
    make_user,
)


@dataclass
class World:
    county: Region
    town_a: Region
    town_b: Region
    village_a: Region
    village_b: Region
    service: Service
    provider: Provider
    provider2: Provider
    resident: Any
    resident2: Any
    grid_worker: Any
    dispatcher_a: Any
    dispatcher_b: Any
    county_admin: Any
    provider_staff: Any
    provider2_staff: Any


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Connections close after each request; on SQLite, test in a file rather than in memory
    (one per process, removed at the end).

    The concurrency tests need several connections that queue on SQLite's write lock; the
    in-memory database's shared cache fails a waiting writer at once instead.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    # Live-server and worker threads open their own connections; persistent ones would
    # outlive the threads and keep the test database busy at teardown.
    db["CONN_MAX_AGE"] = 0
    test = db.setdefault("TEST", {})
    if db["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        name = f"minsheng-test-{os.getpid()}.sqlite3"
        test["NAME"] = os.path.join(tempfile.gettempdir(), name)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hashing demo passwords with PBKDF2 costs seconds per test on a 2-core machine;
    the hasher is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sms_outbox(settings: Any, tmp_path: Path) -> Path:
    """Each test's SMS go to an outbox of its own (never var/'s), printed nowhere
    (notifications send SMS after any order step a test commits)."""
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms-outbox.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    return tmp_path / "sms-outbox.jsonl"


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> None:
    """Each test starts with empty per-process reference caches (updates made with
    ``QuerySet.update`` send no signal, so a previous test's rows could linger)."""
    clear_all()


@pytest.fixture
def standard_catalog(db: Any) -> None:
    """The migration-seeded areas, categories and urgency classes.

    A transactional test flushes the database afterwards, taking the migration's rows with
    it; seeding again (idempotently) keeps every test on the same footing.
    """
    seed_standard(ServiceArea, Category, UrgencyClass)


@pytest.fixture
def world(standard_catalog: None) -> World:
    county = RegionFactory(code="C", name_zh="示范县", level=Region.Level.COUNTY, parent=None)
    town_a = RegionFactory(
        code="T1",
        name_zh="甲镇",
        level=Region.Level.TOWNSHIP,
        parent=county,
        latitude=30.0,
        longitude=110.0,
    )
    town_b = RegionFactory(
        code="T2",
        name_zh="乙乡",
        level=Region.Level.TOWNSHIP,
        parent=county,
        latitude=30.5,
        longitude=110.5,
    )
    village_a = RegionFactory(
        code="V1", name_zh="甲村", parent=town_a, latitude=30.01, longitude=110.01
    )
    village_b = RegionFactory(
        code="V2", name_zh="乙村", parent=town_b, latitude=30.51, longitude=110.51
    )
    cat = Category.objects.get(code="elderly-care")
    service = ServiceFactory(code="meal-delivery", name_zh="助餐送餐", regions=[county])
    p1_staff = make_user(Role.PROVIDER_STAFF, username="p1staff")
    p2_staff = make_user(Role.PROVIDER_STAFF, username="p2staff")
    provider = ProviderFactory(
        name_zh="甲镇志愿队",
        regions=[town_a],
        categories=[cat],
        staff=[p1_staff],
        latitude=30.0,
        longitude=110.0,
    )
    provider2 = ProviderFactory(
        name_zh="县养老服务中心",
        kind=Provider.Kind.SOCIAL,
        regions=[county],
        categories=[cat],
        staff=[p2_staff],
        latitude=30.3,
        longitude=110.3,
    )
    return World(
        county=county,
        town_a=town_a,
        town_b=town_b,
        village_a=village_a,
        village_b=village_b,
        service=service,
        provider=provider,
        provider2=provider2,
        resident=make_user(Role.RESIDENT, village_a, username="resident"),
        resident2=make_user(Role.RESIDENT, village_b, username="resident2"),
        grid_worker=make_user(Role.GRID_WORKER, village_a, username="grid"),
        dispatcher_a=make_user(Role.DISPATCHER, town_a, username="disp_a"),
        dispatcher_b=make_user(Role.DISPATCHER, town_b, username="disp_b"),
        county_admin=make_user(Role.COUNTY_ADMIN, county, username="admin"),
        provider_staff=p1_staff,
        provider2_staff=p2_staff,
    )


# --- the questions a service asks -------------------------------------------------------------

D = ServiceAttribute.Datatype

# One question of each datatype, in this order, as any service done at a person's home may
# ask them (meals delivered, a repair, a visit): the two it cannot be done without are
# required, the rest optional. The single choice offers two values, as the GeoReport
# specification's example does (tests/open311/test_spec_examples.py compares the shapes).
EVERY_TYPE: list[dict[str, Any]] = [
    {
        "code": "mobility",
        "label_zh": "行动能力",
        "label_en": "Mobility",
        "datatype": D.SINGLEVALUELIST,
        "required": True,
        "choices": [
            {"key": "unaided", "name_zh": "能自己走动", "name_en": "Walks unaided"},
            {"key": "aided", "name_zh": "需要搀扶", "name_en": "Needs a hand"},
        ],
    },
    {
        "code": "people",
        "label_zh": "服务人数",
        "label_en": "How many people",
        "datatype": D.NUMBER,
        "required": True,
    },
    {"code": "when", "label_zh": "上门时间", "label_en": "When", "datatype": D.DATETIME},
    {
        "code": "landmark",
        "label_zh": "附近标志",
        "label_en": "Nearby landmark",
        "datatype": D.STRING,
    },
    {"code": "details", "label_zh": "情况说明", "label_en": "Details", "datatype": D.TEXT},
    {
        "code": "extras",
        "label_zh": "其他需要",
        "label_en": "Extras",
        "datatype": D.MULTIVALUELIST,
        "choices": [
            {"key": "carry", "name_zh": "搬运上楼", "name_en": "Carrying upstairs"},
            {"key": "company", "name_zh": "陪伴聊天", "name_en": "Company"},
            {"key": "tidy", "name_zh": "打扫整理", "name_en": "Tidying up"},
        ],
    },
]


@pytest.fixture
def ask_every_type(db: Any) -> Callable[[Service], list[ServiceAttribute]]:
    """Give a service the questions of ``EVERY_TYPE``, at positions 1 to 6.

    Call it with the service that should ask them: the world's own (see ``questions``), or
    one a test makes.
    """

    def ask(service: Service) -> list[ServiceAttribute]:
        return [
            AttributeFactory(service=service, position=position, **copy.deepcopy(question))
            for position, question in enumerate(EVERY_TYPE, start=1)
        ]

    return ask


@pytest.fixture
def questions(
    world: World, ask_every_type: Callable[[Service], list[ServiceAttribute]]
) -> list[ServiceAttribute]:
    """The world's meal-delivery service asking one question of every type."""
    return ask_every_type(world.service)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- headless Chromium (Debian's package; never a browser download) ---------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Playwright's Chromium: skipped where it is missing, except in CI (a failure there)."""
    if not Path(CHROMIUM).exists():
        # `make test` installs Debian's chromium; in CI a missing browser is a failure.
        message = "chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# --- photos: a storage of each test's own ------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """This test's own storage: a temporary folder, gone with the test."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root
