"""The siting planning page: a county planner runs a siting on the register, it is saved as
a PlanningRun and shown with its map and table; bad input is shown beside the field (400,
nothing saved)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from minsheng.facilities.models import Kind, Status
from minsheng.insights.models import PlanningRun
from minsheng.insights.siting_inputs import register_instance, siting_run_create
from minsheng.regions.models import Region
from tests.facilities.factories import make_facility
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world: Any) -> Any:
    """Villages on a line of longitude at 30° N, about 9.6 km apart (0.1°), plus V1, V2
    of the shared world; one open clinic at V1 and a closed one at W2."""
    Region.objects.filter(code="V2").update(population=0)  # no demand from V2
    for i, pop in enumerate([100, 200, 300, 400], start=1):
        RegionFactory(
            code=f"W{i}",
            parent=world.town_a,
            population=pop,
            latitude=30.0,
            longitude=110.01 + 0.1 * i,
        )
    make_facility(world.village_a, Kind.CLINIC)
    make_facility(Region.objects.get(code="W2"), Kind.CLINIC, status=Status.CLOSED)
    return world


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_register_instance(county: Any) -> None:
    inst = register_instance(Kind.CLINIC)
    assert inst.demand.ids == ["V1", "W1", "W2", "W3", "W4"]
    assert inst.demand.population == [1000.0, 100.0, 200.0, 300.0, 400.0]
    assert inst.candidates.ids == ["W1", "W2", "W3", "W4"]  # V1 has an open clinic
    assert len(inst.existing.ids) == 1
    assert inst.cost.shape == (5, 4) and inst.existing_cost.shape == (5, 1)
    assert inst.cost[1, 0] == 0.0


def test_county_admin_runs_an_mclp_and_sees_the_run(county: Any) -> None:
    c = client_for(county.county_admin)
    r = c.post(
        "/staff/planning/siting/",
        {"kind": Kind.CLINIC, "model": "mclp", "p": "1", "radius_km": "10"},
    )
    run = PlanningRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/planning/siting/{run.pk}/"
    assert run.kind == PlanningRun.Kind.SITING and run.scope == county.county
    assert run.inputs == {"kind": "clinic", "model": "mclp", "p": 1, "radius_km": 10.0}
    # V1 (1,000) is covered by the existing clinic (W1 is 9.6 km away: covered too).
    # W3 covers W2, W3, W4 (900); W4 only W3, W4 (700); W2 covers W1?, W2, W3 (600)
    assert [s["id"] for s in run.result["sites"]] == ["W3"]
    assert run.result["covered_population_before"] == 1100.0
    assert run.result["covered_population"] == 2000.0
    assert run.result["sites"][0]["newly_covered"] == 900.0
    with translation.override("en"):
        page = c.get(f"/staff/planning/siting/{run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-map="siting"' in html and "leaflet.js" in html
    assert "<td>W3</td><td>900</td>" in html
    assert 'id="covered-before">1100 (55%)' in html and 'id="covered-after">2000 (100%)' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"model": "mclp", "p": "9", "radius_km": "5"},
            "p",
            "p is larger than the 4 candidate villages.",
        ),
        ({"model": "mclp", "radius_km": "5"}, "p", "This model needs the number of new sites."),
        ({"model": "lscp"}, "radius_km", "This model needs a radius."),
        (
            {"model": "mclp", "p": "1", "radius_km": "-1"},
            "radius_km",
            "min_value",
        ),
    ],
)
def test_bad_input_beside_the_field_nothing_saved(
    county: Any, data: dict[str, str], field: str | None, message: str
) -> None:
    c = client_for(county.county_admin)
    c.cookies["django_language"] = "en"  # the pages are Chinese unless the person chose
    with translation.override("en"):  # the form's lazy messages are read in English too
        r = c.post("/staff/planning/siting/", {"kind": Kind.CLINIC, **data})
        assert r.status_code == 400
        form = r.context["form"]
        errors = form.errors.as_data().get(field or "__all__")
        assert errors
        if message == "min_value":  # Django's own message, in the page's language
            assert errors[0].code == "min_value"
            message = form.errors[field][0]
        else:
            assert form.errors[field or "__all__"][0].startswith(message)
        assert message in r.content.decode().replace("&#x27;", "'")
    assert PlanningRun.objects.count() == 0


def test_pmedian_run_has_no_coverage(county: Any) -> None:
    c = client_for(county.county_admin)
    r = c.post("/staff/planning/siting/", {"kind": Kind.CLINIC, "model": "pmedian", "p": "2"})
    assert r.status_code == 302
    run = PlanningRun.objects.get()
    assert run.result["covered_share"] is None
    assert sorted(s["id"] for s in run.result["sites"]) in (
        ["W2", "W4"],
        ["W3", "W4"],
        ["W2", "W3"],
    )
    assert c.get(f"/staff/planning/siting/{run.pk}/").status_code == 200


def test_the_service_refuses_whom_the_policy_refuses(county: Any) -> None:
    # A township's dispatcher sees planning but does not commit the county's money or sites.
    with pytest.raises(PermissionDenied):
        siting_run_create(
            actor=county.dispatcher_a,
            scope=county.county,
            kind=Kind.CLINIC,
            model="mclp",
            p=1,
            radius_km=5.0,
        )
    assert PlanningRun.objects.count() == 0
