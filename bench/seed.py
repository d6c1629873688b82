"""Seed the bench database with a minimal county and print the residents' tokens as JSON.

Run as ``python -m bench.seed --users N`` with ``DATABASE_URL`` naming the bench database
(after ``migrate``). Also creates the insert ceiling's ``bench_row`` table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

SERVICE_CODE = "bench-meal"
VILLAGES = ("BV1", "BV2", "BV3", "BV4")


def seed(users: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from bench.views import ensure_bench_table
    from minsheng.accounts.models import Profile, Role
    from minsheng.catalog.models import Category, Service, ServiceAttribute, UrgencyClass
    from minsheng.regions.models import Region

    User = get_user_model()
    with transaction.atomic():
        county = Region.objects.create(
            code="BC", name_zh="压测县", name_en="Bench County", level=Region.Level.COUNTY
        )
        towns = [
            Region.objects.create(
                code=f"BT{i}",
                name_zh=f"压测镇{i}",
                name_en=f"Bench Town {i}",
                level=Region.Level.TOWNSHIP,
                parent=county,
                latitude=30.0 + i / 10,
                longitude=110.0 + i / 10,
            )
            for i in (1, 2)
        ]
        villages = [
            Region.objects.create(
                code=code,
                name_zh=f"压测村{n}",
                name_en=f"Bench Village {n}",
                level=Region.Level.VILLAGE,
                parent=towns[n % 2],
                latitude=30.0 + n / 100,
                longitude=110.0 + n / 100,
            )
            for n, code in enumerate(VILLAGES)
        ]
        service = Service.objects.create(
            code=SERVICE_CODE,
            name_zh="压测助餐",
            name_en="Bench meal delivery",
            category=Category.objects.get(code="elderly-care"),
            urgency=UrgencyClass.objects.get(code="general"),
            delivery_mode=Service.DeliveryMode.DOOR,
            dispatch_mode=Service.DispatchMode.MANUAL,
            published=True,
        )
        service.regions.set([county])
        ServiceAttribute.objects.create(
            service=service,
            code="people",
            label_zh="用餐人数",
            label_en="People",
            datatype=ServiceAttribute.Datatype.NUMBER,
            required=True,
            position=1,
        )
        ServiceAttribute.objects.create(
            service=service,
            code="diet",
            label_zh="饮食要求",
            label_en="Diet",
            datatype=ServiceAttribute.Datatype.SINGLEVALUELIST,
            position=2,
            choices=[
                {"key": "normal", "name_zh": "普通", "name_en": "Normal"},
                {"key": "soft", "name_zh": "软食", "name_en": "Soft"},
            ],
        )
        residents = []
        for n in range(users):
            user = User(username=f"bench{n:03d}")
            user.set_unusable_password()  # no password hashing: tokens only
            user.save()
            village = villages[n % len(villages)]
            Profile.objects.create(
                user=user, role=Role.RESIDENT, region=village, display_name=user.username
            )
            token = Token.objects.create(user=user)
            residents.append(
                {"username": user.username, "token": token.key, "region": village.code}
            )
    ensure_bench_table()
    return {"service": SERVICE_CODE, "residents": residents}


def existing() -> dict[str, Any]:
    """The tokens of an already seeded bench database."""
    from rest_framework.authtoken.models import Token

    tokens = Token.objects.filter(user__username__startswith="bench").select_related(
        "user__profile__region"
    )
    return {
        "service": SERVICE_CODE,
        "residents": [
            {"username": t.user.username, "token": t.key, "region": t.user.profile.region.code}
            for t in tokens.order_by("user__username")
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--tokens-only", action="store_true", help="print existing tokens")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    json.dump(existing() if args.tokens_only else seed(args.users), sys.stdout)


if __name__ == "__main__":
    main()
