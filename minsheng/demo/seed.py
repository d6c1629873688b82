"""The demo county, built and removed: ``seed_demo`` and ``demo_reset``.

``seed_demo(seed=1)`` builds 青溪县 (Qingxi County): its regions (``regions``), the menu and
providers (``catalog``), the people and the demo logins (``users``, ``logins``), and a year
of order history that ends at the real current time (``history``).

Determinism: everything is drawn from ``random.Random(seed)``; the history is laid out
relative to today's local midnight and the handful of open orders relative to ``now``, so
two runs with the same seed give the same names, counts and relative timings.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import Profile
from minsheng.catalog.models import Category, Provider, Service, ServiceAttribute
from minsheng.core.errors import Conflict
from minsheng.demo.balance import build_balance, reset_balance
from minsheng.demo.catalog import (
    DEMO_PROVIDER,
    LOCAL_CATEGORIES,
    PROVIDERS,
    SERVICES,
    build_catalog,
)
from minsheng.demo.demand import build_demand, reset_demand
from minsheng.demo.facilities import build_facilities, reset_facilities
from minsheng.demo.facilities_activities import seed_activities
from minsheng.demo.facilities_collections import seed_collections
from minsheng.demo.facilities_equipment import seed_equipment
from minsheng.demo.facilities_idle import seed_idle
from minsheng.demo.facilities_maintenance import seed_maintenance
from minsheng.demo.facilities_medicines import seed_medicines
from minsheng.demo.facilities_register import seed_portal_views
from minsheng.demo.facilities_use import seed_facility_use
from minsheng.demo.facility_stories import stories
from minsheng.demo.history import HISTORY_ORDERS, World, build_history, build_open, write
from minsheng.demo.logins import DEMO_LOGINS
from minsheng.demo.regions import DEMO_TOWNSHIP, build_regions, demo_region_q
from minsheng.demo.users import DEMO_EMAIL_DOMAIN, build_users
from minsheng.demo.voice_suggestions import delete_suggestions, seed_suggestions
from minsheng.demo.voice_surveys import delete_demo_surveys, seed_voice_surveys
from minsheng.demo.voice_topics import reset_topics, seed_topics
from minsheng.orders.models import OPEN_STATUSES, Order, OrderEvent, Rating
from minsheng.regions.models import Region


@dataclass
class SeedSummary:
    seed: int
    scale: float
    townships: int = 0
    villages: int = 0
    population: int = 0
    rural_population: int = 0
    services: int = 0
    providers: int = 0
    users: int = 0
    orders: int = 0
    events: int = 0
    ratings: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    escalated_open: int = 0
    topics: int = 0  # monthly topics (每月一题)
    seconds: float = 0.0
    demo_village: str = ""
    demo_township: str = ""
    demo_provider: str = ""
    suggestions: int = 0
    facilities: int = 0
    idle_on_purpose: int = 0  # the facilities whose idleness the demo tells (facility_stories)


@dataclass
class ResetSummary:
    orders: int = 0
    events: int = 0
    ratings: int = 0
    services: int = 0
    providers: int = 0
    regions: int = 0
    users: int = 0


def demo_present() -> bool:
    """Whether any of the demo is there: a region, an account or a service of it."""
    return (
        Region.objects.filter(demo_region_q()).exists()
        or get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()
        or Service.objects.filter(code__in=[s.code for s in SERVICES]).exists()
    )


def demo_reset() -> ResetSummary:
    """Delete the demo county and everything hanging off it (demo data only)."""
    User = get_user_model()
    result = ResetSummary()
    with transaction.atomic():
        regions = Region.objects.filter(demo_region_q())
        services = Service.objects.filter(code__in=[s.code for s in SERVICES])
        providers = Provider.objects.filter(name_zh__in=[p.name_zh for p in PROVIDERS])
        users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        delete_demo_surveys(users)  # surveys (issue 9): they protect users and regions
        # issue 10: facilities refer to orders, people, providers, services and places
        reset_facilities(regions)
        orders = Order.objects.filter(
            Q(township__in=regions)
            | Q(region__in=regions)
            | Q(service__in=services)
            | Q(provider__in=providers)
        )
        # the monthly topics protect providers, people and places: first
        reset_topics(regions, providers, users)
        order_ids = list(orders.values_list("pk", flat=True))
        events = OrderEvent.objects.filter(order_id__in=order_ids)
        # OrderEvent's manager refuses delete() because history is append-only; removing the
        # whole demo county is the one exception, hence the raw delete (demo reset only).
        for start in range(0, len(order_ids), 5000):
            chunk = order_ids[start : start + 5000]
            result.events += events.filter(order_id__in=chunk)._raw_delete(events.db)
            # Nothing else refers to ratings or (now) to these orders: skip the collector.
            ratings = Rating.objects.filter(order_id__in=chunk)
            result.ratings += ratings._raw_delete(ratings.db)
            chunk_orders = Order.objects.filter(pk__in=chunk)
            if {r.related_model for r in Order._meta.related_objects} <= {OrderEvent, Rating}:
                result.orders += chunk_orders._raw_delete(chunk_orders.db)
            else:  # another app refers to orders: let the collector honour its on_delete
                # (it needs only the ids: loading 5,000 whole orders would double the cost)
                result.orders += chunk_orders.only("pk").delete()[0]
        delete_suggestions(regions, users)  # issue 9: before the people and places
        reset_demand(regions, services)  # issue 9: the demand snapshot refers to both
        reset_balance(regions)  # issue 11: the indicator snapshots refer to the regions
        ServiceAttribute.objects.filter(service__in=services).delete()
        result.services = services.count()
        services.delete()
        result.providers = providers.count()
        providers.delete()
        local_codes = [c[1] for c in LOCAL_CATEGORIES]
        Category.objects.filter(code__in=local_codes, services__isnull=True).delete()
        # People outside the demo whose profile points into the demo county lose the scope.
        Profile.objects.filter(region__in=regions).exclude(user__in=users).update(region=None)
        Profile.objects.filter(user__in=users).delete()
        result.users = users.count()
        users.delete()
        for level in (Region.Level.VILLAGE, Region.Level.TOWNSHIP, Region.Level.COUNTY):
            result.regions += regions.filter(level=level).delete()[0]
    return result


def seed_demo(
    *, seed: int = 1, scale: float = 1.0, reset: bool = False, now: datetime | None = None
) -> SeedSummary:
    """Build the demo county (see the module docstring). Refuses if demo data exists and
    ``reset`` is false; with ``reset`` the previous demo data is deleted first."""
    started = time.monotonic()
    now = now or timezone.now()
    day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    summary = SeedSummary(seed=seed, scale=scale)
    User = get_user_model()
    with transaction.atomic():
        if reset:
            demo_reset()
        elif demo_present():
            raise Conflict.single(
                "demo_present",
                _("The demo county is already there: use --reset to rebuild it."),
                None,
            )
        taken = User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list(
            "username", flat=True
        )
        if taken:
            raise Conflict.single(
                "username_taken",
                _("These demo usernames belong to real accounts: %(names)s.")
                % {"names": ", ".join(sorted(taken))},
                None,
            )
        county, towns, places = build_regions(rng)
        services, providers, _cats = build_catalog(county, towns)
        demo = next(
            p for p in places if p.key == DEMO_TOWNSHIP and p.region.kind == Region.Kind.RURAL
        )
        people = build_users(rng, county, towns, places, providers, demo)
        world = World(rng, services, providers, places, people)
        world.demo_village_pk = demo.region.pk
        sims = build_history(world, max(1, round(HISTORY_ORDERS * scale)), day)
        sims += build_open(world, now, scale, demo)
        summary.orders, summary.events, summary.ratings = write(sims)
        # issue 9: suggestions where the orders show unmet demand (its own random stream)
        summary.suggestions = seed_suggestions(
            random.Random(seed * 7919 + 9), now=now, people=people, admin=people.admin
        )
        # Surveys (issue 9): answered by the same people, consistent with their orders.
        seed_voice_surveys(
            people=people,
            places=places,
            demo_resident=people.residents[demo.region.pk][0][0],
            now=now,
            seed=seed,
        )
        # the voice parts, after the orders (the monthly topic last: it reads the others)
        summary.topics = seed_topics(
            rng, now=now, providers=providers, admin_id=people.admin
        ).topics
        # issue 10: the facility register (its own random stream), then each part's seed
        facilities = build_facilities(
            random.Random(seed * 104729 + 10), places=places, towns=towns, now=now
        )
        summary.facilities = len(facilities.all)
        story = stories(facilities, world.demo_village_pk)
        summary.idle_on_purpose = len(story.idle)
        # issue 10, each part seeds onto the register, in this order (the idleness last:
        # it reads the use, the collections, the equipment and the maintenance):
        # 1. register: a year of portal views, contacts, the demo village's keeper
        seed_portal_views(
            facilities=facilities,
            story=story,
            people=people,
            demo_village_pk=world.demo_village_pk,
            now=now,
            seed=seed,
        )
        # 2. use: a year of daily counts, counter devices, orders delivered at facilities
        seed_facility_use(
            facilities=facilities, story=story, admin_id=people.admin, now=now, seed=seed
        )
        # 3. collections: every bookshop's titles (the stale and one-kind stories)
        seed_collections(facilities=facilities, story=story, now=now, seed=seed)
        # 4. medicines: dispensing lists, medicine-request orders, requests
        seed_medicines(
            seed=seed,
            now=now,
            facilities=facilities,
            story=story,
            people=people,
            providers=providers,
            services=services,
            demo_village_pk=world.demo_village_pk,
            summary=summary,
        )
        # 5. equipment: clinics' and centres' items (backward and broken stories)
        seed_equipment(facilities=facilities, story=story, now=now, seed=seed)
        # 6. activities: a year held, the monotonous villages, the coming ones
        seed_activities(
            seed=seed,
            now=now,
            facilities=facilities,
            story=story,
            people=people,
            demo_village_pk=world.demo_village_pk,
        )
        # 7. maintenance: plans, work orders and their history, budgets short of the need
        seed_maintenance(facilities=facilities, story=story, now=now, seed=seed)
        # 8. idleness, LAST: awareness answers, the hours story's requests, then detection
        seed_idle(
            facilities=facilities,
            story=story,
            people=people,
            world=world,
            now=now,
            seed=seed,
            summary=summary,
        )
        # issue 9, demand analysis: keep this the LAST call (it reads the orders and the
        # voice parts' suggestions and survey answers written above).
        build_demand(now)
        build_balance(now, seed=seed, scale=scale)  # issue 11: after the demand snapshot it reads
    summary.townships = len(towns)
    summary.villages = len(places)
    summary.population = county.population
    summary.rural_population = sum(
        p.region.population for p in places if p.region.kind == Region.Kind.RURAL
    )
    summary.services = len(services)
    summary.providers = len(providers)
    summary.users = people.count
    summary.by_status = dict(sorted(Counter(s.state.status for s in sims).items()))
    summary.escalated_open = sum(
        1 for s in sims if s.state.status in OPEN_STATUSES and s.state.escalated_at is not None
    )
    summary.demo_village = f"{demo.region.name_zh} ({demo.region.name_en})"
    summary.demo_township = f"{demo.township.name_zh} ({demo.township.name_en})"
    demo_prov = next(p for p in providers if p.key == DEMO_PROVIDER).obj
    summary.demo_provider = f"{demo_prov.name_zh} ({demo_prov.name_en})"
    summary.seconds = time.monotonic() - started
    return summary
