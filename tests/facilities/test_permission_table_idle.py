"""The permission table of the idle part: every actor of the orders' table × every page,
step and endpoint, asked the rule's way, the web's and the REST API's.

One idle flag on a bookshop in V1 (township T1) kept by the grid worker, who owns its
follow-up. A refused POST answers the login page (anonymous), 403 (a signed-in user the
pages are not for, or a step the rule refuses) or 404 (a flag the user may not see), and
writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from minsheng.facilities.models import IdleFlag
from minsheng.facilities.policy import idle as policy
from minsheng.facilities.services.idle import facility_idle_detect
from tests.facilities.idle_helpers import AS_OF, shops, snapshot
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

SEES = {"grid_worker", "dispatcher_a", "county_admin"}  # the keeper-owner and T1's managers
CONSOLE = SEES | {"dispatcher_b"}  # the pages are for every manager and keeper

PAGES: list[tuple[str, set[str]]] = [
    ("/staff/facilities/idle/", CONSOLE),
    ("/staff/facilities/idle/?format=csv", CONSOLE),
    ("/staff/facilities/idle/{pk}/", SEES),
    ("/staff/facilities/idle/awareness/", {"county_admin"}),
]


@pytest.fixture
def flag(world: Any) -> IdleFlag:
    shops(world)
    facility_idle_detect(as_of=AS_OF)
    return IdleFlag.objects.get()


def _refused(response: Any, user: Any, who: str) -> None:
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who in CONSOLE:
        assert response.status_code == 404  # the pages are for them, this flag is not
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may"), PAGES, ids=[p for p, _m in PAGES])
def test_who_may_open_each_page(world, flag, path, may, who) -> None:  # type: ignore[no-untyped-def]
    user = user_of(world, who)
    response = web_client(user).get(path.format(pk=flag.pk))
    if who in may:
        assert response.status_code == 200
    elif path.endswith("awareness/") and who in CONSOLE:
        assert response.status_code == 403
    else:
        _refused(response, user, who)


STEPS: dict[str, tuple[set[str], Any, str, dict[str, str]]] = {
    "close": (SEES, policy.can_close, "close", {"action": "开展宣传"}),
    "assign": ({"dispatcher_a", "county_admin"}, policy.can_assign, "assign", {}),
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("step", list(STEPS))
def test_the_rule_and_the_web_agree(world, flag, step, who) -> None:  # type: ignore[no-untyped-def]
    may, rule, name, data = STEPS[step]
    user = user_of(world, who)
    assert rule(user, flag) is (who in may)
    if step == "assign":
        data = {"owner": str(world.county_admin.pk), "due_on": str(timezone.localdate())}
    before = snapshot()
    response = web_client(user).post(f"/staff/facilities/idle/{flag.pk}/{name}/", data)
    if who in may:
        assert response.status_code == 302
        assert response["Location"] == f"/staff/facilities/idle/{flag.pk}/"
        assert snapshot() != before
        return
    if who in SEES:  # sees the flag, the step is refused by the rule
        assert response.status_code == 403
    else:
        _refused(response, user, who)
    assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_read_the_api(world, flag, who) -> None:  # type: ignore[no-untyped-def]
    user = user_of(world, who)
    answer = api_client(user).get("/api/v1/idle-flags/")
    if who in CONSOLE:
        assert answer.status_code == 200
        ids = [row["id"] for row in answer.json()["results"]]
        assert ids == ([flag.pk] if who in SEES else [])
    else:
        assert answer.status_code == (403 if user.is_authenticated else 401)


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_set_awareness_questions(world, who) -> None:  # type: ignore[no-untyped-def]
    user = user_of(world, who)
    assert policy.can_set_awareness(user) is (who == "county_admin")
