from __future__ import annotations

from django.db.models import QuerySet

from minsheng.core.refcache import RefCache
from minsheng.regions.models import Region


def townships(county: Region | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if county is not None:
        qs = qs.filter(parent=county)
    return qs.order_by("code")


def region_choices_tree() -> list[tuple[Region, list[Region]]]:
    """Townships with their villages, for pickers: two queries."""
    towns = list(townships())
    by_parent: dict[int, list[Region]] = {t.pk: [] for t in towns}
    for v in Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"):
        if v.parent_id is not None and v.parent_id in by_parent:
            by_parent[v.parent_id].append(v)
    return [(t, by_parent[t.pk]) for t in towns]


_by_code: RefCache[Region | None] = RefCache("region-by-code")


def region_by_code(code: str) -> Region | None:
    """The region with this code, its parent loaded (so ``ancestor_ids()`` costs no query).

    Cached per process (see ``minsheng.core.refcache``): treat the result as read-only.
    """
    return _by_code.get(
        code, lambda: Region.objects.select_related("parent").filter(code=code).first()
    )
