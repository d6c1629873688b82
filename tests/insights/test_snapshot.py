"""The snapshot and the figures on the hand-computed May of ``demand_world`` (conftest)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minsheng.insights import selectors
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.insights.services import demand_snapshot
from minsheng.voice.models import Suggestion
from tests.insights.conftest import JUNE, MAY, DemandWorld

pytestmark = pytest.mark.django_db


def counts(row: AreaDemand) -> dict[str, int]:
    names = [
        "placed",
        "unmet",
        "declined",
        "rejected",
        "overdue",
        "reopened",
        "unsatisfied",
        "suggestions",
        "supports",
        "stated",
    ]
    return {n: getattr(row, n) for n in names}


def test_the_snapshot_counts_each_village_and_area_as_defined(demand_world: DemandWorld):
    d, w = demand_world, demand_world.world
    summary = demand_snapshot(month=MAY)
    assert (summary.orders, summary.unmet, summary.suggestions, summary.stated) == (8, 5, 2, 4)
    assert summary.unplaced == 1  # the suggestion placed at the township
    rows = {(r.village_id, r.area_id): r for r in AreaDemand.objects.filter(month=MAY)}
    assert set(rows) == {
        (w.village_a.pk, d.area_a.pk),
        (w.village_b.pk, d.area_a.pk),
        (w.village_b.pk, d.area_b.pk),
        (d.v3.pk, d.area_a.pk),
    }
    assert counts(rows[(w.village_a.pk, d.area_a.pk)]) == {
        "placed": 6,
        "unmet": 4,
        "declined": 1,
        "rejected": 1,
        "overdue": 1,
        "reopened": 1,
        "unsatisfied": 1,
        "suggestions": 1,
        "supports": 3,
        "stated": 2,
    }
    assert counts(rows[(w.village_b.pk, d.area_b.pk)]) == {
        "placed": 1,
        "unmet": 1,
        "declined": 1,
        "rejected": 0,
        "overdue": 0,
        "reopened": 0,
        "unsatisfied": 0,
        "suggestions": 1,
        "supports": 0,
        "stated": 0,
    }
    assert rows[(w.village_b.pk, d.area_a.pk)].placed == 1
    assert rows[(w.village_b.pk, d.area_a.pk)].stated == 1
    assert rows[(d.v3.pk, d.area_a.pk)].stated == 1
    assert rows[(w.village_a.pk, d.area_a.pk)].township_id == w.town_a.pk
    # Per menu item: the free-form need (o9) has none.
    service_rows = {
        r.village_id: (r.placed, r.unmet, r.stated) for r in ServiceDemand.objects.filter(month=MAY)
    }
    assert service_rows == {w.village_a.pk: (6, 4, 1), d.v3.pk: (0, 0, 1)}
    pops = dict(VillageMonth.objects.filter(month=MAY).values_list("village_id", "population"))
    assert pops == {w.village_a.pk: 2000, w.village_b.pk: 500, d.v3.pk: 0}


def test_rates_per_thousand_at_village_township_and_county(demand_world: DemandWorld):
    d, w = demand_world, demand_world.world
    demand_snapshot(month=MAY)
    county = selectors.report(w.county, MAY)
    assert county.total.population == 2500
    assert (county.total.counts.placed, county.total.counts.unmet) == (8, 5)
    assert county.total.rate("placed") == pytest.approx(3.2)
    assert county.total.rate("unmet") == pytest.approx(2.0)
    assert county.total.rate("stated") == pytest.approx(1.6)
    assert county.total.rate("suggestions") == pytest.approx(0.8)
    assert county.total.unmet_share == pytest.approx(0.625)
    towns = {r.code: r for r in county.rows}
    assert list(towns) == ["T1", "T2"]
    assert (towns["T1"].population, towns["T1"].counts.placed) == (2000, 6)
    assert towns["T1"].placed_rate == pytest.approx(3.0)
    assert towns["T1"].stated_rate == pytest.approx(1.5)
    assert (towns["T2"].population, towns["T2"].counts.placed, towns["T2"].counts.unmet) == (
        500,
        2,
        1,
    )
    assert towns["T2"].placed_rate == pytest.approx(4.0)
    assert towns["T2"].unmet_rate == pytest.approx(2.0)
    # One area: T2 in area A.
    in_a = {r.code: r for r in selectors.report(w.county, MAY, d.area_a).rows}
    assert in_a["T2"].placed_rate == pytest.approx(2.0)
    assert in_a["T2"].counts.unmet == 0
    # A township's villages, the one without residents showing no rate.
    t1 = {r.code: r for r in selectors.report(w.town_a, MAY).rows}
    assert t1["V1"].unmet_rate == pytest.approx(2.0)
    assert t1["V1"].suggestions_rate == pytest.approx(0.5)
    assert t1["V3"].population == 0
    assert t1["V3"].counts.stated == 1
    assert t1["V3"].stated_rate is None
    # A village alone.
    v1 = selectors.report(w.village_a, MAY)
    assert v1.rows == []
    assert v1.total.rate("placed") == pytest.approx(3.0)
    by_area = {r.code: r for r in county.by_area}
    assert by_area[d.area_b.code].counts.unmet == 1
    assert by_area[d.area_b.code].unmet_rate == pytest.approx(0.4)


def test_a_region_where_nobody_lives_has_no_rate_not_an_error(demand_world: DemandWorld):
    from minsheng.regions.models import Region

    Region.objects.filter(level=Region.Level.VILLAGE).update(population=0)
    demand_snapshot(month=MAY)
    report = selectors.report(demand_world.world.county, MAY)
    assert report.total.population == 0
    assert report.total.counts.placed == 8
    assert report.total.rates()["placed"] is None
    assert all(r.placed_rate is None for r in report.rows)


def test_top_unmet_needs_and_trend(demand_world: DemandWorld):
    d, w = demand_world, demand_world.world
    demand_snapshot(month=MAY)
    demand_snapshot(month=JUNE)
    top = selectors.top_unmet(w.county, JUNE)
    assert [(n.code, n.counts.unmet, n.counts.placed) for n in top.by_area] == [
        (d.area_a.code, 5, 8),
        (d.area_b.code, 1, 1),
    ]
    area_a = top.by_area[0]
    assert (area_a.counts.suggestions, area_a.counts.supports, area_a.counts.stated) == (1, 3, 4)
    assert area_a.unmet_rate == pytest.approx(5 * 1000 / 2500)
    assert [(n.code, n.counts.unmet, n.counts.stated) for n in top.by_service] == [
        (w.service.code, 5, 2)
    ]
    points = selectors.trend(w.county, JUNE)
    assert len(points) == 12
    assert [p.month for p in points[-2:]] == [MAY, JUNE]
    assert [p.computed for p in points[-3:]] == [False, True, True]
    assert points[-2].figures.counts.placed == 8
    assert points[-1].figures.counts.placed == 1
    assert points[-1].figures.rate("unmet") == pytest.approx(0.4)


def test_recomputing_a_month_replaces_it(demand_world: DemandWorld):
    demand_snapshot(month=MAY)
    first = set(AreaDemand.objects.values_list("pk", flat=True))
    # A moderator hides V2's suggestion: the recomputed month no longer counts it.
    Suggestion.objects.filter(area=demand_world.area_b).update(
        hidden_at=demand_world.orders["o1"].created_at
    )
    demand_snapshot(month=MAY)
    assert not first & set(AreaDemand.objects.values_list("pk", flat=True))
    assert AreaDemand.objects.filter(month=MAY).count() == 4
    assert VillageMonth.objects.filter(month=MAY).count() == 3
    b = AreaDemand.objects.get(month=MAY, area=demand_world.area_b)
    assert (b.placed, b.suggestions) == (1, 0)
    demand_snapshot(month=JUNE)
    assert AreaDemand.objects.filter(month=MAY).count() == 4  # another month is left alone


def test_the_command_computes_a_month_or_refuses_a_bad_one(demand_world: DemandWorld):
    out = StringIO()
    call_command("demand_snapshot", "--month", "2026-05", stdout=out)
    assert out.getvalue().startswith("2026-05: villages=3 orders=8 unmet=5 suggestions=2 stated=4")
    assert AreaDemand.objects.filter(month=MAY).count() == 4
    with pytest.raises(CommandError, match="--month"):
        call_command("demand_snapshot", "--month", "2026-13", stdout=StringIO())


def test_the_command_all_months_and_the_nightly_task(demand_world: DemandWorld, settings):
    out = StringIO()
    call_command("demand_snapshot", "--all", stdout=out)
    assert "2026-05: villages=3 orders=8" in out.getvalue()
    assert "2026-06: villages=3 orders=1" in out.getvalue()
    from minsheng.insights.tasks import demand_snapshot_nightly

    result = demand_snapshot_nightly()
    assert len(result) == 2
    assert "insights-demand-snapshot" in settings.CELERY_BEAT_SCHEDULE


def test_the_place_by_area_matrix(demand_world: DemandWorld):
    d, w = demand_world, demand_world.world
    demand_snapshot(month=MAY)
    grid = selectors.matrix(w.county, MAY, "unmet")
    a = [x.pk for x in grid.areas].index(d.area_a.pk)
    b = [x.pk for x in grid.areas].index(d.area_b.pk)
    rows = {r.code: r for r in grid.rows}
    assert (rows["T1"].population, rows["T2"].population) == (2000, 500)
    assert rows["T1"].cells[a] == (4, pytest.approx(2.0))
    assert rows["T1"].cells[b] == (0, 0.0)
    assert rows["T2"].cells[b] == (1, pytest.approx(2.0))
    villages = {r.code: r for r in selectors.matrix(w.town_a, MAY, "stated").rows}
    assert villages["V1"].cells[a] == (2, pytest.approx(1.0))
    assert villages["V3"].cells[a] == (1, None)
    alone = selectors.matrix(w.village_b, MAY, "placed").rows
    assert [(r.code, r.cells[a][0], r.cells[b][0]) for r in alone] == [("V2", 1, 1)]
