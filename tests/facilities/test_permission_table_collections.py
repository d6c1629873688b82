"""The permission table of collections: every actor of the orders' table × every page and
step. The library is the bookshop of V1 (township T1), kept by the grid worker (the village
librarian); T1's dispatcher and the county's admin manage it; T2's dispatcher has the
console but not this library (404). Anonymous visitors go to the login page (302); anyone
else gets 403 and nothing is written. The public API reads an open library for everyone."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.facilities.models import Title
from minsheng.facilities.policy import collections as policy
from tests.facilities.collections_helpers import add_titles, csv_bytes, library, snapshot
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

KEEPERS = {"grid_worker", "dispatcher_a", "county_admin"}
CONSOLE = KEEPERS | {"dispatcher_b"}  # T2's dispatcher: the console, not this library

# (path, who gets 200; of the other signed-in users, those with the console get 404)
PAGES: list[tuple[str, set[str], set[str]]] = [
    ("/staff/facilities/collections/", CONSOLE, set()),
    ("/staff/facilities/{pk}/collection/", KEEPERS, {"dispatcher_b"}),
    ("/staff/facilities/{pk}/collection/titles/{title}/", KEEPERS, {"dispatcher_b"}),
    ("/staff/facilities/{pk}/acquisitions/?budget=500", KEEPERS, {"dispatcher_b"}),
]

# (path, data, the success redirect)
STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "add": (
        "/staff/facilities/{pk}/collection/titles/",
        {"title": "新书", "subject": "S", "year": "2024", "copies": "2"},
    ),
    "edit": (
        "/staff/facilities/{pk}/collection/titles/{title}/",
        {"title": "旧书", "subject": "S", "year": "2024", "copies": "9"},
    ),
    "remove": ("/staff/facilities/{pk}/collection/titles/{title}/remove/", {}),
    "import": ("/staff/facilities/{pk}/collection/import/", {}),
}


@pytest.fixture
def table_world(world: Any) -> Any:
    world.shop = library(world)
    (world.title,) = add_titles(world.shop, [("旧书", "D", 2000, 1, 0)])
    return world


def fill(path: str, w: Any) -> str:
    return path.format(pk=w.shop.pk, title=w.title.pk)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may", "hidden"), PAGES, ids=[p for p, _m, _h in PAGES])
def test_who_may_open_each_page(table_world, path, may, hidden, who):
    user = user_of(table_world, who)
    response = web_client(user).get(fill(path, table_world))
    if who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who in hidden:
        assert response.status_code == 404
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("step", list(STEPS))
def test_who_may_change_the_collection(table_world, step, who):
    user = user_of(table_world, who)
    path, data = STEPS[step]
    if step == "import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile("t.csv", csv_bytes([["书", "S", 2020, 1]]))}
    assert policy.can_keep_collection(user, table_world.shop) is (who in KEEPERS)
    before = snapshot()
    response = web_client(user).post(fill(path, table_world), data)
    if who in KEEPERS:
        assert response.status_code == 302
        assert response["Location"] == f"/staff/facilities/{table_world.shop.pk}/collection/"
        assert snapshot() != before
        return
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who == "dispatcher_b":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_everyone_reads_the_public_api(table_world, who):
    client = api_client(user_of(table_world, who))
    pk = table_world.shop.pk
    assert client.get(f"/api/v1/facilities/{pk}/collection/").status_code == 200
    assert client.get(f"/api/v1/facilities/{pk}/collection/titles/").status_code == 200


@pytest.mark.parametrize("who", ["grid_worker", "county_admin"])
def test_a_get_on_a_post_only_step_is_refused(table_world, who):
    client = web_client(user_of(table_world, who))
    for step in ("add", "remove", "import"):
        assert client.get(fill(STEPS[step][0], table_world)).status_code == 405
    assert Title.objects.count() == 1
