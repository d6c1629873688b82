"""Orders without an account (an Open311 client app), public updates, and imported history:
the order services the Open311 adapter and the importer stand on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from minsheng.catalog.models import ServiceArea
from minsheng.core.errors import DomainError, PermissionDenied
from minsheng.orders import services
from minsheng.orders.models import Action, Channel, Order, OrderEvent, Status
from tests.helpers import submit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def _counts() -> tuple[int, int]:
    return Order.objects.count(), OrderEvent.objects.count()


def test_a_client_app_orders_without_an_account_on_the_open311_channel(world: Any) -> None:
    order = services.order_submit(
        actor=None,
        data=services.OrderInput(
            region_code="V1",
            service_code="meal-delivery",
            channel=Channel.OPEN311,
            contact_name="王芳",
            contact_phone="13800000000",
        ),
        now=NOW,
    )
    assert (order.status, order.channel, order.resident, order.created_by) == (
        Status.SUBMITTED,
        Channel.OPEN311,
        None,
        None,
    )
    assert (order.contact_name, order.contact_phone) == ("王芳", "13800000000")
    assert list(order.events.values_list("action", "actor")) == [(Action.SUBMIT, None)]


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.API, Channel.HOTLINE, "open311x"])
def test_without_an_account_only_the_open311_channel_may_order(world: Any, channel: str) -> None:
    before = _counts()
    with pytest.raises(PermissionDenied) as exc:
        services.order_submit(
            actor=None,
            data=services.OrderInput(
                region_code="V1", service_code="meal-delivery", channel=channel
            ),
        )
    assert exc.value.codes == ["login_required"]
    assert _counts() == before


def test_a_resident_cannot_claim_the_open311_channel(world: Any) -> None:
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.order_submit(
            actor=world.resident,
            data=services.OrderInput(
                region_code="V1", service_code="meal-delivery", channel=Channel.OPEN311
            ),
        )
    assert [(e.code, e.field) for e in exc.value.errors] == [("channel_invalid", "channel")]
    assert _counts() == before


def test_a_residents_comment_leaves_the_state_alone(world: Any) -> None:
    order = submit(world, now=NOW)
    event = services.order_comment(
        order_id=order.pk,
        actor=world.resident,
        note="  请中午前送到  ",
        now=NOW + timedelta(hours=1),
    )
    order.refresh_from_db()
    assert (event.action, event.old_status, event.new_status, event.note, event.actor) == (
        Action.COMMENT,
        Status.SUBMITTED,
        Status.SUBMITTED,
        "请中午前送到",
        world.resident,
    )
    assert order.status == Status.SUBMITTED
    assert order.updated_at == NOW + timedelta(hours=1)


def test_a_client_app_comments_without_an_account(world: Any) -> None:
    order = submit(world, now=NOW)
    event = services.client_comment(order_id=order.pk, note="Photo added")
    assert (event.action, event.actor, event.audience) == (Action.COMMENT, None, "public")


def test_an_update_without_an_account_is_not_a_residents_or_staff_comment(world: Any) -> None:
    order = submit(world, now=NOW)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.order_comment(order_id=order.pk, actor=None, note="Official: closed")
    assert exc.value.codes == ["not_permitted"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("actor", "note", "code"),
    [
        ("resident2", "hello", "not_permitted"),  # someone else's order
        ("dispatcher_b", "hello", "not_permitted"),  # another township's staff
        ("resident", "   ", "reason_required"),
        ("resident", "x" * 2001, "too_long"),
    ],
)
def test_refused_comments_write_nothing(world: Any, actor: str, note: str, code: str) -> None:
    order = submit(world, now=NOW)
    before = (_counts(), Order.objects.get(pk=order.pk).updated_at)
    with pytest.raises(DomainError) as exc:
        services.order_comment(order_id=order.pk, actor=getattr(world, actor), note=note)
    assert exc.value.codes == [code]
    assert (_counts(), Order.objects.get(pk=order.pk).updated_at) == before


def test_an_imported_closed_order_keeps_its_times_and_note(world: Any) -> None:
    requested = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    order = services.order_import(
        data=services.ImportedOrder(
            region=world.village_b,
            area=world.service.category.area,
            service=world.service,
            requested_at=requested,
            updated_at=requested + timedelta(days=2),
            closed=True,
            description="旧系统工单",
            status_notes="已处理",
            source_note="old #1",
        ),
        now=NOW,
    )
    assert (order.status, order.channel, order.township, order.category) == (
        Status.CLOSED,
        Channel.IMPORT,
        world.town_b,
        world.service.category,
    )
    assert (order.created_at, order.closed_at, order.step_deadline) == (
        requested,
        requested + timedelta(days=2),
        None,
    )
    assert order.resolve_deadline == requested + world.service.urgency.resolve_limit
    assert list(order.events.values_list("action", "new_status", "note", "created_at")) == [
        (Action.IMPORT, Status.CLOSED, "old #1", requested),
        (Action.COMMENT, Status.CLOSED, "已处理", requested + timedelta(days=2)),
    ]


def test_an_imported_open_free_need_enters_review_due_from_now(world: Any) -> None:
    area = ServiceArea.objects.get(code=world.service.category.area.code)
    requested = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    order = services.order_import(
        data=services.ImportedOrder(
            region=world.village_a,
            area=area,
            requested_at=requested,
            updated_at=requested,
            closed=False,
        ),
        now=NOW,
    )
    assert (order.status, order.service, order.closed_at) == (Status.SUBMITTED, None, None)
    assert order.urgency.code == "general"
    assert order.step_deadline == NOW + order.urgency.review_limit
    assert list(order.events.values_list("action", flat=True)) == [Action.IMPORT]


def test_an_import_updated_before_it_was_ordered_is_refused(world: Any) -> None:
    before = _counts()
    requested = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as exc:
        services.order_import(
            data=services.ImportedOrder(
                region=world.village_a,
                area=world.service.category.area,
                requested_at=requested,
                updated_at=requested - timedelta(seconds=1),
                closed=True,
            )
        )
    assert [(e.code, e.field) for e in exc.value.errors] == [
        ("updated_before_requested", "updated_datetime")
    ]
    assert _counts() == before
