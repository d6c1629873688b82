"""The demo's idle part: the awareness survey (the story villages mostly do not know their
bookshop), the hours story's requests mostly outside its hours, the detection run (its
flags whatever the other parts wrote), and the reset removing it all."""

from __future__ import annotations

import pytest
from django.utils import timezone

from minsheng.demo.facilities import WEEKDAY_DAYTIME
from minsheng.demo.facilities_idle import AWARENESS_TITLE, HOURS_REQUESTS
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.facilities.models import AwarenessQuestion, Facility, IdleFlag
from minsheng.facilities.selectors import idle as sel
from minsheng.voice.models import Response, Survey

pytestmark = pytest.mark.django_db
SCALE = 0.02


def test_the_demo_seeds_awareness_hours_requests_and_runs_the_detection() -> None:
    seed_demo(scale=SCALE)
    survey = Survey.objects.get(title=AWARENESS_TITLE)
    assert AwarenessQuestion.objects.filter(question__survey=survey, kind="bookshop").count() == 1
    aware = sel.awareness_by_region(timezone.localdate())
    shops = Facility.objects.filter(kind="bookshop").select_related("region")
    villages = {
        r for r in Response.objects.filter(survey=survey).values_list("region_id", flat=True)
    }
    assert len(villages) >= 12
    low = sorted(v for (v, kind), share in aware.items() if v in villages and share == 0.1)
    assert len(low) == 2  # the publicity story and the two-causes story
    assert all(aware[(v, "bookshop")] >= 0.7 for v in villages - set(low))
    # the hours story: weekday daytime, most of its village's book requests outside it
    today = timezone.localdate()
    asks = sel.requests_outside_hours(list(shops), today)
    story = next(
        f
        for f in shops
        if f.opening_hours == WEEKDAY_DAYTIME
        and asks.get(f.pk, (0, 0))[0] >= HOURS_REQUESTS
        and asks[f.pk][1] * 2 > asks[f.pk][0]
    )
    assert story is not None
    # the detection ran: flags only where the use says so; the history flag is closed
    for flag in IdleFlag.objects.filter(status="closed"):
        assert flag.action
    demo_reset()
    assert not Survey.objects.filter(title=AWARENESS_TITLE).exists()
    assert AwarenessQuestion.objects.count() == 0 and IdleFlag.objects.count() == 0
