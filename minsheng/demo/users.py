"""The demo county's people: a dispatcher and a grid worker per township, staff for every
provider, the demo logins, and residents in every village (about one per 1,500 people).

Every demo account has an address at ``DEMO_EMAIL_DOMAIN``: that is how the demo tells
its own accounts from real ones (``demo_logins``, the reset).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from minsheng.accounts.models import Profile, Role
from minsheng.catalog.models import Provider
from minsheng.demo.catalog import DEMO_PROVIDER, SeededProvider
from minsheng.demo.households import Household, household_of
from minsheng.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_RESIDENT_MOBILE
from minsheng.demo.regions import DEMO_TOWNSHIP, TOWNSHIPS, Place
from minsheng.regions.models import Region

DEMO_EMAIL_DOMAIN = "demo.minsheng.invalid"

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


@dataclass
class People:
    """Who acts in the history: user ids by township, and residents by village."""

    admin: int
    dispatcher: dict[str, int]  # township key -> user id
    grid: dict[str, int]  # township key -> user id
    demo_grid: int
    residents: dict[int, list[tuple[int, str, str]]]  # village pk -> [(user id, name, phone)]
    households: dict[int, Household] = field(default_factory=dict)  # user id -> household
    count: int = 0


def person(rng: random.Random) -> tuple[str, str]:
    """A name and a mobile number."""
    surname = rng.choice(SURNAMES)[0]
    return surname + rng.choice(GIVEN), f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def build_users(
    rng: random.Random,
    county: Region,
    towns: list[Region],
    places: list[Place],
    providers: list[SeededProvider],
    demo_place: Place,
) -> People:
    """Write every account with its profile, and link provider staff to their team (the
    demo provider's login first)."""
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
                (f"disp-{key}", f"{person(rng)[0]}", Role.DISPATCHER, town_by_key[key], False)
            )
        rows.append((f"grid-{key}", f"{person(rng)[0]}", Role.GRID_WORKER, town_by_key[key], False))
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
        rows.append((f"staff-{prov.key}", person(rng)[0], Role.PROVIDER_STAFF, None, False))
    rows.append(
        ("resident", logins[Role.RESIDENT].display_name, Role.RESIDENT, demo_place.region, False)
    )
    # Residents sign in with their mobile: each has their own (one account per mobile).
    phones: dict[str, str] = {"resident": DEMO_RESIDENT_MOBILE}
    taken = {DEMO_RESIDENT_MOBILE}
    n = 0
    for place in places:
        for _i in range(1 + place.region.population // 1500):
            n += 1
            name, phone = person(rng)
            while phone in taken:
                phone = person(rng)[1]
            taken.add(phone)
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
    households = {ids["resident"]: household_of("resident")}
    for username, name, role, region, _s in rows:
        if role == Role.RESIDENT and region is not None and username.startswith("r0"):
            residents.setdefault(region.pk, []).append((ids[username], name, phones[username]))
            households[ids[username]] = household_of(username)
    residents.setdefault(demo_place.region.pk, []).insert(
        0, (ids["resident"], logins[Role.RESIDENT].display_name, DEMO_RESIDENT_MOBILE)
    )
    return People(
        admin=ids["admin"],
        dispatcher={
            k: ids["dispatcher" if k == DEMO_TOWNSHIP else f"disp-{k}"] for k, *_r in TOWNSHIPS
        },
        grid={k: ids[f"grid-{k}"] for k, *_r in TOWNSHIPS},
        demo_grid=ids["grid"],
        residents=residents,
        households=households,
        count=len(users),
    )
