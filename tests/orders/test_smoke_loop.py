from minsheng.orders import services as s
from minsheng.orders.models import Status
from tests.helpers import order_at


def test_full_loop_closes_a_rated_order(world):
    order = order_at(world, Status.DELIVERED)
    s.order_rate(
        order_id=order.pk, actor=world.resident, data=s.RatingInput(True, True, "satisfied")
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert [e.action for e in order.events.all()] == [
        "submit",
        "approve",
        "dispatch",
        "accept",
        "start",
        "deliver",
        "rate",
    ]
