"""The demo's activities (issue 10, item 8): a year of held activities across the villages,
of varied kinds and fitted to local customs, with attendance, sign-ups and ratings; and a
few announced ones coming up in the walk-through village, for its resident to sign up for.

- urban communities hold the most, villages of the towns fewer, villages of the remote
  rural townships fewest (one to three a quarter);
- the villages of ``story.monotonous_villages`` see film nights and nothing else, so the
  variety table marks them monotonous every quarter;
- the custom kinds follow the places: tea-picking festivals in Chayuan (茶园乡), dragon boats
  in Shuanghe (双河乡), folk-song gatherings in the mountain townships.

Written in bulk straight to the tables (demo data, not a path any person takes): the held
activities' lifecycle is the services' (``facilities.services.activities``); the rows here
are what those services would have left.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.demo.regions import DEMO_TOWNSHIP, Place
from minsheng.demo.users import People
from minsheng.facilities.models import (
    Activity,
    ActivityKind,
    ActivityRating,
    ActivityStatus,
    Facility,
    Kind,
    Signup,
)
from minsheng.regions.models import Region

# kind code -> (title, facility kind it is held at (None: the village square), typical crowd)
PROGRAMME: dict[str, tuple[str, str | None, tuple[int, int]]] = {
    "film-night": ("露天电影放映", None, (30, 120)),
    "opera": ("戏曲进村：花鼓戏专场", Kind.CULTURAL, (60, 200)),
    "square-dance": ("广场舞联欢", None, (20, 60)),
    "reading-club": ("农家书屋读书会", Kind.BOOKSHOP, (8, 25)),
    "health-talk": ("健康讲座：慢病防治", Kind.CLINIC, (20, 70)),
    "farming-class": ("农技培训：果树修剪", None, (15, 50)),
    "village-basketball": ("村BA篮球赛", Kind.SPORTS, (80, 300)),
    "folk-song": ("山歌会", None, (30, 100)),
    "tea-festival": ("采茶节", None, (80, 250)),
    "dragon-boat": ("端午龙舟赛", None, (150, 400)),
    "intangible-crafts": ("非遗手工：竹编体验", Kind.CULTURAL, (10, 30)),
    "spring-couplets": ("书法进村写春联", Kind.CULTURAL, (20, 80)),
    "free-clinic": ("义诊进村", Kind.CLINIC, (30, 90)),
    "e-commerce-class": ("电商培训：直播带货", None, (15, 40)),
}
COMMON = [
    "film-night",
    "square-dance",
    "reading-club",
    "health-talk",
    "farming-class",
    "opera",
    "free-clinic",
    "e-commerce-class",
    "intangible-crafts",
]
# where a custom belongs: township key -> kinds added to its villages' programme
LOCAL: dict[str, list[str]] = {
    "chayuan": ["tea-festival", "folk-song"],
    "shuanghe": ["dragon-boat"],
    "yuntai": ["folk-song"],
    "gaofeng": ["folk-song"],
    "longtan": ["village-basketball", "tea-festival"],
}
CUSTOMS: dict[str, str] = {
    "tea-festival": "春茶开采时节，采茶比赛与茶歌",
    "dragon-boat": "端午节，双河两岸各村组队",
    "folk-song": "赶场日对山歌",
    "village-basketball": "农闲时节，村村组队",
    "spring-couplets": "腊月写春联、贴春联",
    "film-night": "晒谷场放映，晚饭后开始",
}
MONOTONOUS_KIND = "film-night"


def _per_quarter(place: Place, rng: random.Random) -> int:
    if place.region.kind == Region.Kind.URBAN:
        return rng.randint(5, 8)
    if place.township.kind == Region.Kind.URBAN or place.key == DEMO_TOWNSHIP:
        return rng.randint(3, 5)
    return rng.randint(1, 3)  # the remote rural townships


def seed_activities(
    *,
    seed: int,
    now: datetime,
    facilities: DemoFacilities,
    story: Stories,
    people: People,
    demo_village_pk: int | None,
) -> int:
    """Write the activities (see the module docstring); return how many."""
    rng = random.Random(seed * 15485863 + 6)
    kinds = dict(ActivityKind.objects.values_list("code", "pk"))
    if MONOTONOUS_KIND not in kinds:  # the kinds are data: a county may have removed them
        return 0
    monotonous = {r.pk for r in story.monotonous_villages}
    at_township: dict[tuple[int, str], Facility] = {}
    for kind in (Kind.CULTURAL, Kind.SPORTS):
        for f in facilities.of(kind):
            if f.township_id is not None:
                at_township.setdefault((f.township_id, kind), f)
    start = now - timedelta(days=365)
    activities: list[Activity] = []
    crowd: list[tuple[int, int]] = []  # per activity: (village pk, its attendance)
    for place in facilities.places:
        village = place.region
        own = {f.kind: f for f in facilities.by_village.get(village.pk, [])}
        programme = (
            [MONOTONOUS_KIND]
            if village.pk in monotonous
            else [k for k in COMMON + LOCAL.get(place.key, []) if k in kinds]
        )
        if place.township.kind == Region.Kind.RURAL and village.pk not in monotonous:
            programme.append("spring-couplets")
        for quarter in range(4):
            for _ in range(_per_quarter(place, rng)):
                code = rng.choice(programme)
                title, facility_kind, (low, high) = PROGRAMME[code]
                begins = start + timedelta(
                    days=quarter * 91 + rng.randint(0, 88), hours=rng.choice([9, 14, 19])
                )
                begins = begins.replace(minute=0, second=0, microsecond=0)
                if begins >= now - timedelta(hours=6):
                    continue
                facility = None
                if facility_kind is not None:
                    facility = own.get(facility_kind) or at_township.get(
                        (place.township.pk, facility_kind)
                    )
                attendance = rng.randint(low, high)
                if place.township.kind == Region.Kind.RURAL and place.key != DEMO_TOWNSHIP:
                    attendance = max(low, attendance * 2 // 3)
                activities.append(
                    Activity(
                        title=title,
                        kind_id=kinds[code],
                        village_id=village.pk,
                        township_id=place.township.pk,
                        facility=facility,
                        description="",
                        custom=CUSTOMS.get(code, ""),
                        starts_at=begins,
                        ends_at=begins + timedelta(hours=2),
                        capacity=None,
                        status=ActivityStatus.HELD,
                        attendance=attendance,
                        created_by_id=people.admin,
                        announced_at=begins - timedelta(days=7),
                        created_at=begins - timedelta(days=10),
                    )
                )
                crowd.append((village.pk, attendance))
    upcoming = _upcoming(now, kinds, facilities, people, demo_village_pk)
    Activity.objects.bulk_create(activities + upcoming, batch_size=1000)
    signups: list[Signup] = []
    ratings: list[ActivityRating] = []
    for activity, (village_pk, attendance) in zip(activities, crowd, strict=True):
        residents = [r[0] for r in people.residents.get(village_pk, [])]
        if village_pk == demo_village_pk:
            residents = residents[1:]  # the demo resident's history is theirs to make
        if not residents:
            continue
        chosen = rng.sample(residents, min(len(residents), rng.randint(0, 4), attendance))
        for user_id in chosen:
            came = rng.random() < 0.85
            signups.append(
                Signup(
                    activity=activity,
                    user_id=user_id,
                    attended=came,
                    created_at=activity.starts_at - timedelta(days=rng.randint(1, 6)),
                )
            )
            if came and rng.random() < 0.6:
                ratings.append(
                    ActivityRating(
                        activity=activity,
                        user_id=user_id,
                        score=rng.choices([5, 4, 3, 2], weights=[5, 4, 2, 1])[0],
                        comment=rng.choice(["", "", "很热闹", "希望多办几次", "时间再早一点就好"]),
                        created_at=activity.ends_at + timedelta(hours=rng.randint(1, 48)),
                    )
                )
    for activity in upcoming:
        residents = [r[0] for r in people.residents.get(activity.village_id, [])][1:]
        for user_id in residents[: rng.randint(1, 3)]:
            signups.append(
                Signup(activity=activity, user_id=user_id, created_at=now - timedelta(hours=5))
            )
    Signup.objects.bulk_create(signups, batch_size=2000)
    ActivityRating.objects.bulk_create(ratings, batch_size=2000)
    return len(activities) + len(upcoming)


def _upcoming(
    now: datetime,
    kinds: dict[str, int],
    facilities: DemoFacilities,
    people: People,
    demo_village_pk: int | None,
) -> list[Activity]:
    """Announced activities coming up in the walk-through village (its first resident, the
    demo login, has not signed up: the walk-through does)."""
    if demo_village_pk is None:
        return []
    place = next((p for p in facilities.places if p.region.pk == demo_village_pk), None)
    if place is None:
        return []
    own = {f.kind: f for f in facilities.by_village.get(demo_village_pk, [])}
    day = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    plan = [
        ("opera", 4, 19, None, "戏曲进村：黄梅戏《天仙配》"),
        ("health-talk", 9, 9, 40, "健康讲座：高血压和糖尿病的日常管理"),
        ("village-basketball", 16, 14, None, "龙潭镇村BA：预选赛"),
    ]
    out = []
    for code, days, hour, capacity, title in plan:
        if code not in kinds:
            continue
        begins = (day + timedelta(days=days)).replace(hour=hour)
        _title, facility_kind, _crowd = PROGRAMME[code]
        out.append(
            Activity(
                title=title,
                kind_id=kinds[code],
                village_id=demo_village_pk,
                township_id=place.township.pk,
                facility=own.get(facility_kind) if facility_kind else None,
                description="欢迎村民报名参加。",
                custom=CUSTOMS.get(code, ""),
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                capacity=capacity,
                status=ActivityStatus.ANNOUNCED,
                created_by_id=people.admin,
                announced_at=now - timedelta(days=1),
                created_at=now - timedelta(days=2),
            )
        )
    return out
