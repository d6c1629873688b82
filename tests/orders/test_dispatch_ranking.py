"""candidates() / best_candidate(): coverage, category, activity, score order, capacity and
decliners last, distance from the order's point or its place's centroid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.catalog.models import Category, Provider
from minsheng.core.geo import haversine_km
from minsheng.orders import services as s
from minsheng.orders.candidates import best_candidate, candidates, order_point
from minsheng.orders.models import Status
from minsheng.regions.models import Region
from tests.factories import ProviderFactory, RegionFactory
from tests.helpers import T0, advance, order_at, submit

DAY = timedelta(days=1)
NOW = T0 + timedelta(hours=1)


@pytest.fixture
def crowd(world):
    """Besides the township team (T1) and the county centre: a T2 team, an inactive county
    team and a county team of another category."""
    care = Category.objects.get(code="elderly-care")
    culture = Category.objects.get(code="public-culture")
    return {
        "town_b_team": ProviderFactory(
            name_zh="乙乡队",
            regions=[world.town_b],
            categories=[care],
            latitude=30.5,
            longitude=110.5,
        ),
        "inactive": ProviderFactory(
            name_zh="停用队", regions=[world.county], categories=[care], active=False
        ),
        "culture": ProviderFactory(name_zh="文化队", regions=[world.county], categories=[culture]),
    }


def ids(cands):
    return [c.provider.pk for c in cands]


def test_candidates_in_a_township_are_its_own_team_and_county_wide_ones(world, crowd):
    order = submit(world)  # V1 in T1
    cands = candidates(order, now=NOW)
    assert ids(cands) == [world.provider.pk, world.provider2.pk]

    d1 = haversine_km(30.01, 110.01, 30.0, 110.0)  # 1.47 km
    d2 = haversine_km(30.01, 110.01, 30.3, 110.3)  # 42.6 km: beyond the 40 km horizon
    first, second = cands
    assert first.distance_km == pytest.approx(d1)
    assert second.distance_km == pytest.approx(d2)
    assert first.score == pytest.approx(0.5 * 0.8 + 0.3 * (1 - d1 / 40) + 0.2 * 1.0)
    assert second.score == pytest.approx(0.5 * 0.8 + 0.3 * 0.0 + 0.2 * 1.0)
    assert [(c.remaining, c.performance, c.declined, c.available) for c in cands] == [
        (5, None, False, True),
        (5, None, False, True),
    ]
    assert best_candidate(order, now=NOW).provider == world.provider


def test_a_township_team_does_not_serve_another_township(world, crowd):
    order = submit(world, region_code="V2")  # V2 in T2
    cands = candidates(order, now=NOW)
    assert ids(cands) == [crowd["town_b_team"].pk, world.provider2.pk]
    assert world.provider.pk not in ids(cands)
    d2 = haversine_km(30.51, 110.51, 30.3, 110.3)  # 30.8 km
    assert cands[1].score == pytest.approx(0.4 + 0.3 * (1 - d2 / 40) + 0.2)


def test_an_order_placed_at_township_level_is_served_by_its_township_team(world, crowd):
    order = submit(world, region_code="T2")
    assert ids(candidates(order, now=NOW)) == [crowd["town_b_team"].pk, world.provider2.pk]


def test_a_village_level_team_serves_only_its_village(world):
    care = Category.objects.get(code="elderly-care")
    other_village = RegionFactory(code="V3", parent=world.town_a, latitude=30.02, longitude=110.02)
    village_team = ProviderFactory(
        regions=[world.village_a], categories=[care], latitude=30.01, longitude=110.01
    )
    assert village_team.pk in ids(candidates(submit(world), now=NOW))
    assert village_team.pk not in ids(
        candidates(submit(world, region_code=other_village.code), now=NOW)
    )


def test_free_form_needs_are_served_by_any_category_of_their_area(world, crowd):
    pension = Category.objects.get(code="pension")  # another category of the elderly area
    pension_team = ProviderFactory(regions=[world.county], categories=[pension])
    order = submit(world, service_code="", area_code="elderly", description="帮忙看看")
    assert sorted(ids(candidates(order, now=NOW))) == sorted(
        [world.provider.pk, world.provider2.pk, pension_team.pk]
    )
    # The culture team serves the place but not this area.
    assert crowd["culture"].pk not in ids(candidates(order, now=NOW))
    culture_need = submit(world, service_code="", area_code="culture-sports", description="借书")
    assert ids(candidates(culture_need, now=NOW)) == [crowd["culture"].pk]


def test_the_orders_own_point_is_used_for_distance(world):
    order = submit(world, latitude=30.3, longitude=110.3)  # at the county centre's door
    cands = candidates(order, now=NOW)
    assert ids(cands) == [world.provider2.pk, world.provider.pk]
    assert cands[0].distance_km == 0.0
    assert cands[0].score == pytest.approx(0.4 + 0.3 + 0.2)


def test_without_any_point_distance_is_unknown_and_neutral(world):
    Region.objects.filter(pk__in=[world.village_a.pk, world.town_a.pk]).update(
        latitude=None, longitude=None
    )
    order = submit(world)
    order.refresh_from_db()
    assert order_point(order) is None
    cands = candidates(order, now=NOW)
    assert [c.distance_km for c in cands] == [None, None]
    assert [c.score for c in cands] == pytest.approx([0.75, 0.75])
    assert ids(cands) == sorted([world.provider.pk, world.provider2.pk])  # ties: by id


def test_a_village_without_a_centroid_uses_its_townships(world):
    Region.objects.filter(pk=world.village_a.pk).update(latitude=None, longitude=None)
    order = submit(world)
    order.refresh_from_db()
    assert order_point(order) == (30.0, 110.0)
    assert candidates(order, now=NOW)[0].distance_km == 0.0


def test_full_providers_go_last_and_are_not_chosen(world):
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    order_at(world, Status.DISPATCHED)  # uses the team's one slot today
    order = submit(world)
    cands = candidates(order, now=NOW)
    assert ids(cands) == [world.provider2.pk, world.provider.pk]
    assert (cands[1].remaining, cands[1].score, cands[1].available) == (0, 0.0, False)
    assert best_candidate(order, now=NOW).provider == world.provider2
    # The next local day the slot is free again.
    assert best_candidate(order, now=NOW + DAY).provider == world.provider


def test_spare_capacity_counts_todays_dispatches_except_cancelled(world):
    a = order_at(world, Status.DISPATCHED)
    order_at(world, Status.ACCEPTED)
    s.order_cancel(order_id=a.pk, actor=world.resident, now=T0 + timedelta(minutes=30))
    cand = candidates(submit(world), now=NOW)[0]
    assert (cand.provider, cand.remaining) == (world.provider, 4)


def test_when_everyone_is_full_there_is_no_best_candidate(world):
    Provider.objects.filter(pk__in=[world.provider.pk, world.provider2.pk]).update(daily_capacity=1)
    order_at(world, Status.DISPATCHED, provider=world.provider)
    order_at(world, Status.DISPATCHED, provider=world.provider2)
    order = submit(world)
    assert [c.available for c in candidates(order, now=NOW)] == [False, False]
    assert best_candidate(order, now=NOW) is None


def test_a_provider_who_declined_this_round_goes_last_and_is_not_chosen(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_decline(order_id=order.pk, actor=world.provider_staff, reason="忙", now=NOW)
    order.refresh_from_db()
    cands = candidates(order, now=NOW)
    assert ids(cands) == [world.provider2.pk, world.provider.pk]
    assert (cands[1].declined, cands[1].available) == (True, False)
    assert best_candidate(order, now=NOW).provider == world.provider2


def test_a_decline_in_an_earlier_round_does_not_count_in_the_next(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_decline(order_id=order.pk, actor=world.provider_staff, reason="忙", now=T0)
    advance(world, order, Status.DELIVERED, provider=world.provider2)
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(True, False, "dissatisfied"),
        now=NOW,
    )
    order.refresh_from_db()
    assert order.round == 1
    assert [c.declined for c in candidates(order, now=NOW)] == [False, False]


def test_past_performance_ranks_providers(world):
    # The township team's one rated order in the last 90 days was not solved: composite 0.1.
    rated = order_at(world, Status.DELIVERED)
    s.order_rate(
        order_id=rated.pk,
        actor=world.resident,
        data=s.RatingInput(True, False, "dissatisfied"),
        now=T0 + DAY,
    )
    order = submit(world)
    cands = candidates(order, now=T0 + 2 * DAY)
    assert ids(cands) == [world.provider2.pk, world.provider.pk]
    d1 = haversine_km(30.01, 110.01, 30.0, 110.0)
    assert cands[1].performance == pytest.approx(0.1)
    assert cands[1].score == pytest.approx(0.5 * 0.1 + 0.3 * (1 - d1 / 40) + 0.2)
    # Ratings older than 90 days no longer count.
    assert candidates(order, now=T0 + 92 * DAY)[1].performance is None


def test_inactive_providers_are_never_candidates(world, crowd):
    Provider.objects.filter(pk=world.provider.pk).update(active=False)
    assert ids(candidates(submit(world), now=NOW)) == [world.provider2.pk]


# --- a queue's candidates at once (issue 8: the console's one-step dispatch) ---------------------


def test_candidates_for_a_queue_are_each_orders_candidates(
    world, crowd, django_assert_max_num_queries
):
    from minsheng.orders.candidates import candidates_for
    from minsheng.orders.models import Order
    from minsheng.orders.selectors import ORDER_JOINS

    pension = Category.objects.get(code="pension")
    ProviderFactory(regions=[world.county], categories=[pension])
    declined = order_at(world, Status.DISPATCHED)
    s.order_decline(order_id=declined.pk, actor=world.provider_staff, reason="busy")
    placed = [
        submit(world),
        submit(world, region_code=world.village_b.code),
        submit(world, region_code=world.town_a.code),
        submit(world, service_code="", area_code="elderly", description="帮忙看看"),
        submit(world, service_code="", area_code="culture-sports", description="借书"),
        declined,
    ]
    orders = list(Order.objects.select_related(*ORDER_JOINS).filter(pk__in=[o.pk for o in placed]))
    with django_assert_max_num_queries(8):
        together = candidates_for(orders, now=NOW)
    for order in orders:
        assert together[order.pk] == candidates(order, now=NOW), order
    assert [c.declined for c in together[declined.pk] if c.provider == world.provider] == [True]
