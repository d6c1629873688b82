"""The dispatcher's queue and search (issue 8): reading the filters (every unknown value a
specific refusal naming its field) and the exact orders each filter, sort and search
returns, always within what the reader may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict

from minsheng.accounts.models import Profile, Role
from minsheng.core.errors import DomainError
from minsheng.orders import queue, selectors
from minsheng.orders import services as s
from minsheng.orders.models import Channel, Status
from tests.factories import ServiceFactory, make_user
from tests.helpers import T0, advance, submit

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def read(**params: str) -> queue.QueueQuery:
    data = QueryDict(mutable=True)
    data.update(params)
    return queue.read_queue_query(data)


def refusal(**params: str) -> list[tuple[str, str | None]]:
    with pytest.raises(DomainError) as info:
        read(**params)
    return [(e.code, e.field) for e in info.value.errors]


def found(user, **params: str) -> list[int]:
    return [o.pk for o in queue.apply(selectors.orders_visible_to(user), read(**params), now=NOW)]


NOW = T0 + 30 * 24 * HOUR


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"township": "NOPE"}, [("region_unknown", "township")]),
        ({"township": "V1"}, [("region_unknown", "township")]),  # a village is no township
        ({"village": "T1"}, [("region_unknown", "village")]),
        ({"area": "nope"}, [("area_unknown", "area")]),
        ({"service": "nope"}, [("service_unknown", "service")]),
        ({"status": "bogus"}, [("invalid", "status")]),
        ({"channel": "fax"}, [("channel_invalid", "channel")]),
        ({"overdue": "maybe"}, [("not_yes_no", "overdue")]),
        ({"sort": "name"}, [("invalid", "sort")]),
        ({"number": "abc"}, [("invalid", "number")]),
        ({"phone": "12"}, [("not_phone", "phone")]),
        ({"phone": "call me"}, [("not_phone", "phone")]),
        ({"since": "yesterday"}, [("not_datetime", "since")]),
        ({"since": "2026-05-10", "until": "2026-05-01"}, [("invalid", "until")]),
        ({"name": "x" * 101}, [("too_long", "name")]),
        (
            {"status": "bogus", "channel": "fax"},
            [("invalid", "status"), ("channel_invalid", "channel")],
        ),
    ],
)
def test_an_unknown_filter_value_is_refused_naming_its_field(world, params, errors):
    assert refusal(**params) == errors


def test_no_filter_reads_as_the_whole_queue_by_deadline(world):
    query = read()
    assert (query.narrowed, query.sort) == (False, "deadline")
    assert read(overdue="yes", phone="138 0013 8000").phone == "13800138000"


def test_filters_by_township_village_area_service_state_and_channel(world):
    bath = ServiceFactory(code="bath-help", regions=[world.county])
    a = submit(world)
    b = submit(world, region_code=world.village_b.code, now=T0 + HOUR)
    c = submit(world, service_code=bath.code, now=T0 + 2 * HOUR)
    d = advance(world, submit(world, now=T0 + 3 * HOUR), Status.APPROVED)
    e = submit(
        world,
        actor=world.grid_worker,
        channel=Channel.VISIT,
        contact_name="李爷爷",
        contact_phone="0743-6100059",
        now=T0 + 4 * HOUR,
    )
    admin = world.county_admin
    assert found(admin, township="T2") == [b.pk]
    assert found(admin, village="V1", sort="created") == [e.pk, d.pk, c.pk, a.pk]
    assert found(admin, service=bath.code) == [c.pk]
    assert found(admin, area=world.service.category.area.code, sort="created") == [
        e.pk,
        d.pk,
        c.pk,
        b.pk,
        a.pk,
    ]
    assert found(admin, status="approved") == [d.pk]
    assert found(admin, channel="visit") == [e.pk]
    # A filter never widens the reader's scope.
    assert found(world.dispatcher_a, township="T2") == []


def test_overdue_and_escalated(world):
    late = submit(world)  # its review is long overdue at NOW
    fresh = submit(world, now=NOW - HOUR)
    up = advance(world, submit(world, now=NOW - 2 * HOUR), Status.ACCEPTED)
    s.order_escalate_county(order_id=up.pk, actor=world.dispatcher_a, reason="x", now=NOW)
    assert late.pk in found(world.dispatcher_a, overdue="yes")
    assert fresh.pk not in found(world.dispatcher_a, overdue="yes")
    assert found(world.dispatcher_a, escalated="yes") == [up.pk]


def test_sorts_by_deadline_creation_and_urgency(world):
    from minsheng.catalog.models import UrgencyClass

    urgent = ServiceFactory(
        code="emergency-aid",
        regions=[world.county],
        urgency=UrgencyClass.objects.order_by("resolve_limit").first(),
    )
    first = submit(world)
    second = submit(world, now=T0 + HOUR)
    third = submit(world, service_code=urgent.code, now=T0 + 2 * HOUR)
    by_deadline = found(world.dispatcher_a)
    assert by_deadline.index(first.pk) < by_deadline.index(second.pk)
    assert found(world.dispatcher_a, sort="created") == [third.pk, second.pk, first.pk]
    assert found(world.dispatcher_a, sort="urgency")[0] == third.pk


def test_search_by_number_name_phone_and_period(world):
    Profile.objects.filter(user=world.resident).update(display_name="张桂兰", phone="13912345678")
    mine = submit(world)
    hotline = submit(
        world,
        actor=world.dispatcher_a,
        channel=Channel.HOTLINE,
        contact_name="王秀英",
        contact_phone="13800138000",
        now=T0 + 48 * HOUR,
    )
    d = world.dispatcher_a
    assert found(d, number=mine.number) == [mine.pk]
    assert found(d, number=str(hotline.pk)) == [hotline.pk]
    assert found(d, name="秀英") == [hotline.pk]
    assert found(d, name="桂兰") == [mine.pk]
    assert found(d, phone="+86 138-0013-8000") == [hotline.pk]  # the stored form
    assert found(d, phone="8000") == [hotline.pk]  # a partial number
    assert found(d, phone="1391234") == [mine.pk]  # the resident's own phone
    assert found(d, since="2026-05-05", sort="created") == [hotline.pk]
    assert found(d, until="2026-05-04", sort="created") == [mine.pk]  # the whole day
    # Only within what the reader sees.
    assert found(world.dispatcher_b, phone="13800138000") == []
    outsider = make_user(Role.RESIDENT, world.village_a, username="outsider")
    assert found(outsider, phone="13800138000") == []
