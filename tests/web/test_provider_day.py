"""A provider's day on the console: today's jobs by deadline (overdue marked) with whom to
call and a map link to the place, what the team delivered (paginated), and how residents
rated its work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.catalog.models import Provider
from minsheng.core.geo import geo_uri
from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from tests.helpers import MINUTE, T0, advance, submit
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _capacity(world):
    Provider.objects.update(daily_capacity=50)


def section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_todays_jobs_are_the_teams_open_ones_by_deadline_with_overdue_marked(world):
    dispatched = advance(world, submit(world), Status.DISPATCHED)
    started = advance(world, submit(world, now=T0 + MINUTE), Status.IN_SERVICE)
    delivered = advance(world, submit(world, now=T0 + 2 * MINUTE), Status.DELIVERED)
    other_team = advance(world, submit(world), Status.ACCEPTED, provider=world.provider2)

    html = logged_in(world.provider_staff).get("/staff/provider/").content.decode()
    today = section(html, "today")
    shown = [o for o in (dispatched, started, delivered, other_team) if o.number in today]
    assert shown == [dispatched, started]
    by_deadline = sorted(shown, key=lambda o: (Order.objects.get(pk=o.pk).step_deadline, o.pk))
    assert sorted(shown, key=lambda o: today.index(o.number)) == by_deadline
    # T0 is months ago: every step is overdue.
    assert today.count("flag-overdue") == 2
    assert "Today's jobs (2)" in html


def test_each_job_has_a_map_link_to_its_point_or_its_village(world):
    pinned = advance(
        world, submit(world, latitude=30.0123, longitude=110.0456, address="3组12号"), "dispatched"
    )
    unpinned = advance(world, submit(world), Status.DISPATCHED)
    today = section(
        logged_in(world.provider_staff).get("/staff/provider/").content.decode(), "today"
    )
    pin = geo_uri(30.0123, 110.0456, "3组12号")
    assert pin == "geo:30.0123,110.0456?q=30.0123,110.0456(3%E7%BB%8412%E5%8F%B7)"
    assert f'href="{pin}"' in today
    # No point given: the village's centroid, labelled with the village.
    village = geo_uri(world.village_a.latitude, world.village_a.longitude, world.village_a.name)
    assert f'href="{village}"' in today
    assert today.count('href="geo:') == 2
    assert pinned.number in today and unpinned.number in today


def test_history_lists_what_the_team_delivered_newest_first_in_pages(world, monkeypatch):
    monkeypatch.setattr("minsheng.orders.views.provider.PAGE_SIZE", 2)
    delivered = [
        advance(world, submit(world, now=T0 + i * timedelta(hours=1)), Status.DELIVERED)
        for i in range(3)
    ]
    advance(world, submit(world), Status.DELIVERED, provider=world.provider2)
    client = logged_in(world.provider_staff)
    first = section(client.get("/staff/provider/").content.decode(), "history")
    second = section(client.get("/staff/provider/?page=2").content.decode(), "history")
    assert [o.number in first for o in delivered] == [False, True, True]
    assert first.index(delivered[2].number) < first.index(delivered[1].number)
    assert [o.number in second for o in delivered] == [True, False, False]
    assert 'href="?page=2#history"' in first
    assert "Page 1 of 2" in first


def test_ratings_show_the_teams_own_with_the_residents_comments(world):
    ours = advance(world, submit(world), Status.DELIVERED)
    theirs = advance(world, submit(world), Status.DELIVERED, provider=world.provider2)
    for order, comment in ((ours, "师傅很耐心"), (theirs, "来得很快")):
        s.order_rate(
            order_id=order.pk,
            actor=world.resident,
            data=s.RatingInput(
                contacted=True, solved=True, satisfaction="satisfied", comment=comment
            ),
            now=T0 + timedelta(days=1),
        )
    ratings = section(
        logged_in(world.provider_staff).get("/staff/provider/").content.decode(), "ratings"
    )
    assert "师傅很耐心" in ratings and "来得很快" not in ratings
    assert "1 ratings: 1 solved, 1 satisfied or basically satisfied." in ratings
    assert ours.number in ratings and theirs.number not in ratings


def test_a_team_with_nothing_yet_sees_each_section_empty(world):
    html = logged_in(world.provider_staff).get("/staff/provider/").content.decode()
    assert "No order is assigned to you right now." in section(html, "today")
    assert "Your team has not delivered any order yet." in section(html, "history")
    assert "No ratings of your team's work yet." in section(html, "ratings")
    for anchor in ("#today", "#grab", "#history", "#ratings"):
        assert f'href="{anchor}"' in html
