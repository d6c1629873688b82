"""A facility for a test, written directly (the register's own services are tested in
``test_register*``): every part's tests start from these."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from minsheng.facilities.models import Facility, Kind, Status
from minsheng.regions.models import Region

_counter = iter(range(1, 1_000_000))


def make_facility(
    region: Region,
    kind: str = Kind.BOOKSHOP,
    *,
    status: str = Status.OPEN,
    keepers: list[Any] | None = None,
    **fields: Any,
) -> Facility:
    """A facility of ``kind`` in ``region`` (township filled in), open unless told."""
    township = region if region.level == Region.Level.TOWNSHIP else region.parent
    now = timezone.now()
    n = next(_counter)
    values: dict[str, Any] = {
        "code": f"f{n}",
        "name_zh": f"设施{n}",
        "name_en": f"Facility {n}",
        "kind": kind,
        "status": status,
        "region": region,
        "township": township if township and township.level == Region.Level.TOWNSHIP else None,
        "latitude": region.latitude,
        "longitude": region.longitude,
        "capacity": 30,
        "created_at": now,
        "updated_at": now,
    }
    values.update(fields)
    facility = Facility.objects.create(**values)
    if keepers:
        facility.keepers.set(keepers)
    return facility
