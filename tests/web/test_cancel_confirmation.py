"""Cancelling asks first: the resident's and the staff cancel forms need their box ticked
(no script needed), and the script asks once more where it runs."""

from __future__ import annotations

import pytest

from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.orders.conftest import snapshot
from tests.web.conftest import logged_in

BOX = '<input type="checkbox" id="o{pk}-cancel-confirm-1" name="confirm" value="yes"'


@pytest.mark.parametrize(
    ("who", "url"),
    [("resident", "/me/orders/{pk}/"), ("dispatcher_a", "/staff/orders/{pk}/")],
)
def test_cancel_forms_carry_the_box_and_the_scripts_question(world, who, url):
    order = order_at(world, Status.APPROVED)
    body = logged_in(getattr(world, who)).get(url.format(pk=order.pk)).content.decode()
    assert BOX.format(pk=order.pk) in body
    assert "Yes, cancel this order. This cannot be undone." in body
    assert 'data-confirm="Cancel this order? This cannot be undone."' in body


@pytest.mark.parametrize(
    ("who", "url"),
    [("resident", "/me/orders/{pk}/cancel/"), ("dispatcher_a", "/staff/orders/{pk}/cancel/")],
)
def test_an_unticked_box_is_refused_on_the_box_and_nothing_changes(world, who, url):
    order = order_at(world, Status.APPROVED)
    before = snapshot(order)
    response = logged_in(getattr(world, who)).post(
        url.format(pk=order.pk), {"reason": "Changed my mind"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f'<p class="field-error" id="o{order.pk}-cancel-confirm-error">'
        "Tick the box to confirm that you want to cancel the order.</p>"
    ) in body
    # The reason typed is kept for the second try.
    assert "Changed my mind</textarea>" in body
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("who", "url"),
    [("resident", "/me/orders/{pk}/cancel/"), ("dispatcher_a", "/staff/orders/{pk}/cancel/")],
)
def test_a_ticked_box_cancels(world, who, url):
    order = order_at(world, Status.APPROVED)
    response = logged_in(getattr(world, who)).post(url.format(pk=order.pk), {"confirm": "yes"})
    order.refresh_from_db()
    assert (response.status_code, order.status) == (302, Status.CANCELLED)
