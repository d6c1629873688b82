"""The demo's equipment: every clinic and centre equipped; the report names exactly the
story's backward facilities, each with something missing, broken and past its life; the idle
clinic's key diagnostic items are broken; the reset removes it all."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.facilities.models import Equipment, EquipmentEvent, Facility, Kind, Status
from minsheng.facilities.selectors import equipment as sel
from minsheng.regions.models import Region
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_equipment_tells_its_stories_and_the_reset_removes_it(
    django_assert_max_num_queries,
):
    seed_demo(scale=0.03, now=NOW)
    as_of = NOW.date()
    county = Region.objects.get(level=Region.Level.COUNTY)
    health = Facility.objects.filter(kind__in=[Kind.CLINIC, Kind.HEALTH_CENTRE]).exclude(
        status=Status.PLANNED
    )
    assert set(health.values_list("pk", flat=True)) == set(
        Equipment.objects.values_list("facility_id", flat=True).filter(
            facility__kind__in=[Kind.CLINIC, Kind.HEALTH_CENTRE]
        )
    )
    assert Equipment.objects.filter(facility__kind=Kind.CULTURAL).exists()
    assert Equipment.objects.filter(facility__kind=Kind.SPORTS).exists()
    report = sel.backward_report(county, as_of)
    backward = {g.facility.code: g for g in report.facilities}
    assert report.total.backward == len(backward) == 4
    for g in backward.values():
        assert g.missing >= 1 and g.broken >= 1 and g.past_life >= 1
    assert sum(t.backward for t in report.townships) == 4
    idle = [g for g in report.facilities if g.broken == 3]
    assert len(idle) == 1
    with translation.override("zh-hans"):
        broken = sel.broken_equipment([idle[0].facility.pk])
    assert sorted(broken[idle[0].facility.pk]) == sorted(["血压计", "血糖仪", "听诊器"])
    assert EquipmentEvent.objects.filter(new_state="broken").count() == 3 + 3
    rows = sel.priority(county, as_of)
    assert rows[0].equipment.state == "broken"
    admin = User.objects.get(profile__role=Role.COUNTY_ADMIN, profile__region=county)
    client = logged_in(admin)
    with django_assert_max_num_queries(20):
        response = client.get("/staff/facilities/equipment/")
    assert response.status_code == 200
    assert response.context["report"].total.backward == 4
    idle_page = client.get(f"/staff/facilities/{idle[0].facility.pk}/equipment/")
    assert "Backward: a required item is missing" in idle_page.content.decode()
    demo_reset()
    assert Equipment.objects.count() == 0
    assert EquipmentEvent.objects.count() == 0
