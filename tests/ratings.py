"""Hand-built rated orders for the rates and the ranking: many ratings at exact local times,
faster than walking each order through the loop. (Orders that go through the services, for
the rules the services enforce, come from ``tests.helpers``.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from minsheng.catalog.models import ServiceArea, UrgencyClass
from minsheng.orders.models import Channel, Order, Rating, Status
from tests.helpers import TZ


def local(*args: int) -> datetime:
    """A moment in the county's time zone."""
    return datetime(*args, tzinfo=TZ)


def rate_row(
    world: Any,
    town: Any,
    provider: Any,
    at: datetime,
    contacted: bool,
    solved: bool,
    satisfaction: str,
    valid: bool = True,
    *,
    service: Any = None,
    via: str = Rating.Via.CALLBACK,
) -> Rating:
    """A closed order in ``town``'s village (the world's elderly-care area; ``service`` if
    given) with one rating of round 0 given at ``at``."""
    area = ServiceArea.objects.get(code="elderly")
    urgency = UrgencyClass.objects.get(code="general")
    village = world.village_a if town == world.town_a else world.village_b
    order = Order.objects.create(
        status=Status.CLOSED,
        area=area,
        urgency=urgency,
        region=village,
        township=town,
        channel=Channel.WEB,
        provider=provider,
        service=service,
        category=service.category if service is not None else None,
        created_at=at,
        updated_at=at,
        resolve_deadline=at,
    )
    return Rating.objects.create(
        order=order,
        round=0,
        via=via,
        contacted=contacted,
        solved=solved,
        satisfaction=satisfaction,
        township=town,
        provider=provider,
        valid=valid,
        created_at=at,
    )
