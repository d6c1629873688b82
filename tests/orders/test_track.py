"""Following an order without an account (/track/): the order's number and the phone it
was placed with show its status and the steps its resident reads, never staff-only notes
nor its details; a wrong pair says so without saying which half was wrong; wrong pairs
are throttled per client address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from minsheng.accounts.models import Profile
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Channel, Order
from minsheng.orders.tracking import track_order
from tests.helpers import MINUTE, T0, submit
from tests.orders.conftest import snapshot
from tests.web.conftest import english_client

pytestmark = pytest.mark.django_db

MOBILE = "13800000001"
LANDLINE = "0743-6100059"
NO_MATCH = (
    "No order has this number and phone. Check both: the phone is the one given when the "
    "order was placed."
)


@pytest.fixture(autouse=True)
def _fresh_counts(settings: Any) -> None:
    settings.MINSHENG_TRACK_FAILURES_PER_MINUTE = 3
    settings.MINSHENG_CLIENT_IP_HEADER = ""
    cache.clear()


@pytest.fixture
def order(world: Any) -> Order:
    """The resident's order (their profile has their mobile), approved, with a note for the
    resident and one for staff only."""
    Profile.objects.filter(user=world.resident).update(phone=MOBILE)
    order = submit(world, description="王奶奶腿脚不便", address="三组12号")
    s.order_approve(
        order_id=order.pk, actor=world.dispatcher_a, note="内部：已核实", now=T0 + MINUTE
    )
    s.order_comment(
        order_id=order.pk,
        actor=world.dispatcher_a,
        note="明天上午上门",
        audience="resident",
        now=T0 + 2 * MINUTE,
    )
    s.order_comment(
        order_id=order.pk,
        actor=world.dispatcher_a,
        note="家属难联系，先打村委",
        audience="staff",
        now=T0 + 3 * MINUTE,
    )
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def phoned_in(world: Any) -> Order:
    """An order the grid worker placed for a villager with no account, by her landline."""
    return submit(
        world,
        actor=world.grid_worker,
        channel=Channel.GRID_WORKER,
        contact_name="王奶奶",
        contact_phone=LANDLINE,
    )


def track(number: str, phone: str, address: str = "10.0.0.1") -> Any:
    return english_client().post("/track/", {"number": number, "phone": phone}, REMOTE_ADDR=address)


def test_the_page_is_public_and_asks_for_number_and_phone(world):
    html = english_client().get("/track/").content.decode()
    assert 'name="number"' in html and 'name="phone"' in html and 'type="tel"' in html


def test_the_number_and_the_residents_phone_show_status_and_steps_but_no_staff_notes(order):
    before = snapshot(order)
    response = track(order.number, "138 0000 0001")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Order {order.number}" in html
    assert "Awaiting dispatch" in html  # the status
    for shown in ("Ordered", "Approved at review", "明天上午上门"):
        assert shown in html
    # Staff-only: the approval's note and the staff comment. Details: the words and address.
    for hidden in ("内部：已核实", "家属难联系", "王奶奶腿脚不便", "三组12号", MOBILE):
        assert hidden not in html
    assert snapshot(order) == before


def test_the_contact_phone_given_with_the_order_works_as_written_anyhow(phoned_in):
    response = track(phoned_in.number, "0743 6100059")
    assert response.status_code == 200
    assert f"Order {phoned_in.number}" in response.content.decode()


def test_leading_zeros_of_the_number_may_be_left_out(order):
    day, pk = order.number.split("-")
    assert track(f"{day}-{int(pk)}", MOBILE).status_code == 200


@pytest.mark.parametrize("wrong", ["phone", "id", "date"])
def test_a_wrong_pair_says_so_without_saying_which_half(order, wrong):
    day, pk = order.number.split("-")
    number, phone = order.number, MOBILE
    if wrong == "phone":
        phone = "13900000002"
    elif wrong == "id":
        number = f"{day}-{int(pk) + 1000:06d}"
    else:
        number = f"{int(day) + 1}-{pk}"
    before = snapshot(order)
    response = track(number, phone)
    assert response.status_code == 400
    html = response.content.decode()
    assert NO_MATCH in html
    assert "Awaiting dispatch" not in html
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("number", "phone", "errors"),
    [
        ("123", MOBILE, [("not_order_number", "number")]),
        ("", MOBILE, [("not_order_number", "number")]),
        ("20260504-000001", "12345", [("not_phone", "phone")]),
        ("x", "", [("not_order_number", "number"), ("required", "phone")]),
    ],
)
def test_unreadable_input_is_refused_per_field_and_not_counted(world, number, phone, errors):
    from minsheng.core.errors import DomainError

    for _try in range(5):
        with pytest.raises(DomainError) as info:
            track_order(number=number, phone=phone, address="10.0.0.1")
        assert [(e.code, e.field) for e in info.value.errors] == errors
    # Not counted as wrong pairs: the address is not throttled.
    assert track("20260504-000001", MOBILE).status_code == 400


def test_wrong_pairs_are_throttled_per_address(order):
    for _try in range(3):
        assert track(order.number, "13900000002").status_code == 400
    before = snapshot(order)
    response = track(order.number, MOBILE)  # even the right pair, until the minute is over
    assert response.status_code == 429
    assert "Too many wrong tries from this network. Wait a minute, then try again." in (
        response.content.decode()
    )
    assert "Awaiting dispatch" not in response.content.decode()
    assert snapshot(order) == before
    assert track(order.number, MOBILE, address="10.0.0.2").status_code == 200


def test_the_rule_is_the_phone_the_order_was_placed_with(world, order, phoned_in):
    assert policy.holds_order(order, MOBILE)
    assert not policy.holds_order(order, LANDLINE)
    assert policy.holds_order(phoned_in, LANDLINE)
    assert not policy.holds_order(phoned_in, MOBILE)
    assert policy.tracking_reading(order, MOBILE) == policy.Reading("resident", details=False)
    assert policy.tracking_reading(order, "13900000002") is None
