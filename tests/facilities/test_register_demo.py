"""The register's demo seed (``demo.facilities_register.seed_portal_views``): a year of portal views (township facilities more than village
ones, the publicity stories almost none, infrastructure none), contacts, and the demo
village's bookshop kept by the demo grid worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from minsheng.demo import seed as seed_module
from minsheng.demo.facilities_register import seed_portal_views
from minsheng.demo.seed import seed_demo
from minsheng.facilities.models import INFRASTRUCTURE, Facility, Kind, PortalViews

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _year_views(facility_ids):
    return dict(
        PortalViews.objects.filter(facility_id__in=facility_ids)
        .values("facility_id")
        .annotate(n=Sum("views"))
        .values_list("facility_id", "n")
    )


def test_the_demo_seeds_a_year_of_views_contacts_and_the_demo_keeper(monkeypatch):
    seen: dict[str, Any] = {}

    def spy(**kwargs: Any) -> int:
        seen.update(kwargs)
        return seed_portal_views(**kwargs)

    monkeypatch.setattr(seed_module, "seed_portal_views", spy)
    seed_demo(scale=0.02, now=NOW)
    facilities = list(Facility.objects.all())
    views = _year_views([f.pk for f in facilities])
    first, last = (
        PortalViews.objects.order_by("day").values_list("day", flat=True).first(),
        PortalViews.objects.order_by("day").values_list("day", flat=True).last(),
    )
    assert last <= NOW.date()
    assert first >= NOW.date() - timedelta(days=364)
    infrastructure = [f for f in facilities if f.kind in INFRASTRUCTURE]
    assert infrastructure and all(views.get(f.pk, 0) == 0 for f in infrastructure)
    centres = [views.get(f.pk, 0) for f in facilities if f.kind == Kind.HEALTH_CENTRE]
    clinics = [views.get(f.pk, 0) for f in facilities if f.kind == Kind.CLINIC]
    assert min(centres) > max(clinics) / 2
    assert sum(centres) / len(centres) > 2 * sum(clinics) / len(clinics)
    visited = [f for f in facilities if f.kind not in INFRASTRUCTURE]
    assert all(f.contact_name and f.contact_phone for f in visited)
    kept = Facility.objects.filter(keepers__username="grid")
    assert [f.kind for f in kept] == [Kind.BOOKSHOP]
    # the publicity stories are almost never looked up; other bookshops are
    story = seen["story"]
    hidden = {story.idle_publicity.pk, story.idle_two_causes.pk}
    assert all(views.get(pk, 0) < 30 for pk in hidden)
    others = [
        views.get(f.pk, 0) for f in facilities if f.kind == Kind.BOOKSHOP and f.pk not in hidden
    ]
    assert sum(others) / len(others) > 150  # 0.6 a day, more at weekends: ~250
