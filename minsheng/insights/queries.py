"""What a demand page or REST call asks for (``?month=&region=&area=&measure=``), read the
one way for both: every bad parameter is refused by name; a region the user may not see is
a 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import ServiceArea
from minsheng.core.errors import DomainError, ErrorDetail, NotFound
from minsheng.core.inputs import Invalid, read_month, storable
from minsheng.insights import demand, policy, selectors
from minsheng.insights.errors import DemandCode
from minsheng.regions.models import Region


@dataclass(frozen=True)
class Query:
    month: date
    region: Region
    area: ServiceArea | None
    measure: str


def default_month() -> date:
    """The last month that has ended: its orders have had time to be rated."""
    return demand.add_months(demand.month_start(timezone.localdate()), -1)


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def read_query(user: Actor, params: Mapping[str, Any], *, measure: bool = False) -> Query:
    """The query in ``params`` for ``user`` (who must be allowed to see demand at all)."""
    scope = policy.demand_scope(user)
    assert scope is not None, "ask policy.can_see_demand first"
    errors: list[ErrorDetail] = []
    month = default_month()
    raw = _text(params, "month")
    if raw:
        try:
            month = read_month(raw)
        except Invalid as exc:
            errors.append(exc.detail("month"))
    area = None
    raw = _text(params, "area")
    if raw:
        area = selectors.area_by_code(raw)
        if area is None:
            errors.append(ErrorDetail(DemandCode.UNKNOWN_AREA, _("No such service area."), "area"))
    chosen = "placed"
    raw = _text(params, "measure")
    if measure and raw:
        if raw not in demand.MEASURES:
            errors.append(
                ErrorDetail(
                    DemandCode.UNKNOWN_MEASURE,
                    _("Choose the measure placed, unmet, stated or suggestions."),
                    "measure",
                )
            )
        else:
            chosen = raw
    region = scope
    raw = _text(params, "region")
    if raw and raw != scope.code:
        found = (
            Region.objects.filter(code=raw).defer("boundary").first()
            if len(raw) <= 20 and storable(raw)
            else None
        )
        if found is None or not policy.can_see_region(user, found):
            if errors:
                raise DomainError(errors)
            raise NotFound.single(DemandCode.UNKNOWN_REGION, _("No such place."), "region")
        region = found
    if errors:
        raise DomainError(errors)
    return Query(month=month, region=region, area=area, measure=chosen)
