"""The demo county: a realistic, deterministic, fictional county with a year of orders.

``seed_demo(seed=1)`` builds 青溪县 (Qingxi County): twelve townships, about two hundred
villages and communities, ~300,000 people (~60% rural), the menu of
``minsheng.catalog.demo_data``, its providers and their staff, one demo login per role, and
a year of order history that ends at the real current time.

Determinism: everything is drawn from ``random.Random(seed)``; the history is laid out
relative to today's local midnight and the handful of open orders relative to ``now``, so
two runs with the same seed give the same names, counts and relative timings.

The history is written with ``bulk_create`` for speed, so it is built by a small simulator
(:class:`_Sim`) that applies exactly what the order services and the sweep would have done
at each step: the transition table, the step deadlines, escalation of overdue steps,
re-dispatch on accept timeout, auto-close of unrated deliveries, rounds and ratings.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import Profile, Role
from minsheng.catalog.demo_data import LOCAL_CATEGORIES, PROVIDERS, SERVICES, DemoService
from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    UrgencyClass,
)
from minsheng.core.errors import Conflict
from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Channel,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.policy import default_audience
from minsheng.regions.models import Region

COUNTY_CODE = "439901"  # fictional: no real county has this code
COUNTY_NAME = ("青溪县", "Qingxi County")
CENTRE = (29.6, 109.4)
DEMO_EMAIL_DOMAIN = "demo.minsheng.invalid"
DEMO_PASSWORD = "minsheng-demo"  # noqa: S105 - printed on purpose: demo accounts only
HISTORY_ORDERS = 10_000  # at scale 1
DEMO_TOWNSHIP = "longtan"
DEMO_PROVIDER = "longtan-volunteers"
DEMO_SERVICE = "meal-delivery"

# (key, name_zh, name_en, kind, communities, villages)
TOWNSHIPS: list[tuple[str, str, str, str, int, int]] = [
    ("chengguan", "城关镇", "Chengguan Town", "urban", 12, 8),
    ("xikou", "溪口镇", "Xikou Town", "urban", 3, 16),
    ("baisha", "白沙镇", "Baisha Town", "urban", 2, 16),
    ("longtan", "龙潭镇", "Longtan Town", "rural", 1, 18),
    ("shimen", "石门乡", "Shimen Township", "rural", 0, 16),
    ("chayuan", "茶园乡", "Chayuan Township", "rural", 0, 15),
    ("taohua", "桃花乡", "Taohua Township", "rural", 0, 14),
    ("shuanghe", "双河乡", "Shuanghe Township", "rural", 0, 16),
    ("yuntai", "云台乡", "Yuntai Township", "rural", 0, 14),
    ("shanmu", "杉木乡", "Shanmu Township", "rural", 0, 13),
    ("liuping", "柳坪乡", "Liuping Township", "rural", 0, 15),
    ("gaofeng", "高峰乡", "Gaofeng Township", "rural", 0, 14),
]
COMMUNITIES = [
    ("东门", "Dongmen"), ("西门", "Ximen"), ("南街", "Nanjie"), ("北街", "Beijie"),
    ("河滨", "Hebin"), ("解放", "Jiefang"), ("人民", "Renmin"), ("文化", "Wenhua"),
    ("新华", "Xinhua"), ("建设", "Jianshe"), ("幸福", "Xingfu"), ("和平", "Heping"),
    ("胜利", "Shengli"), ("滨江", "Binjiang"), ("桥头", "Qiaotou"), ("站前", "Zhanqian"),
    ("朝阳", "Chaoyang"), ("团结", "Tuanjie"), ("龙泉", "Longquan"), ("凤凰", "Fenghuang"),
]  # fmt: skip
VILLAGE_HEADS = [
    ("大", "Da"), ("小", "Xiao"), ("上", "Shang"), ("下", "Xia"), ("黄", "Huang"),
    ("青", "Qing"), ("石", "Shi"), ("龙", "Long"), ("马", "Ma"), ("杨", "Yang"),
    ("柳", "Liu"), ("桃", "Tao"), ("竹", "Zhu"), ("松", "Song"), ("金", "Jin"),
    ("新", "Xin"), ("长", "Chang"), ("高", "Gao"), ("田", "Tian"), ("三", "San"),
    ("双", "Shuang"), ("白", "Bai"), ("红", "Hong"), ("枫", "Feng"), ("茶", "Cha"),
    ("梅", "Mei"), ("岩", "Yan"), ("杉", "Shan"), ("鹿", "Lu"), ("凉", "Liang"),
]  # fmt: skip
VILLAGE_TAILS = [
    ("坪", "ping"), ("溪", "xi"), ("湾", "wan"), ("坝", "ba"), ("岭", "ling"),
    ("冲", "chong"), ("塘", "tang"), ("桥", "qiao"), ("坡", "po"), ("口", "kou"),
    ("山", "shan"), ("园", "yuan"), ("寨", "zhai"), ("河", "he"), ("峪", "yu"), ("垭", "ya"),
]  # fmt: skip
SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("田", "Tian"), ("彭", "Peng"), ("向", "Xiang"), ("龙", "Long"), ("石", "Shi"),
    ("滕", "Teng"), ("粟", "Su"), ("胡", "Hu"), ("舒", "Shu"), ("覃", "Qin"),
]  # fmt: skip
GIVEN = [
    "秀英", "桂英", "建国", "建华", "志强", "玉兰", "德华", "春花", "国平", "小红",
    "海燕", "明", "伟", "芳", "军", "丽", "勇", "霞", "平", "刚", "红梅", "兰英",
    "正华", "永福", "金凤", "光明", "文军", "翠云",
]  # fmt: skip

REJECT_REASONS = [
    "不属于本服务范围，已告知应到县政务服务中心办理。",
    "重复下单，已合并到先前的订单。",
    "信息不全，电话联系不上，请补充联系方式后重新下单。",
    "不符合申请条件（家庭收入超过标准）。",
    "已由村委会当场解决。",
]
DECLINE_REASONS = [
    "今日人手不足，无法按时上门。",
    "不在我们的服务片区，请改派。",
    "所需材料/设备暂缺。",
    "该时段已排满。",
]
CANCEL_REASONS = ["已自行解决。", "家人已帮忙处理。", "下错单了。", "时间不方便，改天再约。", ""]
DELIVER_NOTES = [
    "已上门服务完毕，居民签字确认。",
    "已处理完成，并告知后续注意事项。",
    "已办结，材料已送达。",
    "服务完成，拍照存档。",
    "已到村服务，群众反映良好。",
]
COMMENTS = {
    Satisfaction.SATISFIED: [
        "服务很周到，谢谢！",
        "来得很快。",
        "态度好，解决得彻底。",
        "",
        "",
        "",
    ],
    Satisfaction.BASIC: ["还可以，就是来得有点晚。", "基本解决了。", "", "电话沟通不太顺畅。"],
    Satisfaction.DISSATISFIED: ["等了太久。", "问题没有解决。", "态度一般，希望改进。", ""],
}
DESCRIPTIONS = [
    "",
    "",
    "老人独居，行动不便，请提前电话联系。",
    "白天家里没人，请下午五点后上门。",
    "麻烦尽快处理，谢谢。",
    "上次已经反映过一次。",
    "家里有小孩，请注意安全。",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    display_name: str
    try_first: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        Role.RESIDENT,
        "resident",
        "张秀英",
        "Order 助餐送餐 (meal delivery) from the menu; rate the delivered order under My orders.",
    ),
    DemoLogin(
        Role.GRID_WORKER,
        "grid",
        "李明",
        "Place an order on behalf of a neighbour who phoned you (channel: grid worker).",
    ),
    DemoLogin(
        Role.DISPATCHER,
        "dispatcher",
        "王芳",
        "Review and approve the resident's order in the dispatch queue, then dispatch it to "
        "龙潭镇志愿服务队 (Longtan Volunteer Team).",
    ),
    DemoLogin(
        Role.PROVIDER_STAFF,
        "provider",
        "刘强",
        "Accept the dispatched order, start it and mark it delivered.",
    ),
    DemoLogin(
        Role.COUNTY_ADMIN,
        "admin",
        "陈静",
        "See the whole county's queue and the monthly ranking; /admin/ for the raw data.",
    ),
]


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
    seconds: float = 0.0
    demo_village: str = ""
    demo_township: str = ""
    demo_provider: str = ""


@dataclass
class ResetSummary:
    orders: int = 0
    events: int = 0
    ratings: int = 0
    services: int = 0
    providers: int = 0
    regions: int = 0
    users: int = 0


# --- presence and reset -----------------------------------------------------------------------


def demo_region_q() -> Q:
    return Q(code=COUNTY_CODE) | Q(code__startswith=COUNTY_CODE)


def demo_present() -> bool:
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
        orders = Order.objects.filter(
            Q(township__in=regions)
            | Q(region__in=regions)
            | Q(service__in=services)
            | Q(provider__in=providers)
        )
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
                result.orders += chunk_orders.delete()[0]
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


# --- regions ----------------------------------------------------------------------------------


@dataclass
class _Place:
    region: Region
    township: Region
    key: str  # the township's key
    weight: float  # demand weight


def _offset(lat: float, lon: float, km_north: float, km_east: float) -> tuple[float, float]:
    return (
        round(lat + km_north / 111.0, 5),
        round(lon + km_east / (111.0 * math.cos(math.radians(lat))), 5),
    )


def _build_regions(rng: random.Random) -> tuple[Region, list[Region], list[_Place]]:
    county = Region.objects.create(
        code=COUNTY_CODE,
        name_zh=COUNTY_NAME[0],
        name_en=COUNTY_NAME[1],
        level=Region.Level.COUNTY,
        kind=Region.Kind.RURAL,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    towns: list[Region] = []
    n_town = n_xiang = 0
    for i, (_key, zh, en, kind, _c, _v) in enumerate(TOWNSHIPS):
        if zh.endswith("镇"):
            n_town += 1
            code = f"{COUNTY_CODE}{100 + n_town:03d}"
        else:
            n_xiang += 1
            code = f"{COUNTY_CODE}{200 + n_xiang:03d}"
        if i == 0:
            lat, lon = CENTRE
        else:
            angle = math.radians(i * (360 / (len(TOWNSHIPS) - 1)) + rng.uniform(-12, 12))
            radius = rng.uniform(12, 38)
            lat, lon = _offset(*CENTRE, radius * math.cos(angle), radius * math.sin(angle))
        towns.append(
            Region(
                code=code,
                name_zh=zh,
                name_en=en,
                level=Region.Level.TOWNSHIP,
                kind=kind,
                parent=county,
                latitude=lat,
                longitude=lon,
            )
        )
    Region.objects.bulk_create(towns)
    communities = list(COMMUNITIES)
    rng.shuffle(communities)
    used: set[str] = set()
    villages: list[Region] = []
    keys: list[str] = []
    for town, (key, _zh, _en, _kind, n_comm, n_vill) in zip(towns, TOWNSHIPS, strict=True):
        assert town.latitude is not None and town.longitude is not None
        for j in range(n_comm):
            czh, cen = communities.pop()
            lat, lon = _offset(town.latitude, town.longitude, rng.gauss(0, 1.2), rng.gauss(0, 1.2))
            villages.append(
                Region(
                    code=f"{town.code}{j + 1:03d}",
                    name_zh=f"{czh}社区",
                    name_en=f"{cen} Community",
                    level=Region.Level.VILLAGE,
                    kind=Region.Kind.URBAN,
                    parent=town,
                    population=rng.randint(4500, 8500)
                    if key == "chengguan"
                    else rng.randint(3000, 6000),
                    latitude=lat,
                    longitude=lon,
                )
            )
            keys.append(key)
        for j in range(n_vill):
            while True:
                head, tail = rng.choice(VILLAGE_HEADS), rng.choice(VILLAGE_TAILS)
                if head[0] + tail[0] not in used:
                    used.add(head[0] + tail[0])
                    break
            angle, radius = rng.uniform(0, 2 * math.pi), rng.uniform(1.5, 9)
            lat, lon = _offset(
                town.latitude, town.longitude, radius * math.cos(angle), radius * math.sin(angle)
            )
            villages.append(
                Region(
                    code=f"{town.code}{201 + j:03d}",
                    name_zh=f"{head[0]}{tail[0]}村",
                    name_en=f"{head[1]}{tail[1]} Village",
                    level=Region.Level.VILLAGE,
                    kind=Region.Kind.RURAL,
                    parent=town,
                    population=int(rng.triangular(400, 1900, 800)),
                    latitude=lat,
                    longitude=lon,
                )
            )
            keys.append(key)
    Region.objects.bulk_create(villages)
    totals: Counter[str] = Counter()
    for v in villages:
        assert v.parent is not None
        totals[v.parent.code] += v.population
    for town in towns:
        town.population = totals[town.code]
    Region.objects.bulk_update(towns, ["population"])
    county.population = sum(totals.values())
    county.save(update_fields=["population"])
    by_code = {t.code: t for t in towns}
    places = [
        _Place(
            region=v,
            township=by_code[v.parent.code],  # type: ignore[union-attr]
            key=k,
            # Townspeople order a little more per head than villagers.
            weight=v.population * (1.15 if v.kind == Region.Kind.URBAN else 1.0),
        )
        for v, k in zip(villages, keys, strict=True)
    ]
    return county, towns, places


def _townships_for(spec: str | tuple[str, ...]) -> list[str]:
    if spec == "county":
        return ["county"]
    if spec in ("urban", "rural"):
        return [t[0] for t in TOWNSHIPS if t[3] == spec]
    assert isinstance(spec, tuple)
    return list(spec)


# --- catalog ----------------------------------------------------------------------------------


@dataclass
class _Urgency:
    pk: int
    review: timedelta
    accept: timedelta
    resolve: timedelta


@dataclass
class _Svc:
    spec: DemoService
    obj: Service
    category_id: int
    area_id: int
    urgency: _Urgency
    attributes: list[ServiceAttribute]
    places: list[_Place] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)


@dataclass
class _Prov:
    obj: Provider
    key: str
    towns: list[str]  # township keys or ["county"]
    categories: list[str]
    quality: float
    staff: list[int] = field(default_factory=list)


def _build_catalog(
    county: Region, towns: list[Region]
) -> tuple[list[_Svc], list[_Prov], dict[str, Category]]:
    town_by_key = {t[0]: town for t, town in zip(TOWNSHIPS, towns, strict=True)}
    areas = {a.code: a for a in ServiceArea.objects.all()}
    for area_code, code, zh, en in LOCAL_CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"area": areas[area_code], "name_zh": zh, "name_en": en, "position": 90},
        )
    categories = {c.code: c for c in Category.objects.all()}
    urgencies = {
        u.code: _Urgency(u.pk, u.review_limit, u.accept_limit, u.resolve_limit)
        for u in UrgencyClass.objects.all()
    }

    def regions_of(spec: str | tuple[str, ...]) -> list[Region]:
        keys = _townships_for(spec)
        return [county] if keys == ["county"] else [town_by_key[k] for k in keys]

    services = [
        Service(
            code=s.code,
            category=categories[s.category],
            name_zh=s.name_zh,
            name_en=s.name_en,
            description_zh=s.description_zh,
            description_en=s.description_en,
            delivery_mode=s.delivery,
            urgency_id=urgencies[s.urgency].pk,
            dispatch_mode=s.dispatch,
            published=s.published,
            keywords=s.keywords,
        )
        for s in SERVICES
    ]
    Service.objects.bulk_create(services)
    through = Service.regions.through
    through.objects.bulk_create(
        [
            through(service_id=obj.pk, region_id=r.pk)
            for s, obj in zip(SERVICES, services, strict=True)
            for r in regions_of(s.offered)
        ]
    )
    attributes: list[ServiceAttribute] = []
    svcs: list[_Svc] = []
    for s, obj in zip(SERVICES, services, strict=True):
        attrs = [
            ServiceAttribute(
                service=obj,
                code=a.code,
                label_zh=a.label_zh,
                label_en=a.label_en,
                datatype=a.datatype,
                required=a.required,
                position=i + 1,
                choices=[{"key": k, "name_zh": zh, "name_en": en} for k, zh, en in a.choices],
            )
            for i, a in enumerate(s.attributes)
        ]
        attributes.extend(attrs)
        cat = categories[s.category]
        svcs.append(_Svc(s, obj, cat.pk, cat.area_id, urgencies[s.urgency], attrs))
    ServiceAttribute.objects.bulk_create(attributes)

    providers: list[_Prov] = []
    for p in PROVIDERS:
        keys = _townships_for(p.regions)
        base = county if keys == ["county"] else town_by_key[keys[0]]
        assert base.latitude is not None and base.longitude is not None
        pobj = Provider.objects.create(
            name_zh=p.name_zh,
            name_en=p.name_en,
            kind=p.kind,
            daily_capacity=p.capacity,
            latitude=round(base.latitude + 0.004, 5),
            longitude=round(base.longitude + 0.004, 5),
            phone=p.phone,
        )
        pobj.regions.set(regions_of(p.regions))
        pobj.categories.set([categories[c] for c in p.categories])
        providers.append(_Prov(pobj, p.key, keys, list(p.categories), p.quality))
    return svcs, providers, categories


# --- users ------------------------------------------------------------------------------------


@dataclass
class _People:
    admin: int
    dispatcher: dict[str, int]  # township key -> user id
    grid: dict[str, int]  # township key -> user id
    demo_grid: int
    residents: dict[int, list[tuple[int, str, str]]]  # village pk -> [(user id, name, phone)]
    count: int = 0


def _person(rng: random.Random) -> tuple[str, str]:
    surname = rng.choice(SURNAMES)[0]
    return surname + rng.choice(GIVEN), f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def _build_users(
    rng: random.Random,
    county: Region,
    towns: list[Region],
    places: list[_Place],
    providers: list[_Prov],
    demo_place: _Place,
) -> _People:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo account
    town_by_key = {t[0]: town for t, town in zip(TOWNSHIPS, towns, strict=True)}
    # (username, display name, role, region, superuser)
    rows: list[tuple[str, str, str, Region | None, bool]] = []
    logins = {d.role: d for d in DEMO_LOGINS}
    rows.append(("admin", logins[Role.COUNTY_ADMIN].display_name, Role.COUNTY_ADMIN, county, True))
    for key, _zh, *_rest in TOWNSHIPS:
        if key == DEMO_TOWNSHIP:
            rows.append(
                (
                    "dispatcher",
                    logins[Role.DISPATCHER].display_name,
                    Role.DISPATCHER,
                    town_by_key[key],
                    False,
                )
            )
        else:
            rows.append(
                (f"disp-{key}", f"{_person(rng)[0]}", Role.DISPATCHER, town_by_key[key], False)
            )
        rows.append(
            (f"grid-{key}", f"{_person(rng)[0]}", Role.GRID_WORKER, town_by_key[key], False)
        )
    rows.append(
        ("grid", logins[Role.GRID_WORKER].display_name, Role.GRID_WORKER, demo_place.region, False)
    )
    for prov in providers:
        if prov.key == DEMO_PROVIDER:
            rows.append(
                (
                    "provider",
                    logins[Role.PROVIDER_STAFF].display_name,
                    Role.PROVIDER_STAFF,
                    None,
                    False,
                )
            )
        rows.append((f"staff-{prov.key}", _person(rng)[0], Role.PROVIDER_STAFF, None, False))
    rows.append(
        ("resident", logins[Role.RESIDENT].display_name, Role.RESIDENT, demo_place.region, False)
    )
    phones: dict[str, str] = {}
    n = 0
    for place in places:
        for _i in range(1 + place.region.population // 1500):
            n += 1
            name, phone = _person(rng)
            phones[f"r{n:05d}"] = phone
            rows.append((f"r{n:05d}", name, Role.RESIDENT, place.region, False))
    users = [
        User(
            username=username,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password=password,
            is_staff=superuser,
            is_superuser=superuser,
        )
        for username, _name, _role, _region, superuser in rows
    ]
    User.objects.bulk_create(users)
    Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                role=role,
                region=region,
                display_name=name,
                phone=phones.get(username, f"0743-61{i:05d}"),
            )
            for i, (u, (username, name, role, region, _s)) in enumerate(
                zip(users, rows, strict=True)
            )
        ]
    )
    ids = {u.username: u.pk for u in users}
    staff_through = Provider.staff.through
    links: list[Any] = []
    for prov in providers:
        prov.staff = [ids[f"staff-{prov.key}"]]
        if prov.key == DEMO_PROVIDER:
            prov.staff.insert(0, ids["provider"])
        links.extend(staff_through(provider_id=prov.obj.pk, user_id=uid) for uid in prov.staff)
    staff_through.objects.bulk_create(links)
    residents: dict[int, list[tuple[int, str, str]]] = {}
    for username, name, role, region, _s in rows:
        if role == Role.RESIDENT and region is not None and username.startswith("r0"):
            residents.setdefault(region.pk, []).append((ids[username], name, phones[username]))
    residents.setdefault(demo_place.region.pk, []).insert(
        0, (ids["resident"], logins[Role.RESIDENT].display_name, "13800000000")
    )
    return _People(
        admin=ids["admin"],
        dispatcher={
            k: ids["dispatcher" if k == DEMO_TOWNSHIP else f"disp-{k}"] for k, *_r in TOWNSHIPS
        },
        grid={k: ids[f"grid-{k}"] for k, *_r in TOWNSHIPS},
        demo_grid=ids["grid"],
        residents=residents,
        count=len(users),
    )


# --- the order simulator ----------------------------------------------------------------------

ESCALATABLE = OPEN_STATUSES - {Status.DISPATCHED}
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)


@dataclass
class _Ev:
    action: str
    old: str
    new: str
    at: datetime
    actor: int | None
    provider: int | None
    round: int
    note: str = ""
    due: datetime | None = None  # for an escalation: the deadline that passed


class _Sim:
    """One order's life, applying what the services and the sweep would have applied."""

    def __init__(self, order: Order, urgency: _Urgency, rng: random.Random, auto_close: timedelta):
        self.o = order
        self.u = urgency
        self.rng = rng
        self.close_after = auto_close
        self.events: list[_Ev] = []
        self.ratings: list[Rating] = []
        self.t = order.created_at

    # the sweep, run every minute: escalate an overdue step once
    def sweep_until(self, at: datetime) -> None:
        o = self.o
        due = o.step_deadline
        if due is None or o.escalated_at is not None or o.status not in ESCALATABLE:
            return
        when = due + timedelta(seconds=self.rng.randint(20, 90))
        if when < at:
            o.escalated_at = when
            o.escalation_count += 1
            o.updated_at = when
            self.events.append(
                _Ev(
                    Action.ESCALATE, o.status, o.status, when, None, o.provider_id, o.round, due=due
                )
            )

    def go(
        self,
        action: str,
        to: str,
        at: datetime,
        *,
        actor: int | None = None,
        provider: int | None = None,
        note: str = "",
        step: datetime | None = None,
        **changes: Any,
    ) -> None:
        o = self.o
        if at < self.t:
            raise AssertionError(f"time runs backwards in {action}")
        self.sweep_until(at)
        frm = o.status
        if (frm, to) not in ACTION_TRANSITIONS[action] or to not in TRANSITIONS[frm]:
            raise AssertionError(f"illegal {action}: {frm} -> {to}")
        # A dispatched order not taken in time, or a delivered one not rated in time, would
        # have been handled by the sweep: the generator must not let that happen silently.
        if frm in (Status.DISPATCHED, Status.DELIVERED) and action not in (
            Action.ACCEPT_TIMEOUT,
            Action.AUTO_CLOSE,
        ):
            assert o.step_deadline is not None and at <= o.step_deadline, (action, frm)
        o.status = to
        o.updated_at = at
        o.step_deadline = step
        o.escalated_at = None
        for name, value in changes.items():
            setattr(o, name, value)
        self.events.append(_Ev(action, frm, to, at, actor, provider, o.round, note))
        self.t = at

    def submit(self, at: datetime, actor: int) -> None:
        o = self.o
        o.created_at = o.updated_at = at
        o.step_deadline = at + self.u.review
        o.resolve_deadline = at + self.u.resolve
        self.events.append(_Ev(Action.SUBMIT, "", Status.SUBMITTED, at, actor, None, 0))
        self.t = at

    def approve(self, at: datetime, actor: int) -> None:
        self.go(Action.APPROVE, Status.APPROVED, at, actor=actor, step=at + self.u.review)

    def reject(self, at: datetime, actor: int, reason: str) -> None:
        self.go(Action.REJECT, Status.REJECTED, at, actor=actor, note=reason, closed_at=at)

    def dispatch(
        self, at: datetime, actor: int | None, provider: int, action: str = Action.DISPATCH
    ) -> None:
        self.go(
            action,
            Status.DISPATCHED,
            at,
            actor=actor,
            provider=provider,
            step=at + self.u.accept,
            provider_id=provider,
            dispatched_at=at,
        )

    def back_to_queue(self, at: datetime, action: str, actor: int | None, note: str) -> None:
        self.go(
            action,
            Status.APPROVED,
            at,
            actor=actor,
            provider=self.o.provider_id,
            note=note,
            step=at + self.u.review,
            provider_id=None,
            dispatched_at=None,
        )

    def grab(self, at: datetime, actor: int, provider: int) -> None:
        self.go(
            Action.GRAB,
            Status.ACCEPTED,
            at,
            actor=actor,
            provider=provider,
            step=max(self.o.resolve_deadline, at),
            provider_id=provider,
            dispatched_at=at,
            accepted_at=at,
        )

    def accept(self, at: datetime, actor: int) -> None:
        self.go(
            Action.ACCEPT,
            Status.ACCEPTED,
            at,
            actor=actor,
            provider=self.o.provider_id,
            step=max(self.o.resolve_deadline, at),
            accepted_at=at,
        )

    def start(self, at: datetime, actor: int) -> None:
        self.go(
            Action.START,
            Status.IN_SERVICE,
            at,
            actor=actor,
            provider=self.o.provider_id,
            step=max(self.o.resolve_deadline, at),
        )

    def deliver(self, at: datetime, actor: int, note: str) -> None:
        self.go(
            Action.DELIVER,
            Status.DELIVERED,
            at,
            actor=actor,
            provider=self.o.provider_id,
            note=note,
            step=at + self.close_after,
            delivered_at=at,
        )

    def rate(
        self,
        at: datetime,
        actor: int,
        *,
        via: str,
        contacted: bool,
        solved: bool,
        satisfaction: str,
        comment: str,
    ) -> None:
        o = self.o
        self.ratings.append(
            Rating(
                round=o.round,
                via=via,
                contacted=contacted,
                solved=solved,
                satisfaction=satisfaction,
                comment=comment,
                rated_by_id=actor,
                township_id=o.township_id,
                provider_id=o.provider_id,
                created_at=at,
            )
        )
        summary = f"{Satisfaction(satisfaction).label}" + (f": {comment}" if comment else "")
        if solved:
            self.go(Action.RATE, Status.CLOSED, at, actor=actor, note=summary, closed_at=at)
        else:
            self.go(
                Action.REOPEN,
                Status.REOPENED,
                at,
                actor=actor,
                note=summary,
                step=at + self.u.review,
                resolve_deadline=at + self.u.resolve,
                round=o.round + 1,
                provider_id=None,
                dispatched_at=None,
                accepted_at=None,
                delivered_at=None,
            )

    def auto_close(self) -> None:
        assert self.o.step_deadline is not None
        at = self.o.step_deadline + timedelta(seconds=self.rng.randint(20, 90))
        self.go(Action.AUTO_CLOSE, Status.CLOSED, at, closed_at=at)

    def cancel(self, at: datetime, actor: int, reason: str) -> None:
        self.go(Action.CANCEL, Status.CANCELLED, at, actor=actor, note=reason, closed_at=at)

    def shift(self, delta: timedelta) -> None:
        o = self.o
        for name in (
            "created_at",
            "updated_at",
            "step_deadline",
            "resolve_deadline",
            "escalated_at",
            "dispatched_at",
            "accepted_at",
            "delivered_at",
            "closed_at",
        ):
            value = getattr(o, name)
            if value is not None:
                setattr(o, name, value + delta)
        for e in self.events:
            e.at += delta
            if e.due is not None:
                e.due += delta
        for r in self.ratings:
            r.created_at += delta
        self.t += delta


# --- generating orders ------------------------------------------------------------------------


class _World:
    """Everything the order generator draws from, without touching the database."""

    def __init__(
        self,
        rng: random.Random,
        services: list[_Svc],
        providers: list[_Prov],
        places: list[_Place],
        people: _People,
    ) -> None:
        self.rng = rng
        self.people = people
        self.providers = providers
        self.auto_close = timedelta(days=settings.MINSHENG_AUTO_CLOSE_DAYS)
        self.demo_village_pk = 0  # set once the demo village is chosen
        self.town_quality = {t[0]: rng.uniform(0.74, 0.98) for t in TOWNSHIPS}
        self._eligible: dict[tuple[int, str], list[_Prov]] = {}
        self.services = [s for s in services if s.spec.published and s.spec.weight > 0]
        for s in self.services:
            keys = _townships_for(s.spec.offered)
            s.places = [
                p
                for p in places
                if (keys == ["county"] or p.key in keys) and self.eligible(p, s.spec.category)
            ]
            total = 0.0
            for p in s.places:
                total += p.weight
                s.cum.append(total)
        self.weights = [s.spec.weight * len(s.places) ** 0.5 for s in self.services]

    def eligible(self, place: _Place, category: str) -> list[_Prov]:
        key = (place.region.pk, category)
        found = self._eligible.get(key)
        if found is None:
            found = [
                p
                for p in self.providers
                if category in p.categories and (p.towns == ["county"] or place.key in p.towns)
            ]
            self._eligible[key] = found
        return found

    def beta(self, a: float, b: float) -> float:
        return self.rng.betavariate(a, b)

    def pick_provider(self, place: _Place, svc: _Svc, exclude: list[int]) -> _Prov | None:
        choices = [p for p in self.eligible(place, svc.spec.category) if p.obj.pk not in exclude]
        if not choices:
            return None
        # Local teams first: a township's own provider is the natural choice.
        weights = [3.0 if p.towns != ["county"] else 1.0 for p in choices]
        return self.rng.choices(choices, weights=weights)[0]

    def new_order(
        self, svc: _Svc, place: _Place, *, resident: tuple[int, str, str] | None = None
    ) -> tuple[_Sim, int]:
        """An unsaved order at EPOCH with its submitter; returns the simulator and actor."""
        rng = self.rng
        residents = self.people.residents.get(place.region.pk, [])
        roll = rng.random()
        if resident is not None:
            channel, actor = Channel.WEB, resident[0]
        elif roll < 0.5 and residents:
            resident = rng.choice(residents)
            channel, actor = Channel.WEB, resident[0]
        else:
            channel = rng.choices(
                [Channel.GRID_WORKER, Channel.HOTLINE, Channel.VISIT], weights=[5, 4, 2]
            )[0]
            if channel == Channel.HOTLINE:
                actor = self.people.dispatcher[place.key]
            elif place.region.pk == self.demo_village_pk:
                actor = self.people.demo_grid
            else:
                actor = self.people.grid[place.key]
            if residents and rng.random() < 0.5:
                resident = rng.choice(residents)
        if resident is None:
            name, phone = _person(rng)
            contact: tuple[int | None, str, str] = (None, name, phone)
        else:
            contact = resident
        lat = place.region.latitude or CENTRE[0]
        lon = place.region.longitude or CENTRE[1]
        order = Order(
            status=Status.SUBMITTED,
            service_id=svc.obj.pk,
            area_id=svc.area_id,
            category_id=svc.category_id,
            urgency_id=svc.urgency.pk,
            description=rng.choice(DESCRIPTIONS),
            answers=self.answers(svc),
            region_id=place.region.pk,
            township_id=place.township.pk,
            latitude=round(lat + rng.uniform(-0.006, 0.006), 5),
            longitude=round(lon + rng.uniform(-0.006, 0.006), 5),
            address=f"{place.region.name_zh}{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
            resident_id=contact[0],
            contact_name=contact[1] if channel != Channel.WEB else "",
            contact_phone=contact[2] if channel != Channel.WEB else "",
            created_by_id=actor,
            channel=channel,
            created_at=EPOCH,
            updated_at=EPOCH,
            resolve_deadline=EPOCH,
            round=0,
            escalation_count=0,
        )
        sim = _Sim(order, svc.urgency, rng, self.auto_close)
        sim.submit(EPOCH, actor)
        return sim, actor

    def answers(self, svc: _Svc) -> dict[str, Any]:
        rng = self.rng
        out: dict[str, Any] = {}
        for a in svc.attributes:
            if not a.required and rng.random() < 0.4:
                continue
            keys = [c["key"] for c in a.choices]
            if a.datatype == ServiceAttribute.Datatype.NUMBER:
                out[a.code] = (
                    rng.randint(1, 4)
                    if "meals" in a.code or "household" in a.code
                    else rng.randint(1, 60)
                )
            elif a.datatype == ServiceAttribute.Datatype.DATETIME:
                day = datetime(2026, 1, 1, 9, 0, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
                out[a.code] = day.isoformat()
            elif a.datatype == ServiceAttribute.Datatype.SINGLEVALUELIST:
                out[a.code] = rng.choice(keys)
            elif a.datatype == ServiceAttribute.Datatype.MULTIVALUELIST:
                chosen = set(rng.sample(keys, rng.randint(1, min(2, len(keys)))))
                out[a.code] = [k for k in keys if k in chosen]
            elif a.datatype == ServiceAttribute.Datatype.TEXT:
                out[a.code] = rng.choice(
                    ["情况比较急，请尽快。", "家中只有老人。", "详见电话沟通。"]
                )
            else:
                out[a.code] = rng.choice(["见备注", "家门口", "二楼", "院子里"])
        return out

    # -- one round of service: dispatch (or grab) up to delivery --------------------------------

    def serve(
        self,
        sim: _Sim,
        svc: _Svc,
        place: _Place,
        *,
        quality: float,
        round_start: datetime,
        stop: str | None = None,
        provider: _Prov | None = None,
        cancel_stage: str | None = None,
    ) -> _Prov | None:
        """From the dispatch queue (approved or reopened) to delivered.

        Returns the provider who holds the order, or None if it was cancelled on the way.
        ``stop`` ends early once the order is in that status; ``cancel_stage`` cancels
        there instead.
        """
        rng, u, o = self.rng, svc.urgency, sim.o
        dispatcher = self.people.dispatcher[place.key]
        canceller = o.resident_id or dispatcher
        mode = svc.spec.dispatch
        chosen = provider or self.pick_provider(place, svc, [])
        assert chosen is not None
        if mode == Service.DispatchMode.GRAB:
            late = rng.random() < 0.04
            wait = u.review * (rng.uniform(1.05, 1.6) if late else self.beta(1.2, 5))
            wait = max(wait, timedelta(minutes=1))
            if cancel_stage == Status.APPROVED:
                sim.cancel(sim.t + wait, canceller, rng.choice(CANCEL_REASONS))
                return None
            sim.grab(sim.t + wait, chosen.staff[0], chosen.obj.pk)
        else:
            if cancel_stage == Status.APPROVED:
                wait = u.review * self.beta(1.2, 4)
                sim.cancel(sim.t + wait, canceller, rng.choice(CANCEL_REASONS))
                return None
            self._dispatch(sim, svc, dispatcher, chosen, quality)
            declined: list[int] = []
            for _attempt in range(2):
                if stop is not None:
                    break
                other = self.pick_provider(place, svc, [*declined, chosen.obj.pk])
                if other is None:
                    break
                bad = 1 - chosen.quality
                p_decline, p_timeout = 0.04 + 0.1 * bad, 0.015 + 0.03 * bad
                p_change = 0.0 if mode == Service.DispatchMode.AUTO else 0.015
                roll = rng.random()
                if roll < p_decline:
                    at = sim.t + u.accept * rng.uniform(0.05, 0.7)
                    note = rng.choice(DECLINE_REASONS)
                    sim.back_to_queue(at, Action.DECLINE, chosen.staff[0], note)
                    declined.append(chosen.obj.pk)
                    self._dispatch(sim, svc, dispatcher, other, quality)
                elif roll < p_decline + p_timeout:
                    assert o.step_deadline is not None
                    at = o.step_deadline + timedelta(seconds=rng.randint(20, 90))
                    note = str(_("Not taken within the time limit."))
                    sim.back_to_queue(at, Action.ACCEPT_TIMEOUT, None, note)
                    declined.append(chosen.obj.pk)
                    self._dispatch(sim, svc, dispatcher, other, quality)
                elif roll < p_decline + p_timeout + p_change:
                    at = sim.t + u.accept * rng.uniform(0.05, 0.5)
                    sim.dispatch(at, dispatcher, other.obj.pk, Action.REDISPATCH)
                else:
                    break
                chosen = other
            if stop == Status.DISPATCHED:
                return chosen
            if cancel_stage == Status.DISPATCHED:
                at = sim.t + u.accept * rng.uniform(0.05, 0.6)
                sim.cancel(at, canceller, rng.choice(CANCEL_REASONS))
                return None
            sim.accept(sim.t + u.accept * min(0.95, 0.02 + self.beta(1.2, 4)), chosen.staff[0])
        staff = chosen.staff[0]
        if stop == Status.ACCEPTED:
            return chosen
        step = min(u.resolve * 0.1, u.accept)
        if cancel_stage == Status.ACCEPTED:
            sim.cancel(sim.t + step * self.beta(1.5, 3), canceller, rng.choice(CANCEL_REASONS))
            return None
        sim.start(sim.t + step * self.beta(1.5, 3), staff)
        if stop == Status.IN_SERVICE:
            return chosen
        late = rng.random() < 0.04 + 0.2 * (1 - (quality + chosen.quality) / 2)
        share = rng.uniform(1.03, 1.5) if late else 0.1 + 0.85 * self.beta(2, 2.5)
        target = round_start + u.resolve * share
        sim.deliver(max(target, sim.t + timedelta(minutes=5)), staff, rng.choice(DELIVER_NOTES))
        return chosen

    def _dispatch(
        self, sim: _Sim, svc: _Svc, dispatcher: int, provider: _Prov, quality: float
    ) -> None:
        """Auto-dispatch at once (no actor), or a dispatcher after a while."""
        if svc.spec.dispatch == Service.DispatchMode.AUTO:
            sim.dispatch(sim.t, None, provider.obj.pk)
            return
        late = self.rng.random() < 0.03 + 0.08 * (1 - quality)
        wait = svc.urgency.review * (self.rng.uniform(1.05, 1.6) if late else self.beta(1.2, 5))
        sim.dispatch(sim.t + max(wait, timedelta(minutes=1)), dispatcher, provider.obj.pk)

    def rate(self, sim: _Sim, place: _Place, quality: float, *, solved: bool) -> None:
        rng, o = self.rng, sim.o
        at = sim.t + timedelta(days=3) * self.beta(1.1, 6) + timedelta(minutes=5)
        if o.resident_id is not None and rng.random() < 0.72:
            via, actor = Rating.Via.RESIDENT, o.resident_id
        else:
            via = Rating.Via.CALLBACK
            actor = (
                self.people.grid[place.key]
                if rng.random() < 0.5
                else self.people.dispatcher[place.key]
            )
        late = o.delivered_at is not None and o.delivered_at > o.resolve_deadline
        if not solved:
            satisfaction = Satisfaction.DISSATISFIED if rng.random() < 0.7 else Satisfaction.BASIC
        else:
            p_dis = 0.015 + 0.2 * (1 - quality) + (0.08 if late else 0)
            p_basic = 0.07 + 0.35 * (1 - quality) + (0.15 if late else 0)
            roll = rng.random()
            satisfaction = (
                Satisfaction.DISSATISFIED
                if roll < p_dis
                else Satisfaction.BASIC
                if roll < p_dis + p_basic
                else Satisfaction.SATISFIED
            )
        sim.rate(
            at,
            actor,
            via=via,
            contacted=rng.random() > 0.03 + 0.1 * (1 - quality),
            solved=solved,
            satisfaction=satisfaction,
            comment=rng.choice(COMMENTS[Satisfaction(satisfaction)]),
        )

    # -- a whole historical order -------------------------------------------------------------

    def history(self, svc: _Svc, place: _Place) -> _Sim:
        rng, u = self.rng, svc.urgency
        sim, _actor = self.new_order(svc, place)
        o = sim.o
        dispatcher = self.people.dispatcher[place.key]
        if rng.random() < 0.1:
            dispatcher = self.people.admin  # the county office helps with reviews
        tq = self.town_quality[place.key]
        late = rng.random() < 0.03 + 0.1 * (1 - tq)
        review = u.review * (rng.uniform(1.05, 1.8) if late else self.beta(1.3, 4))
        review = max(review, timedelta(minutes=2))
        roll = rng.random()
        if roll < 0.04:
            sim.reject(sim.t + review, dispatcher, rng.choice(REJECT_REASONS))
            return sim
        if roll < 0.055:
            sim.cancel(
                sim.t + review * 0.5, o.resident_id or dispatcher, rng.choice(CANCEL_REASONS)
            )
            return sim
        cancel_stage = None
        if roll < 0.085:
            cancel_stage = rng.choice([Status.APPROVED, Status.DISPATCHED, Status.ACCEPTED])
        sim.approve(sim.t + review, dispatcher)
        chosen = self.serve(
            sim, svc, place, quality=tq, round_start=o.created_at, cancel_stage=cancel_stage
        )
        if chosen is None:
            return sim
        quality = (tq + chosen.quality) / 2
        if rng.random() < 0.08:
            sim.auto_close()
            return sim
        if rng.random() < 0.02 + 0.12 * (1 - quality):
            self.rate(sim, place, quality, solved=False)
            chosen = self.serve(sim, svc, place, quality=tq, round_start=sim.t)
            assert chosen is not None
            if rng.random() < 0.05:
                sim.auto_close()
                return sim
        self.rate(sim, place, quality, solved=True)
        return sim


def _created_at(rng: random.Random, day: datetime) -> datetime:
    """A time in the year before ``day``, busier lately (adoption grows), in office-ish hours."""
    u = rng.random()
    x = (-1 + math.sqrt(1 + 8 * u)) / 2  # density ∝ 0.5 + x on [0, 1)
    date = day - timedelta(days=365) + timedelta(days=int(x * 365))
    return date + timedelta(hours=rng.triangular(7, 21, 10))


def _build_history(world: _World, n: int, day: datetime) -> list[_Sim]:
    rng = world.rng
    sims: list[_Sim] = []
    for _i in range(n):
        svc = rng.choices(world.services, weights=world.weights)[0]
        place = svc.places[_bisect(svc.cum, rng.random() * svc.cum[-1])]
        sim = world.history(svc, place)
        duration = sim.t - EPOCH
        for _try in range(30):
            created = _created_at(rng, day)
            if created + duration < day - timedelta(minutes=10):
                break
        else:
            created = day - timedelta(minutes=10) - duration - timedelta(hours=rng.uniform(1, 48))
        sim.shift(created - EPOCH)
        sims.append(sim)
    return sims


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


OPEN_PLAN: list[tuple[str, int]] = [
    (Status.SUBMITTED, 8),
    (Status.APPROVED, 6),
    (Status.REOPENED, 3),
    (Status.DISPATCHED, 7),
    (Status.ACCEPTED, 5),
    (Status.IN_SERVICE, 6),
    (Status.DELIVERED, 6),
]


def _open_order(
    world: _World,
    svc: _Svc,
    place: _Place,
    status: str,
    now: datetime,
    *,
    overdue: bool,
    resident: tuple[int, str, str] | None = None,
    provider: _Prov | None = None,
) -> _Sim:
    """An order that is in ``status`` right now; overdue ones have been escalated."""
    rng, u = world.rng, svc.urgency
    sim, _actor = world.new_order(svc, place, resident=resident)
    o = sim.o
    tq = world.town_quality[place.key]
    dispatcher = world.people.dispatcher[place.key]
    if status == Status.SUBMITTED:
        span = u.review * (rng.uniform(1.2, 3) if overdue else rng.uniform(0.05, 0.8))
        return _settle(sim, now, span)
    sim.approve(sim.t + u.review * world.beta(1.3, 4) + timedelta(minutes=2), dispatcher)
    if status == Status.APPROVED:
        span = u.review * (rng.uniform(1.2, 2.5) if overdue else rng.uniform(0.05, 0.7))
        return _settle(sim, now, span)
    if status == Status.REOPENED:
        world.serve(sim, svc, place, quality=tq, round_start=EPOCH, provider=provider)
        world.rate(sim, place, tq, solved=False)
        span = u.review * rng.uniform(0.05, 0.8)
    else:
        chosen = world.serve(
            sim, svc, place, quality=tq, round_start=EPOCH, stop=status, provider=provider
        )
        assert chosen is not None and o.status == status, (o.status, status)
        if status == Status.DISPATCHED:
            span = u.accept * rng.uniform(0.05, 0.7)
        elif status == Status.DELIVERED:
            span = timedelta(hours=rng.uniform(1, 24 * 5))
        elif overdue:
            span = (o.resolve_deadline - sim.t) + u.resolve * rng.uniform(0.05, 0.3)
        else:
            left = o.resolve_deadline - sim.t
            span = max(left, timedelta(0)) * rng.uniform(0.05, 0.6)
    return _settle(sim, now, span)


def _settle(sim: _Sim, now: datetime, span: timedelta) -> _Sim:
    """Place the order so its last step happened ``span`` ago; the sweep has run since."""
    sim.shift(now - span - sim.t)
    sim.sweep_until(now)
    return sim


def _build_open(world: _World, now: datetime, scale: float, demo: _Place) -> list[_Sim]:
    rng = world.rng
    by_code = {s.spec.code: s for s in world.services}
    demo_svc = by_code[DEMO_SERVICE]
    demo_provider = next(p for p in world.providers if p.key == DEMO_PROVIDER)
    demo_resident = world.people.residents[demo.region.pk][0]
    town_places = [p for p in demo_svc.places if p.key == DEMO_TOWNSHIP and p is not demo]
    neighbour = town_places[0]
    sims = [
        # The demo people's own work: something for each of them to do first.
        _open_order(world, demo_svc, demo, Status.DELIVERED, now, overdue=False,
                    resident=demo_resident, provider=demo_provider),
        _open_order(world, demo_svc, neighbour, Status.SUBMITTED, now, overdue=False),
        _open_order(world, demo_svc, neighbour, Status.APPROVED, now, overdue=False),
        _open_order(world, demo_svc, demo, Status.DISPATCHED, now, overdue=False,
                    provider=demo_provider),
        _open_order(world, demo_svc, neighbour, Status.IN_SERVICE, now, overdue=True,
                    provider=demo_provider),
    ]  # fmt: skip
    for status, count in OPEN_PLAN:
        for i in range(max(1, round(count * scale))):
            ok = [
                s
                for s in world.services
                if not (
                    status in (Status.APPROVED, Status.REOPENED)
                    and s.spec.dispatch == Service.DispatchMode.AUTO
                )
                and not (
                    status == Status.DISPATCHED and s.spec.dispatch == Service.DispatchMode.GRAB
                )
            ]
            svc = rng.choices(ok, weights=[s.spec.weight for s in ok])[0]
            place = svc.places[_bisect(svc.cum, rng.random() * svc.cum[-1])]
            sims.append(
                _open_order(
                    world,
                    svc,
                    place,
                    status,
                    now,
                    overdue=i % 3 == (1 if status == Status.APPROVED else 0),
                )
            )
    return sims


# --- writing ----------------------------------------------------------------------------------


EVENT_COLUMNS = (
    "order_id",
    "action",
    "old_status",
    "new_status",
    "actor_id",
    "provider_id",
    "note",
    "audience",
    "round",
    "created_at",
)


def _insert_events(rows: list[tuple[Any, ...]]) -> None:
    """Append history rows with multi-row INSERTs: ~70,000 model instances through
    bulk_create would take most of the seeding time. The rows are exactly what OrderEvent
    would store (the datetimes already adapted for the backend)."""
    ops = connection.ops
    table = ops.quote_name(OrderEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in EVENT_COLUMNS)
    row = "(" + ", ".join(["%s"] * len(EVENT_COLUMNS)) + ")"
    per = 900  # 9,000 parameters a statement: under SQLite's and PostgreSQL's limits
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            values = ", ".join([row] * len(batch))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 - no input
            cursor.execute(sql, [v for r in batch for v in r])


def _write(sims: list[_Sim]) -> tuple[int, int, int]:
    sims.sort(key=lambda s: s.o.created_at)
    orders = [s.o for s in sims]
    Order.objects.bulk_create(orders, batch_size=1000)
    adapt = connection.ops.adapt_datetimefield_value
    rows: list[tuple[Any, ...]] = []
    ratings: list[Rating] = []
    for s in sims:
        for e in s.events:
            note = e.note
            if e.due is not None:
                note = str(
                    _("Step overdue since %(due)s.")
                    % {"due": timezone.localtime(e.due).strftime("%Y-%m-%d %H:%M")}
                )
            rows.append(
                (
                    s.o.pk,
                    e.action,
                    e.old,
                    e.new,
                    e.actor,
                    e.provider,
                    note,
                    default_audience(e.action),
                    e.round,
                    adapt(e.at),
                )
            )
        for r in s.ratings:
            r.order_id = s.o.pk
            ratings.append(r)
    _insert_events(rows)
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(orders), len(rows), len(ratings)


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
        taken = User.objects.filter(
            username__in=["admin", "dispatcher", "grid", "provider", "resident"]
        ).values_list("username", flat=True)
        if taken:
            raise Conflict.single(
                "username_taken",
                _("These demo usernames belong to real accounts: %(names)s.")
                % {"names": ", ".join(sorted(taken))},
                None,
            )
        county, towns, places = _build_regions(rng)
        services, providers, _cats = _build_catalog(county, towns)
        demo = next(
            p for p in places if p.key == DEMO_TOWNSHIP and p.region.kind == Region.Kind.RURAL
        )
        people = _build_users(rng, county, towns, places, providers, demo)
        world = _World(rng, services, providers, places, people)
        world.demo_village_pk = demo.region.pk
        sims = _build_history(world, max(1, round(HISTORY_ORDERS * scale)), day)
        sims += _build_open(world, now, scale, demo)
        summary.orders, summary.events, summary.ratings = _write(sims)
    summary.townships = len(towns)
    summary.villages = len(places)
    summary.population = county.population
    summary.rural_population = sum(
        p.region.population for p in places if p.region.kind == Region.Kind.RURAL
    )
    summary.services = len(services)
    summary.providers = len(providers)
    summary.users = people.count
    summary.by_status = dict(sorted(Counter(s.o.status for s in sims).items()))
    summary.escalated_open = sum(
        1 for s in sims if s.o.status in OPEN_STATUSES and s.o.escalated_at is not None
    )
    summary.demo_village = f"{demo.region.name_zh} ({demo.region.name_en})"
    summary.demo_township = f"{demo.township.name_zh} ({demo.township.name_en})"
    demo_prov = next(p for p in providers if p.key == DEMO_PROVIDER).obj
    summary.demo_provider = f"{demo_prov.name_zh} ({demo_prov.name_en})"
    summary.seconds = time.monotonic() - started
    return summary
