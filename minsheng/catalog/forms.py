"""Parsing the portal's menu filters (region, area, text search) from a GET query."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import ServiceArea
from minsheng.regions.models import Region

MAX_QUERY = 100


@dataclass
class MenuFilter:
    region: Region | None = None
    area: ServiceArea | None = None
    query: str = ""
    region_code: str = ""
    area_code: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def parse_menu_filter(data: QueryDict, *, home: Region | None = None) -> MenuFilter:
    """Unknown codes become errors (the page answers 400) and are ignored for filtering.

    Without a ``region`` parameter a logged-in person's home village is used; an empty
    ``region`` means everywhere.
    """
    f = MenuFilter(query=data.get("q", "").strip()[:MAX_QUERY])
    if "region" in data:
        f.region_code = data.get("region", "").strip()
    elif home is not None and home.level != Region.Level.COUNTY:
        f.region_code = home.code
    if f.region_code:
        f.region = (
            Region.objects.filter(
                code=f.region_code, level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE]
            )
            .select_related("parent")
            .first()
        )
        if f.region is None:
            f.errors["region"] = str(_("No such place."))
    f.area_code = data.get("area", "").strip()
    if f.area_code:
        f.area = ServiceArea.objects.filter(code=f.area_code).first()
        if f.area is None:
            f.errors["area"] = str(_("No such service area."))
    return f
