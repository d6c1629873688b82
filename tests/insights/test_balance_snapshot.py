"""The indicator snapshot (``insights.balance.indicator_snapshot``), its command and task:
hand-computed attainments and gaps, a month replaced whole, and nothing written when it
fails half-way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from minsheng.catalog.models import ServiceArea
from minsheng.insights import balance
from minsheng.insights import indicators as ind
from minsheng.insights.balance import indicator_snapshot
from minsheng.insights.models import (
    AreaAttainment,
    ImportedValue,
    Indicator,
    IndicatorValue,
    SpendingBand,
)
from minsheng.insights.tasks import indicator_snapshot_nightly
from minsheng.regions.models import Region
from tests.insights.conftest import MAY

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 1)


@pytest.fixture
def imported(world: Any) -> dict[str, Any]:
    """Only two (imported) health indicators, with hand-chosen values:

    - i1 (more is better, standard 10, weight 1): V1 5, T1 20, V2 2;
    - i2 (less is better, standard 0.2, weight 3): V1 0.4, T1 0.05, V2 not given;
    - bands for rural health: 100 yuan a resident a point to 0.5, then 200 to 1.
    """
    Indicator.objects.update(active=False)
    health = ServiceArea.objects.get(code="health")
    i1 = Indicator.objects.create(
        code="t_more", name_zh="多", area=health, dimension="supply", source="imported",
        standard=10, standard_basis="county", weight=1, position=0,
    )  # fmt: skip
    i2 = Indicator.objects.create(
        code="t_less", name_zh="少", area=health, dimension="outcome", source="imported",
        standard=0.2, standard_basis="county", weight=3, higher_is_better=False, position=1,
    )  # fmt: skip
    now = timezone.now()
    for ind_, region, value in (
        (i1, world.village_a, 5),
        (i2, world.village_a, 0.4),
        (i1, world.town_a, 20),
        (i2, world.town_a, 0.05),
        (i1, world.village_b, 2),
    ):
        ImportedValue.objects.create(
            indicator=ind_, region=region, month=MAY, value=value, imported_at=now
        )
    SpendingBand.objects.create(area=health, rural=True, lower=0, upper=0.5, yuan_per_resident=100)
    SpendingBand.objects.create(area=health, rural=True, lower=0.5, upper=1, yuan_per_resident=200)
    # urban bands apply to urban places only
    SpendingBand.objects.create(area=health, rural=False, lower=0, upper=1, yuan_per_resident=1)
    return {"i1": i1, "i2": i2, "health": health}


def _staves(month: date = MAY) -> dict[str, AreaAttainment]:
    return {
        a.region.code: a
        for a in AreaAttainment.objects.filter(month=month).select_related("region")
    }


def test_snapshot_computes_attainments_and_gaps_by_hand(world, imported):
    s = indicator_snapshot(month=MAY)
    assert (s.indicators, s.values, s.areas) == (2, 5, 3)
    values = {
        (v.indicator.code, v.region.code): v
        for v in IndicatorValue.objects.filter(month=MAY).select_related("indicator", "region")
    }
    assert set(values) == {
        ("t_more", "V1"), ("t_less", "V1"), ("t_more", "T1"), ("t_less", "T1"), ("t_more", "V2")
    }  # fmt: skip
    assert values[("t_more", "T1")].attainment == 2.0  # kept uncapped
    assert values[("t_less", "T1")].attainment == pytest.approx(4.0)
    assert values[("t_less", "V1")].attainment == pytest.approx(0.5)
    assert values[("t_more", "V1")].standard == 10
    assert values[("t_more", "V1")].population == 1000
    assert values[("t_more", "T1")].population == 1000  # its villages': V1
    staves = _staves()
    assert set(staves) == {"V1", "T1", "V2"}  # no value in T2 or the county: no stave
    v1 = staves["V1"]
    assert v1.attainment == pytest.approx((0.5 * 1 + 0.5 * 3) / 4)
    assert v1.gap_people == pytest.approx(500)
    assert v1.gap_yuan == pytest.approx(0.5 * 200 * 1000)
    assert v1.weakest_indicator_id == imported["i1"].pk  # equal lowest: the first
    t1 = staves["T1"]
    assert (t1.attainment, t1.gap_people, t1.gap_yuan) == (1.0, 0.0, 0.0)
    assert t1.weakest_indicator_id == imported["i1"].pk
    # V2: i2 not given there, so skipped (not counted as 0)
    v2 = staves["V2"]
    assert v2.attainment == pytest.approx(0.2)
    assert v2.gap_people == pytest.approx(800)
    assert v2.gap_yuan == pytest.approx(1000 * (0.3 * 100 + 0.5 * 200))


def test_an_area_without_bands_has_no_gap_in_yuan(world, imported):
    SpendingBand.objects.all().delete()
    indicator_snapshot(month=MAY)
    v1 = _staves()["V1"]
    assert v1.gap_yuan is None and v1.gap_people == pytest.approx(500)


def test_urban_places_take_the_urban_bands(world, imported):
    Region.objects.filter(pk=world.village_a.pk).update(kind=Region.Kind.URBAN)
    indicator_snapshot(month=MAY)
    assert _staves()["V1"].gap_yuan == pytest.approx(0.5 * 1 * 1000)


def test_a_month_is_replaced_whole_and_other_months_kept(world, imported):
    indicator_snapshot(month=MAY)
    ImportedValue.objects.create(
        indicator=imported["i1"], region=world.village_a, month=JUNE, value=10,
        imported_at=timezone.now(),
    )  # fmt: skip
    indicator_snapshot(month=JUNE)
    ImportedValue.objects.filter(region=world.village_b, month=MAY).delete()
    ImportedValue.objects.filter(
        region=world.village_a, indicator=imported["i1"], month=MAY
    ).update(value=10)
    indicator_snapshot(month=MAY)
    assert IndicatorValue.objects.filter(month=MAY).count() == 4
    assert set(_staves()) == {"V1", "T1"}
    assert _staves()["V1"].attainment == pytest.approx((1 + 3 * 0.5) / 4)
    assert IndicatorValue.objects.filter(month=JUNE).count() == 1  # V1 (imported: no roll-up)
    assert _staves(JUNE)["V1"].attainment == 1.0


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        list(IndicatorValue.objects.values_list("month", "indicator_id", "region_id", "value"))
        + list(AreaAttainment.objects.values_list("month", "region_id", "area_id", "attainment"))
    )


def test_an_error_while_computing_writes_nothing(world, imported, monkeypatch):
    indicator_snapshot(month=MAY)
    before = _rows()
    Indicator.objects.filter(code="health_facilities_per_10k").update(active=True)

    def boom(ctx: ind.Context) -> dict[int, float]:
        raise RuntimeError("half-way")

    monkeypatch.setitem(ind.REGISTRY, "health_facilities_per_10k", boom)
    ImportedValue.objects.filter(month=MAY).update(value=1)
    with pytest.raises(RuntimeError):
        indicator_snapshot(month=MAY)
    assert _rows() == before


def test_an_error_while_writing_writes_nothing(world, imported, monkeypatch):
    indicator_snapshot(month=MAY)
    before = _rows()
    assert before

    real = balance._insert

    def failing(model: Any, *args: Any) -> None:
        if model is AreaAttainment:
            assert IndicatorValue.objects.filter(month=MAY).exists()  # written already
            raise RuntimeError("disk full")
        real(model, *args)

    # the values are written, then the staves fail: the transaction undoes the values too
    monkeypatch.setattr(balance, "_insert", failing)
    with pytest.raises(RuntimeError):
        indicator_snapshot(month=MAY)
    assert _rows() == before


def test_inactive_indicators_are_not_computed(world, imported):
    Indicator.objects.filter(pk=imported["i2"].pk).update(active=False)
    s = indicator_snapshot(month=MAY)
    assert s.indicators == 1
    assert _staves()["V1"].attainment == pytest.approx(0.5)


def test_the_default_indicators_snapshot_the_small_county(demand_world):
    from minsheng.insights.services import demand_snapshot

    demand_snapshot(month=MAY)
    s = indicator_snapshot(month=MAY)
    assert s.skipped == []
    county = demand_world.world.county
    codes = set(
        IndicatorValue.objects.filter(month=MAY, region=county).values_list(
            "indicator__code", flat=True
        )
    )
    assert {"response_rate", "resolution_rate", "satisfaction_rate"} <= codes
    assert "health_doctors_per_1000" not in codes  # imported, none given
    elderly = AreaAttainment.objects.get(month=MAY, region=county, area__code="elderly")
    assert 0 <= elderly.attainment <= 1
    assert elderly.weakest_indicator is not None
    assert elderly.population == 2500


# --- the command and the task -------------------------------------------------------------------


def test_command_snapshots_the_months_asked(world, imported, capsys):
    call_command("indicator_snapshot", "--month", "2026-05")
    out = capsys.readouterr().out
    assert out.startswith("2026-05: indicators=2 values=5 areas=3")
    call_command("indicator_snapshot", "--month", "2026-06", "--months", "3")
    lines = capsys.readouterr().out.splitlines()
    assert [line[:7] for line in lines] == ["2026-04", "2026-05", "2026-06"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "--month: .*YYYY-MM"),
        (["--month", "May"], "--month: .*YYYY-MM"),
        (["--months", "0"], "--months: give a whole number from 1 to 120."),
        (["--months", "two"], "--months: give a whole number from 1 to 120."),
    ],
)
def test_command_refuses_a_bad_month(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("indicator_snapshot", *args)
    assert not IndicatorValue.objects.exists()


def test_task_recomputes_this_month_and_the_last(world):
    out = indicator_snapshot_nightly()
    this = timezone.localdate().replace(day=1)
    assert [o["month"] for o in out][-1] == f"{this:%Y-%m}"
    assert len(out) == 2
    assert IndicatorValue.objects.filter(month=this).exists()


def test_an_installation_without_regions_snapshots_nothing():
    s = indicator_snapshot(month=MAY)
    assert (s.values, s.areas) == (0, 0)
    assert not IndicatorValue.objects.exists()
