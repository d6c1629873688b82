"""The demo's residents order what fits their household, and every answer is one the
question's bounds accept on the order's own day: a wished-for date falls after the order."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.utils import timezone

from minsheng.catalog.models import ServiceAttribute
from minsheng.demo.households import DEMO_RESIDENT, RULES, Household, fits, household_of
from minsheng.demo.seed import seed_demo
from minsheng.orders.attributes import clean_answers
from minsheng.orders.models import Order

D = ServiceAttribute.Datatype


def test_households_are_plausible_and_the_same_on_every_run():
    people = [household_of(f"r{n:05d}") for n in range(1, 2001)]
    assert household_of("r00042") == household_of("r00042")
    assert household_of("resident") == DEMO_RESIDENT
    assert all(18 <= h.age <= 90 for h in people)
    assert all(h.sex == "f" and 20 <= h.age <= 40 for h in people if h.pregnant)
    assert all(h.sex == "m" and h.age >= 35 for h in people if h.veteran)
    # Enough of each kind for every service to have someone to order it.
    kinds = Counter(
        kind for h in people for kind in ("pregnant", "small_child", "veteran") if getattr(h, kind)
    )
    assert min(kinds.values()) >= 20, kinds


@pytest.mark.parametrize(
    ("code", "household", "fit"),
    [
        ("prenatal-checkup", Household(70, "f", False, False, False, False, False), False),
        ("prenatal-checkup", Household(28, "f", True, False, False, False, False), True),
        ("meal-delivery", Household(30, "m", False, False, False, False, False), False),
        ("meal-delivery", DEMO_RESIDENT, True),
        ("child-vaccination", DEMO_RESIDENT, True),  # her grandson
        ("job-info", DEMO_RESIDENT, False),
        ("veteran-visit", Household(50, "m", False, False, False, False, True), True),
        ("power-repair", Household(19, "f", False, False, False, False, False), True),
    ],
)
def test_fitting_rules(code, household, fit):
    assert fits(code, household) is fit


@pytest.mark.django_db
def test_every_seeded_order_fits_its_resident_and_its_answers_fit_the_order_day():
    seed_demo(scale=0.02)
    orders = list(Order.objects.filter(service__isnull=False).select_related("service", "resident"))
    attributes: dict[int, list[ServiceAttribute]] = {}
    for attr in ServiceAttribute.objects.all():
        attributes.setdefault(attr.service_id, []).append(attr)

    misfits = [
        (o.pk, o.service.code, o.resident.username)
        for o in orders
        if o.resident is not None and not fits(o.service.code, household_of(o.resident.username))
    ]
    assert misfits == []
    # The rules were put to work: orders of services with a rule have residents.
    ruled = {o.service.code for o in orders if o.resident is not None and o.service.code in RULES}
    assert len(ruled) >= 10, ruled

    dated = 0
    for o in orders:
        day = timezone.localdate(o.created_at)
        # Every answer is what the server would accept on the order's day.
        assert clean_answers(attributes.get(o.service_id, []), o.answers, today=day) == o.answers
        for attr in attributes.get(o.service_id, []):
            if attr.datatype == D.DATETIME and attr.code in o.answers:
                answered = timezone.localdate(datetime.fromisoformat(o.answers[attr.code]))
                if attr.earliest_days is not None and attr.earliest_days >= 0:
                    assert answered >= day, (o.pk, attr.code, answered, day)
                    dated += 1
    assert dated >= 20
