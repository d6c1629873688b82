"""The demo's activities (demo.facilities_activities): a year held across the villages with
sign-ups and ratings, the monotonous story's villages with film nights only, and announced
activities the demo resident can sign up for."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from minsheng.demo.facility_stories import MONOTONOUS_TOWNSHIP
from minsheng.demo.seed import seed_demo
from minsheng.facilities.models import Activity, ActivityRating, ActivityStatus, Signup
from minsheng.facilities.selectors.activities import variety_table
from minsheng.facilities.services import activities as svc
from minsheng.facilities.variety import quarter_of
from minsheng.regions.models import Region

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_tells_the_activities_story():
    seed_demo(scale=0.02, now=NOW)
    held = Activity.objects.filter(status=ActivityStatus.HELD)
    assert held.count() > 1000
    assert not held.filter(starts_at__gte=NOW).exists()
    assert not held.filter(starts_at__lt=NOW - timedelta(days=366)).exists()
    assert held.values("kind").distinct().count() >= 10
    assert not held.filter(attendance__isnull=True).exists()
    # signups before the start, ratings only from those who came, after the end
    assert Signup.objects.filter(activity__status=ActivityStatus.HELD).count() > 500
    assert ActivityRating.objects.count() > 100
    for r in ActivityRating.objects.select_related("activity")[:200]:
        assert Signup.objects.get(activity=r.activity, user_id=r.user_id).attended is True
        assert r.created_at > r.activity.ends_at
    # the monotonous township: film nights only, so every village is marked
    shimen = Region.objects.get(name_en__startswith="Shimen", level=Region.Level.TOWNSHIP)
    kinds = set(held.filter(township=shimen).values_list("kind__code", flat=True))
    assert kinds == {"film-night"}
    admin = get_user_model().objects.get(username="admin")
    quarter = quarter_of((NOW - timedelta(days=120)).date())
    table = variety_table(admin, quarter)
    rows = [r for r in table.villages if r.township.pk == shimen.pk]
    assert rows and all(r.variety.monotonous for r in rows)
    # most villages elsewhere are varied
    others = [r for r in table.villages if r.township.pk != shimen.pk]
    assert sum(not r.variety.monotonous for r in others) > len(others) // 2
    # remote rural villages hold fewer than urban communities
    per_village = dict(
        held.values("village__kind").annotate(n=Count("pk")).values_list("village__kind", "n")
    )
    urban = Region.objects.filter(level=Region.Level.VILLAGE, kind=Region.Kind.URBAN).count()
    rural = Region.objects.filter(level=Region.Level.VILLAGE, kind=Region.Kind.RURAL).count()
    assert per_village["urban"] / urban > per_village["rural"] / rural
    assert MONOTONOUS_TOWNSHIP == "shimen"


def test_the_demo_resident_can_sign_up_for_whats_coming():
    seed_demo(scale=0.02, now=NOW)
    resident = get_user_model().objects.get(username="resident")
    village = resident.profile.region
    coming = Activity.objects.filter(status=ActivityStatus.ANNOUNCED, village=village)
    assert coming.count() == 3
    assert not Signup.objects.filter(user=resident, activity__in=coming).exists()
    first = coming.order_by("starts_at").first()
    svc.signup_create(actor=resident, activity_id=first.pk, now=NOW)
    assert Signup.objects.filter(user=resident, activity=first).exists()
