"""Seed the bench database with a minimal county and print the residents' tokens as JSON.

Run as ``python -m bench.seed --users N`` with ``DATABASE_URL`` naming the bench database
(after ``migrate``). Also creates the insert ceiling's ``bench_row`` table, an Open311 API
key, and ``HISTORY`` past orders spread over the last 80 days (so that
``GET /open311/v2/requests.json`` has its full 1,000 to return).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

SERVICE_CODE = "bench-meal"
VILLAGES = ("BV1", "BV2", "BV3", "BV4")
HISTORY = 1200
KEY_NAME = "bench client"


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
        _history(service, villages)
        api_key = _api_key()
    ensure_bench_table()
    return {"service": SERVICE_CODE, "residents": residents, "api_key": api_key}


def _history(service: Any, villages: list[Any]) -> None:
    """Past orders written in bulk (the bench measures reading them, not writing them)."""
    from datetime import timedelta

    from django.utils import timezone

    from minsheng.orders.models import Action, Channel, Order, OrderEvent, Status

    now = timezone.now()
    statuses = [Status.SUBMITTED, Status.APPROVED, Status.CLOSED, Status.CANCELLED]
    orders = []
    for n in range(HISTORY):
        at = now - timedelta(days=80) + timedelta(seconds=n * 80 * 86400 // HISTORY)
        village = villages[n % len(villages)]
        status = statuses[n % len(statuses)]
        orders.append(
            Order(
                status=status,
                service=service,
                area=service.category.area,
                category=service.category,
                urgency=service.urgency,
                description=f"压测历史订单 {n}",
                answers={"people": 1 + n % 3},
                region=village,
                township_id=village.parent_id,
                latitude=village.latitude,
                longitude=village.longitude,
                address=f"{village.name_zh} {n % 9 + 1} 组",
                channel=Channel.WEB,
                created_at=at,
                updated_at=at + timedelta(hours=2),
                step_deadline=None if status in (Status.CLOSED, Status.CANCELLED) else at,
                resolve_deadline=at + timedelta(days=1),
                closed_at=at + timedelta(hours=2)
                if status in (Status.CLOSED, Status.CANCELLED)
                else None,
            )
        )
    Order.objects.bulk_create(orders, batch_size=500)
    events = []
    for order in orders:
        events.append(
            OrderEvent(
                order=order,
                action=Action.SUBMIT,
                old_status="",
                new_status=Status.SUBMITTED,
                created_at=order.created_at,
            )
        )
        if order.status != Status.SUBMITTED:
            events.append(
                OrderEvent(
                    order=order,
                    action=Action.CANCEL if order.status == Status.CANCELLED else Action.COMMENT,
                    old_status=Status.SUBMITTED,
                    new_status=order.status,
                    note="压测备注",
                    created_at=order.updated_at,
                )
            )
    OrderEvent.objects.bulk_create(events, batch_size=1000)


def _api_key() -> str:
    """The Open311 client's key. Only a digest is stored, so each run revokes the previous
    bench key and draws a new one."""
    from django.utils import timezone

    from minsheng.open311.models import ApiKey
    from minsheng.open311.services import api_key_create

    ApiKey.objects.filter(name=KEY_NAME, revoked_at=None).update(revoked_at=timezone.now())
    _key, raw = api_key_create(name=KEY_NAME)
    return raw


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
        "api_key": _api_key(),
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
