"""History moved from another system (an Open311 server): recorded as it happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import Service, ServiceArea
from minsheng.catalog.selectors import urgency_class
from minsheng.core.errors import DomainError
from minsheng.orders.attributes import MAX_TEXT
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Action, Audience, Channel, Order, Status
from minsheng.orders.services import events
from minsheng.orders.services.steps import MAX_NOTE
from minsheng.orders.services.submit import MAX_ADDRESS
from minsheng.regions.models import Region


@dataclass(frozen=True)
class ImportedOrder:
    """An order as another system recorded it, already placed in a region of ours."""

    region: Region
    area: ServiceArea
    requested_at: datetime
    updated_at: datetime
    closed: bool
    service: Service | None = None
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    status_notes: str = ""
    source_note: str = ""
    expected_at: datetime | None = None


def order_import(*, data: ImportedOrder, now: datetime | None = None) -> Order:
    """Record an order another system took, with its history as far as it is known.

    A closed order arrives closed at its last update. An open one enters the loop at
    review (审单), ordered when it was ordered there: its review step is due counted from
    now (the county has only just seen it), its resolution from the original order time
    (or the deadline the other system gave). The events are an ``import`` at the order
    time and, where the other system published a status note, a public update with it.
    Nothing here checks the menu: history is recorded as it happened, and published as the
    other server published it.
    """
    now = now or timezone.now()
    if data.updated_at < data.requested_at:
        raise DomainError.single(
            OrderCode.UPDATED_BEFORE_REQUESTED,
            _("The last update is earlier than the order time."),
            "updated_datetime",
        )
    urgency = data.service.urgency if data.service is not None else urgency_class(code="general")
    status = Status.CLOSED if data.closed else Status.SUBMITTED
    with transaction.atomic():
        order = Order.objects.create(
            status=status,
            service=data.service,
            area=data.area,
            category=data.service.category if data.service is not None else None,
            urgency=urgency,
            description=data.description.strip()[:MAX_TEXT],
            region=data.region,
            township_id=data.region.township_id or data.region.pk,
            latitude=data.latitude,
            longitude=data.longitude,
            address=data.address.strip()[:MAX_ADDRESS],
            channel=Channel.IMPORT,
            created_at=data.requested_at,
            updated_at=data.updated_at,
            step_deadline=None if data.closed else now + urgency.review_limit,
            resolve_deadline=data.expected_at or data.requested_at + urgency.resolve_limit,
            closed_at=data.updated_at if data.closed else None,
        )
        events.build(
            order_id=order.pk,
            action=Action.IMPORT,
            old_status="",
            new_status=status,
            at=data.requested_at,
            round=0,
            audience=Audience.PUBLIC,
            note=data.source_note.strip()[:MAX_NOTE],
        ).save(force_insert=True)
        notes = data.status_notes.strip()[:MAX_NOTE]
        if notes:
            events.record_note(
                order,
                action=Action.COMMENT,
                at=data.updated_at,
                actor=None,
                audience=Audience.PUBLIC,
                note=notes,
            )
    return order
