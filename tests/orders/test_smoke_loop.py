from minsheng.orders import services as s
from minsheng.orders.models import Status


def test_full_loop_closes_a_rated_order(world):
    w = world
    order = s.order_submit(
        actor=w.resident, data=s.OrderInput(region_code="V1", service_code="meal-delivery")
    )
    s.order_approve(order_id=order.pk, actor=w.dispatcher_a)
    s.order_dispatch(order_id=order.pk, actor=w.dispatcher_a, provider_id=w.provider.pk)
    s.order_accept(order_id=order.pk, actor=w.provider_staff)
    s.order_start(order_id=order.pk, actor=w.provider_staff)
    s.order_deliver(order_id=order.pk, actor=w.provider_staff, note="送到了")
    s.order_rate(order_id=order.pk, actor=w.resident, data=s.RatingInput(True, True, "satisfied"))
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
