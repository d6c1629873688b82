"""The "what would people order" estimate of a proposed menu item, for a user: reading the
proposal (every bad field refused by name, nothing computed), then
``insights.demand``'s method on the snapshot's figures. Reads only; writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import ServiceArea
from minsheng.core.errors import Code, DomainError, ErrorDetail, PermissionDenied
from minsheng.core.inputs import Invalid, is_blank, read_text, storable
from minsheng.insights import demand, policy, selectors
from minsheng.insights.errors import DemandCode
from minsheng.regions.models import Region

NAME_MAX = 120
DESCRIPTION_MAX = 2000
KEYWORDS_MAX = 200
TARGETS_MAX = 100


@dataclass(frozen=True)
class Proposal:
    name: str
    description: str
    keywords: str
    area: ServiceArea
    townships: list[Region]


@dataclass(frozen=True)
class TownshipEstimate:
    township: Region
    figures: demand.PlaceEstimate


@dataclass(frozen=True)
class Estimate:
    proposal: Proposal
    month: date
    months: int  # months of snapshot the rates are over
    similar: list[demand.Similar]
    townships: list[TownshipEstimate]

    @property
    def total(self) -> float | None:
        known = [t.figures.orders for t in self.townships if t.figures.orders is not None]
        return sum(known) if known else None


def _targets(user: Actor, raw: Any) -> list[Region]:
    """Township codes (the county's code: every township in the user's scope)."""
    if isinstance(raw, str):
        raw = [raw]
    if raw is None or not isinstance(raw, list | tuple):
        raise Invalid(Code.REQUIRED, _("Choose at least one township."))
    codes = [c.strip() for c in raw if isinstance(c, str) and c.strip()]
    if len(codes) != len(raw) or not codes:
        raise Invalid(Code.REQUIRED, _("Choose at least one township."))
    if len(codes) > TARGETS_MAX:
        raise Invalid(DemandCode.TOO_MANY, _("At most %(n)d townships.") % {"n": TARGETS_MAX})
    for code in codes:
        read_text(code, max_length=20)
    found = {r.code: r for r in Region.objects.filter(code__in=codes).defer("boundary")}
    out: dict[int, Region] = {}
    for code in codes:
        region = found.get(code)
        if region is None:
            raise Invalid(DemandCode.UNKNOWN_REGION, _("No such place: %(code)s.") % {"code": code})
        if not policy.can_see_region(user, region):
            raise Invalid(DemandCode.OUTSIDE_SCOPE, _("This place is outside your region."))
        if region.level == Region.Level.COUNTY:
            for t in Region.objects.filter(parent=region).defer("boundary").order_by("code"):
                out[t.pk] = t
        elif region.level == Region.Level.TOWNSHIP:
            out[region.pk] = region
        else:
            raise Invalid(DemandCode.NOT_A_TOWNSHIP, _("Choose townships (or the county)."))
    return sorted(out.values(), key=lambda r: r.code)


def read_proposal(user: Actor, data: Any) -> Proposal:
    """The proposal in ``data`` (a mapping: name, description, keywords, area, targets);
    every bad field is reported at once, by name."""
    if not policy.can_estimate(user):
        raise PermissionDenied.single(Code.NOT_PERMITTED, _("You may not estimate demand."), None)
    errors: list[ErrorDetail] = []
    values: dict[str, Any] = {}
    for name, limit, required in (
        ("name", NAME_MAX, True),
        ("description", DESCRIPTION_MAX, False),
        ("keywords", KEYWORDS_MAX, False),
    ):
        try:
            values[name] = read_text(
                data.get(name), max_length=limit, required=required, markup=False
            )
        except Invalid as exc:
            errors.append(exc.detail(name))
    raw_area = data.get("area")
    area = None
    if is_blank(raw_area):
        errors.append(ErrorDetail(Code.REQUIRED, _("Choose a service area."), "area"))
    elif not isinstance(raw_area, str) or not storable(raw_area):
        errors.append(ErrorDetail(Code.NOT_TEXT, _("Give text."), "area"))
    else:
        area = selectors.area_by_code(raw_area.strip())
        if area is None:
            errors.append(ErrorDetail(DemandCode.UNKNOWN_AREA, _("No such service area."), "area"))
    townships: list[Region] = []
    try:
        townships = _targets(user, data.get("targets"))
    except Invalid as exc:
        errors.append(exc.detail("targets"))
    if errors:
        raise DomainError(errors)
    assert area is not None
    return Proposal(
        name=values["name"],
        description=values["description"],
        keywords=values["keywords"],
        area=area,
        townships=townships,
    )


def estimate(proposal: Proposal, month: date) -> Estimate:
    """The estimate for ``proposal`` from the 12 months of snapshot ending with ``month``."""
    similar = demand.similar_items(
        proposal.name,
        f"{proposal.description} {proposal.keywords}".strip(),
        proposal.area.code,
        selectors.estimate_items(),
    )
    inputs = selectors.estimate_inputs(
        proposal.townships, proposal.area, month, [s.item.id for s in similar]
    )
    computed = set(selectors.computed_months()) & set(inputs.months)
    rows = [
        TownshipEstimate(
            township=t,
            figures=demand.estimate_place(
                similar,
                place,
                months=len(computed),
                county_voice=inputs.county_voice,
                county_population=inputs.county_population,
            ),
        )
        for t, place in zip(proposal.townships, inputs.places, strict=True)
    ]
    return Estimate(proposal, month, len(computed), similar, rows)
