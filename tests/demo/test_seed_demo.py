from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from minsheng.accounts.models import Profile, Role
from minsheng.catalog.models import Provider, Service, ServiceAttribute
from minsheng.core.errors import Conflict
from minsheng.demo.catalog import DEMO_PROVIDER
from minsheng.demo.logins import DEMO_PASSWORD
from minsheng.demo.regions import COUNTY_CODE
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.orders import services as s
from minsheng.orders.models import Action, Audience, Order, OrderEvent, Rating, Status
from minsheng.orders.selectors import previous_month, ranking
from minsheng.orders.services import events
from minsheng.regions.models import Region
from tests.demo.checks import history_problems

pytestmark = pytest.mark.django_db
SCALE = 0.02  # ~200 historical orders: fast, still every status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def snapshot() -> dict[str, object]:
    return {
        "regions": list(Region.objects.order_by("code").values_list("code", "name_zh", "name_en")),
        "population": list(Region.objects.order_by("code").values_list("population", flat=True)),
        "services": list(Service.objects.order_by("code").values_list("code", "name_zh")),
        "providers": sorted(Provider.objects.values_list("name_zh", flat=True)),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
        "by_status": Counter(Order.objects.values_list("status", flat=True)),
        "events": OrderEvent.objects.count(),
        "ratings": Rating.objects.count(),
    }


def test_seeded_county_has_the_promised_shape():
    summary = seed_demo(scale=SCALE)
    county = Region.objects.get(code=COUNTY_CODE)
    assert county.name_zh == "青溪县"
    assert Region.objects.filter(level="township", parent=county).count() == 12
    villages = Region.objects.filter(level="village", code__startswith=COUNTY_CODE)
    assert villages.count() == 193
    assert 250_000 <= county.population <= 350_000
    rural = sum(v.population for v in villages if v.kind == Region.Kind.RURAL)
    assert 0.55 <= rural / county.population <= 0.7
    assert sorted(set(Provider.objects.values_list("kind", flat=True))) == [
        "department",
        "enterprise",
        "social",
        "volunteer",
    ]
    areas = set(
        Service.objects.filter(published=True).values_list("category__area__code", flat=True)
    )
    assert len(areas) == 9
    datatypes = set(ServiceAttribute.objects.values_list("datatype", flat=True))
    assert datatypes == set(ServiceAttribute.Datatype.values)
    assert set(Service.objects.values_list("dispatch_mode", flat=True)) == {
        "manual",
        "auto",
        "grab",
    }
    assert set(Order.objects.values_list("status", flat=True)) == set(Status.values)
    assert summary.orders == Order.objects.count()
    assert summary.events == OrderEvent.objects.count()
    assert summary.ratings == Rating.objects.count()


def test_every_seeded_order_obeys_the_transition_table():
    now = timezone.now()
    seed_demo(scale=SCALE, now=now)
    assert history_problems(now) == []
    actions = set(OrderEvent.objects.values_list("action", flat=True))
    for action in ("reject", "cancel", "decline", "reopen", "escalate", "auto_close", "grab"):
        assert action in actions, action
    # Rounds and ratings: a reopened-then-rated order has two ratings.
    reopened = OrderEvent.objects.filter(action="reopen").values_list("order_id", flat=True)
    assert Rating.objects.filter(order_id__in=reopened, round=1).exists()


def test_the_oracle_catches_orders_that_disagree_with_their_history():
    now = timezone.now()
    seed_demo(scale=SCALE, now=now)
    assert history_problems(now) == []
    accepted = Order.objects.filter(status=Status.ACCEPTED).earliest("pk")
    delivered = Order.objects.filter(status=Status.DELIVERED).earliest("pk")
    rated = Order.objects.filter(status=Status.CLOSED, round=0, ratings__isnull=False)[0]
    rejected = Order.objects.filter(status=Status.REJECTED).earliest("pk")
    other = Provider.objects.exclude(pk=delivered.provider_id).earliest("pk")
    rating = Rating.objects.get(order=rated)
    # Corruptions no service would write: a step deadline moved, the provider swapped, a
    # rating in the wrong round, a step the transition table refuses.
    late = accepted.step_deadline + timedelta(minutes=1)
    Order.objects.filter(pk=accepted.pk).update(step_deadline=late)
    Order.objects.filter(pk=delivered.pk).update(provider=other)
    Rating.objects.filter(pk=rating.pk).update(round=1)
    events.build(
        order_id=rejected.pk,
        action=Action.START,
        old_status=Status.REJECTED,
        new_status=Status.IN_SERVICE,
        at=rejected.updated_at + timedelta(minutes=1),
        round=0,
        audience=Audience.STAFF,
    ).save(force_insert=True)

    by, at = rating.provider_id, rating.created_at
    assert sorted(history_problems(now)) == sorted(
        [
            f"order {accepted.pk}: step_deadline {late}, events say {accepted.step_deadline}",
            f"order {delivered.pk}: provider_id {other.pk}, events say {delivered.provider_id}",
            f"order {rated.pk}: ratings {[(1, by, at)]} do not match rate/reopen events "
            f"{[(0, by, at)]}",
            f"order {rejected.pk}: the lifecycle refuses start from rejected",
        ]
    )


def test_the_sweep_has_nothing_left_to_do_right_after_seeding():
    now = timezone.now()
    seed_demo(scale=SCALE, now=now)
    result = s.sweep(now=now)
    assert (result.redispatched, result.requeued, result.auto_closed) == (0, 0, 0)


def test_history_ends_now_and_some_open_orders_are_overdue():
    now = timezone.now()
    seed_demo(scale=SCALE, now=now)
    latest = OrderEvent.objects.order_by("-created_at").first()
    assert latest is not None and now - timedelta(days=2) < latest.created_at <= now
    oldest = Order.objects.order_by("created_at").first()
    assert oldest is not None and oldest.created_at > now - timedelta(days=367)
    assert Order.objects.filter(status__in=["submitted", "in_service"], escalated_at__isnull=False)
    assert Order.objects.filter(step_deadline__lt=now, status="submitted").exists()


def test_same_seed_same_county_other_seed_other_names():
    first_now = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
    seed_demo(seed=7, scale=SCALE, now=first_now)
    first = snapshot()
    first_times = sorted(
        (o.created_at - first_now) for o in Order.objects.filter(status__in=["submitted"])
    )
    # Later the same day and a day later: the structure, counts and relative timings repeat.
    for later in (first_now + timedelta(hours=5, minutes=13), first_now + timedelta(days=1)):
        seed_demo(seed=7, scale=SCALE, reset=True, now=later)
        assert snapshot() == first
        times = sorted((o.created_at - later) for o in Order.objects.filter(status="submitted"))
        assert times == first_times
    seed_demo(seed=8, scale=SCALE, reset=True, now=first_now)
    other = snapshot()
    assert other["regions"] != first["regions"]


def test_rates_of_a_past_month_are_between_zero_and_one():
    now = timezone.now()
    seed_demo(scale=SCALE, now=now)
    month = previous_month(timezone.localtime(now).date().replace(day=1))
    rows = ranking("township", month)
    # Every township is listed (issue 8); one without ratings that month has no rates.
    assert any(row.rates.valid for row in rows)
    for row in rows:
        if row.rates.valid == 0:
            assert (row.rates.composite, row.rank) == (None, None)
            continue
        for rate in (row.rates.response, row.rates.resolution, row.rates.satisfaction):
            assert rate is not None and 0 <= rate <= 1
        assert row.rates.composite is not None and 0 <= row.rates.composite <= 1


def test_demo_users_exist_with_their_roles_and_password():
    seed_demo(scale=SCALE)
    profiles = {
        p.user.username: p
        for p in Profile.objects.select_related("user", "region__parent").filter(
            user__username__in=["resident", "grid", "dispatcher", "provider", "admin"]
        )
    }
    assert {u: p.role for u, p in profiles.items()} == {
        "resident": Role.RESIDENT,
        "grid": Role.GRID_WORKER,
        "dispatcher": Role.DISPATCHER,
        "provider": Role.PROVIDER_STAFF,
        "admin": Role.COUNTY_ADMIN,
    }
    village = profiles["resident"].region
    assert village.level == "village" and village.kind == "rural"
    assert profiles["grid"].region == village
    assert profiles["dispatcher"].region == village.parent
    assert profiles["admin"].region.code == COUNTY_CODE
    admin = profiles["admin"].user
    assert admin.is_superuser and admin.is_staff
    for p in profiles.values():
        assert p.user.check_password(DEMO_PASSWORD)
    provider = Provider.objects.get(staff=profiles["provider"].user)
    assert set(provider.regions.values_list("pk", flat=True)) == {village.parent_id}


def test_a_newcomer_can_walk_one_order_through_every_role():
    seed_demo(scale=SCALE)
    User = get_user_model()
    resident, dispatcher, staff = (
        User.objects.get(username=n) for n in ("resident", "dispatcher", "provider")
    )
    village = Profile.objects.get(user=resident).region
    provider = Provider.objects.get(staff=staff)
    order = s.order_submit(
        actor=resident,
        data=s.OrderInput(
            region_code=village.code, service_code="meal-delivery", answers={"meals_per_day": 2}
        ),
    )
    s.order_approve(order_id=order.pk, actor=dispatcher)
    s.order_dispatch(order_id=order.pk, actor=dispatcher, provider_id=provider.pk)
    s.order_accept(order_id=order.pk, actor=staff)
    s.order_start(order_id=order.pk, actor=staff)
    s.order_deliver(order_id=order.pk, actor=staff, note="送到了")
    s.order_rate(order_id=order.pk, actor=resident, data=s.RatingInput(True, True, "satisfied"))
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.provider == provider


def test_demo_people_have_work_waiting():
    seed_demo(scale=SCALE)
    User = get_user_model()
    resident = User.objects.get(username="resident")
    assert Order.objects.filter(resident=resident, status="delivered").count() == 1
    provider = Provider.objects.get(name_zh="龙潭镇志愿服务队")
    assert Order.objects.filter(provider=provider, status="dispatched").exists()
    town = Profile.objects.get(user__username="dispatcher").region
    assert Order.objects.filter(township=town, status="submitted").exists()


def test_seeding_twice_without_reset_is_refused_and_writes_nothing():
    seed_demo(scale=SCALE)
    before = snapshot()
    with pytest.raises(Conflict) as info:
        seed_demo(scale=SCALE)
    assert info.value.codes == ["demo_present"]
    assert snapshot() == before


def test_reset_removes_only_the_demo():
    other = Region.objects.create(code="OTHER", name_zh="别县", level="county")
    seed_demo(scale=SCALE)
    result = demo_reset()
    assert result.orders > 0 and result.events > 0 and result.users > 300
    assert list(Region.objects.values_list("code", flat=True)) == [other.code]
    assert Order.objects.count() == OrderEvent.objects.count() == Rating.objects.count() == 0
    assert not Service.objects.exists() and not Provider.objects.exists()
    assert not get_user_model().objects.exists()


def test_demo_usernames_of_real_accounts_are_not_taken_over():
    get_user_model().objects.create_user("admin", password="real-admin-pw")
    with pytest.raises(Conflict) as info:
        seed_demo(scale=SCALE)
    assert info.value.codes == ["username_taken"]
    assert not Region.objects.exists()


def test_seed_demo_and_demo_logins_commands_print_summaries():
    out = StringIO()
    call_command("seed_demo", "--scale", str(SCALE), stdout=out)
    text = out.getvalue()
    assert "12 townships, 193 villages/communities" in text
    assert DEMO_PROVIDER not in text  # names, not keys
    assert "龙潭镇志愿服务队" in text
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--scale", str(SCALE), stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert f"shared password: {DEMO_PASSWORD}" in text
    for username in ("resident", "grid", "dispatcher", "provider", "admin"):
        assert f"\n  {username} " in text
    assert "[missing]" not in text


def test_seed_demo_command_refuses_a_bad_scale():
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", "--scale", "0")
    assert not Region.objects.exists()
