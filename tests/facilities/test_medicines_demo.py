"""The demo's medicines: every clinic and health centre has a list, the story clinics are short
of what their residents ask for (and the report says so), and the medicine-request orders
obey the lifecycle like the rest of the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from minsheng.demo.seed import seed_demo
from minsheng.facilities.models import Dispensing, Facility, Kind, MedicineRequest
from minsheng.facilities.selectors import medicines as selectors
from minsheng.facilities.services.medicines import SERVICE_CODE, medicine_requests_collect
from minsheng.orders.models import Order, OrderEvent, Rating
from tests.demo.checks import history_problems

from .medicines_helpers import load_reference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_seeds_lists_orders_and_requests():
    load_reference()
    now = timezone.now()
    summary = seed_demo(scale=0.02, now=now)
    assert summary.orders == Order.objects.count()
    assert summary.events == OrderEvent.objects.count()
    assert summary.ratings == Rating.objects.count()
    assert history_problems(now) == []

    health = Facility.objects.filter(kind__in=[Kind.CLINIC, Kind.HEALTH_CENTRE])
    without = health.exclude(pk__in=Dispensing.objects.values("facility_id"))
    assert not without.exists()
    orders = Order.objects.filter(service__code=SERVICE_CODE)
    assert orders.count() == 42
    assert MedicineRequest.objects.count() >= 30
    assert medicine_requests_collect(now=now).recorded == 0  # collected already

    today = timezone.localdate()
    report = selectors.report(Q(), today - timedelta(days=364), today)
    short = {r.facility.code for t in report.townships for r in t.rows if r.short}
    story = set(
        MedicineRequest.objects.values_list("facility__code", flat=True)
        .order_by("facility__code")
        .distinct()
    )
    assert len(short) >= 3 and short <= story
    for t in report.townships:
        for r in t.rows:
            if r.facility.kind == Kind.CLINIC and r.facility.code not in short:
                assert r.coverage.share is not None and r.coverage.share >= 0.7
