"""The demo county's suggestions (issue 9): about forty, posted by demo residents where the
orders show the most unmet demand (orders rejected or cancelled, needs off the menu, and
"not solved" ratings, by village and service area), supported by residents of the same
township.

Real ``Support`` rows carry the counts, and the counted support follows the rules
(``voice.suggestion_rules``): the threshold is the setting's value, so several
suggestions cross it with that many supports from their township within the period. Of
those: one adopted and done (linking the menu service it asked to change), one not
adopted with its reason, one under study, one adopted, one owed (due in the future) and
one overdue. One spam post is reported, hidden and its author banned.

Written with ``bulk_create`` inside ``seed_demo``'s transaction, after the orders.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from minsheng.accounts.models import Profile, Role
from minsheng.catalog.models import Service, ServiceArea
from minsheng.orders.models import Audience, Order, Rating, Status
from minsheng.regions.models import Region
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.models import (
    Ban,
    Flag,
    Suggestion,
    SuggestionAction,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
    Support,
)

SUGGESTIONS = 40
UNMET = (Status.REJECTED, Status.CANCELLED)

# The first suggestions (the most unmet demand) get these fates, in this order; the first
# two are in the demo dispatcher's township, so the walk-through has replies to give.
FATES = ["overdue", "owed", "done", "not_adopted", "under_study", "adopted"]
HOME_FATES = 2

NEW_SERVICE = [
    (
        "{village}希望增加{area}方面的上门服务",
        "我们{village}{area}方面的需要很多，点单常常被退回或者没人接。建议增加一项上门服务，每周固定来一次。",
    ),
    (
        "请在{village}开设{area}服务",
        "去年村里好几户点过{area}的服务都没办成。希望县里考虑专门为我们这边开一项服务。",
    ),
]
CHANGE = [
    (
        "「{service}」能不能增加服务时段",
        "「{service}」很好，但只有工作日白天，家里年轻人不在的时候老人没法预约。建议周末也能约。",
    ),
    (
        "「{service}」希望覆盖到{village}",
        "我们{village}点「{service}」经常说不在服务范围，要跑到镇上。希望服务范围扩大到我们村。",
    ),
]
FACILITY = [
    (
        "在{village}建一个{area}服务点",
        "{village}离镇上远，{area}方面的事都要跑很远。建议在村委会旁边设一个服务点，有人值班。",
    ),
    (
        "{village}需要一处{area}活动场所",
        "村里没有合适的地方，希望利用闲置的村小学建一处{area}场所，方便老人和孩子。",
    ),
]
REPLIES = {
    "under_study": "已转县民政局和{township}政府研究，将在一个月内给出方案。",
    "adopted": "建议已采纳：县里将在{township}试点，预计下季度开始。",
    "done": "已落实：服务已调整上线，欢迎点单。",
    "not_adopted": "经研究暂不采纳。",
}
NOT_ADOPTED_REASON = "该服务已由{township}卫生院按月提供，今年县里没有另设这项服务的预算；我们会请卫生院把时间表贴到各村公告栏。"
SPAM = ("加微信领补贴，名额有限", "加微信 wx123456 领取养老补贴，先到先得，转发三个群再送红包！")
SPAM_REASONS = ["广告", "骗人的，不是政府的补贴", "垃圾信息"]


@dataclass
class Plan:
    """One suggestion to write, with its supports and history."""

    obj: Suggestion
    supports: list[Support] = field(default_factory=list)
    events: list[SuggestionEvent] = field(default_factory=list)


def _unmet_places(regions: list[int]) -> list[tuple[int, int, int]]:
    """(village id, area id, unmet count), the most unmet first: orders rejected or
    cancelled, needs off the menu, ratings "not solved"; then the most ordered."""
    unsolved = Rating.objects.filter(solved=False).values("order_id")
    rows = (
        Order.objects.filter(region_id__in=regions)
        .values("region_id", "area_id")
        .annotate(
            unmet=Count(
                "pk", filter=Q(status__in=UNMET) | Q(service__isnull=True) | Q(pk__in=unsolved)
            ),
            total=Count("pk"),
        )
        .order_by("-unmet", "-total", "region_id", "area_id")
    )
    return [(r["region_id"], r["area_id"], r["unmet"]) for r in rows]


def _extra_residents(
    rng: random.Random, township: Region, villages: list[Region], need: int, start: int
) -> list[tuple[int, int]]:
    """Residents added where a township has fewer than the supports the demo needs (a
    threshold raised by the setting): (user id, village id)."""
    from minsheng.demo.users import DEMO_EMAIL_DOMAIN, person

    User = get_user_model()
    users = [
        User(username=f"vs{start + i:05d}", email=f"vs{start + i:05d}@{DEMO_EMAIL_DOMAIN}")
        for i in range(need)
    ]
    for u in users:
        u.set_unusable_password()
    User.objects.bulk_create(users)
    homes = [rng.choice(villages) for _ in users]
    # Every demo resident signs in with a mobile of their own (one account per mobile).
    taken = set(Profile.objects.filter(role=Role.RESIDENT).values_list("phone", flat=True))
    profiles = []
    for u, home in zip(users, homes, strict=True):
        name, phone = person(rng)
        while phone in taken:
            phone = person(rng)[1]
        taken.add(phone)
        profiles.append(
            Profile(user=u, role=Role.RESIDENT, region=home, display_name=name, phone=phone)
        )
    Profile.objects.bulk_create(profiles)
    return [(u.pk, h.pk) for u, h in zip(users, homes, strict=True)]


def seed_suggestions(rng: random.Random, *, now: datetime, people: Any, admin: int) -> int:
    """Write the demo's suggestions; return how many. ``people`` is ``demo.users.People``."""
    threshold = settings.MINSHENG_SUGGESTION_THRESHOLD
    support_days = settings.MINSHENG_SUGGESTION_SUPPORT_DAYS
    reply_days = settings.MINSHENG_SUGGESTION_REPLY_DAYS
    villages = {
        r.pk: r
        for r in Region.objects.filter(
            pk__in=list(people.residents), level=Region.Level.VILLAGE
        ).select_related("parent")
    }
    if not villages:
        return 0
    by_town: dict[int, list[tuple[int, int]]] = {}  # township -> [(user id, village id)]
    for village_id, rows in sorted(people.residents.items()):
        home_town = villages[village_id].parent_id if village_id in villages else None
        if home_town is not None:
            by_town.setdefault(home_town, []).extend((uid, village_id) for uid, _n, _p in rows)
    areas = {a.pk: a for a in ServiceArea.objects.all()}
    services = list(
        Service.objects.filter(published=True).select_related("category").order_by("code")
    )
    # each village's most ordered menu service (the one a "change" asks about)
    ordered: dict[int, int] = {}
    for row in (
        Order.objects.filter(region_id__in=list(villages), service__isnull=False)
        .values("region_id", "service_id")
        .annotate(n=Count("pk"))
        .order_by("region_id", "n", "service_id")
    ):
        ordered[row["region_id"]] = row["service_id"]
    spots = _unmet_places(list(villages))
    # the demo township's two with most unmet demand first, then one per township for the
    # other fates, then the rest
    home = _demo_township()
    chosen: list[tuple[int, int]] = [
        (v, a) for v, a, _n in spots if home is not None and villages[v].parent_id == home
    ][:HOME_FATES]
    seen_towns: set[int] = {home} if home is not None else set()
    for village_id, area_id, _n in spots:
        town_id = villages[village_id].parent_id or 0
        if (village_id, area_id) in chosen or town_id in seen_towns:
            continue
        seen_towns.add(town_id)
        chosen.append((village_id, area_id))
        if len(chosen) == len(FATES):
            break
    for village_id, area_id, _n in spots:
        if len(chosen) >= SUGGESTIONS - 1:
            break
        if (village_id, area_id) not in chosen:
            chosen.append((village_id, area_id))
    extra_start = 0
    plans: list[Plan] = []
    kinds = [SuggestionKind.NEW_SERVICE, SuggestionKind.CHANGE, SuggestionKind.FACILITY]
    for i, (village_id, area_id) in enumerate(chosen):
        village = villages[village_id]
        town = village.parent
        assert town is not None
        area = areas.get(area_id)
        locals_ = by_town.get(town.pk, [])
        fate = FATES[i] if i < len(FATES) else ""
        if fate:
            short = threshold + 3 - len(locals_)
            if short > 0:
                town_villages = [v for v in villages.values() if v.parent_id == town.pk]
                added = _extra_residents(rng, town, town_villages, short, extra_start)
                extra_start += short
                locals_ = locals_ + added
                by_town[town.pk] = locals_
        here = [uid for uid, v in locals_ if v == village_id] or [uid for uid, _v in locals_]
        author = rng.choice(here)
        kind = kinds[i % 3] if fate != "done" else SuggestionKind.CHANGE
        service = None
        if kind == SuggestionKind.CHANGE:
            in_area = [s for s in services if area is not None and s.category.area_id == area.pk]
            preferred = ordered.get(village_id)
            service = next((s for s in in_area if s.pk == preferred), None) or (
                in_area[0] if in_area else (services[i % len(services)] if services else None)
            )
            if service is None:
                kind = SuggestionKind.NEW_SERVICE
            else:
                area = areas.get(service.category.area_id, area)
        title_t, body_t = rng.choice(
            {"new_service": NEW_SERVICE, "change": CHANGE, "facility": FACILITY}[kind]
        )
        words = {
            "village": village.name_zh,
            "area": area.name_zh if area is not None else "公共服务",
            "service": service.name_zh if service is not None else "",
            "township": town.name_zh,
        }
        # the fated ones are old enough for their story; the rest within the period
        age = {
            "done": 80,
            "not_adopted": 70,
            "adopted": 60,
            "under_study": 50,
            "overdue": 45,
            "owed": 12,
        }.get(fate, rng.randint(2, 120))
        posted = now - timedelta(days=age, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        until = rules.support_until(posted, support_days)
        s = Suggestion(
            author_id=author,
            kind=kind,
            title=title_t.format(**words)[:120],
            body=body_t.format(**words),
            region=village,
            township=town,
            area=area,
            service=service,
            status=SuggestionStatus.RECEIVED,
            created_at=posted,
            support_until=until,
        )
        plan = Plan(s)
        plan.events.append(
            SuggestionEvent(
                action=SuggestionAction.POST,
                new_status=SuggestionStatus.RECEIVED,
                actor_id=author,
                audience=Audience.PUBLIC,
                created_at=posted,
            )
        )
        others = [uid for uid, _v in locals_ if uid != author]
        rng.shuffle(others)
        if fate:
            n_local = min(len(others), threshold + rng.randint(0, 2))
        else:
            n_local = min(len(others), rng.randint(0, max(0, threshold - 2)))
        # the supports come in over the first days (a fated one within its first 10)
        span = min(10 if fate else age, max(1, age - 1))
        times = sorted(posted + timedelta(hours=rng.uniform(1, span * 24)) for _ in range(n_local))
        times = [min(t, now) for t in times]
        for uid, at in zip(others[:n_local], times, strict=True):
            plan.supports.append(Support(user_id=uid, created_at=at))
        # a few supports from elsewhere in the county: shown, not counted
        outsiders = [uid for t, rows in by_town.items() if t != town.pk for uid, _v in rows[:1]]
        for uid in rng.sample(outsiders, min(len(outsiders), rng.randint(0, 2))):
            plan.supports.append(
                Support(user_id=uid, created_at=min(now, posted + timedelta(days=1)))
            )
        counted = 0
        for sup, uid in ((p, p.user_id) for p in plan.supports):
            local = any(uid == u for u, _v in locals_)
            if rules.support_counts(
                supported_at=sup.created_at,
                until=until,
                supporter_township=town.pk if local else None,
                suggestion_township=town.pk,
            ):
                counted += 1
                if counted == threshold and s.threshold_reached_at is None:
                    s.threshold_reached_at = sup.created_at
                    s.reply_due = rules.reply_due(sup.created_at, reply_days)
                    plan.events.append(
                        SuggestionEvent(
                            action=SuggestionAction.THRESHOLD,
                            audience=Audience.PUBLIC,
                            created_at=sup.created_at,
                            note=f"{threshold} 位本乡镇居民支持：须在"
                            f"{_local(s.reply_due)} 前答复。",
                        )
                    )
        s.support_count = len(plan.supports)
        s.support_counted = counted
        _fate(plan, fate, now=now, town=town, admin=admin, people=people, words=words)
        plans.append(plan)
    spam = _spam(rng, now=now, by_town=by_town, villages=villages, people=people)
    if spam is not None:
        plans.append(spam)
    Suggestion.objects.bulk_create([p.obj for p in plans])
    supports, events = [], []
    for p in plans:
        for sup in p.supports:
            sup.suggestion = p.obj
            supports.append(sup)
        for e in p.events:
            e.suggestion = p.obj
            events.append(e)
    Support.objects.bulk_create(supports, batch_size=2000)
    SuggestionEvent.objects.bulk_create(
        sorted(events, key=lambda e: (e.created_at, e.suggestion.pk or 0)), batch_size=2000
    )
    if spam is not None:
        _spam_moderation(spam.obj, rng, now=now, by_town=by_town, people=people)
    return len(plans)


def _fate(
    plan: Plan,
    fate: str,
    *,
    now: datetime,
    town: Region,
    admin: int,
    people: Any,
    words: dict[str, str],
) -> None:
    """Write the official replies a fated suggestion has had by ``now``."""
    s = plan.obj
    if not fate or s.threshold_reached_at is None or s.reply_due is None:
        return
    key = next((k for k, v in people.dispatcher.items() if _town_key_matches(k, town)), None)
    staff = people.dispatcher.get(key, admin) if key else admin
    if fate == "owed":
        return
    if fate == "overdue":
        if s.reply_due < now:
            s.overdue_at = s.reply_due + timedelta(hours=1)
            plan.events.append(
                SuggestionEvent(
                    action=SuggestionAction.OVERDUE,
                    audience=Audience.STAFF,
                    created_at=s.overdue_at,
                    note=f"答复期限 {_local(s.reply_due)} 已过。",
                )
            )
        return
    path = {
        "under_study": ["under_study"],
        "adopted": ["under_study", "adopted"],
        "not_adopted": ["under_study", "not_adopted"],
        "done": ["under_study", "adopted", "done"],
    }[fate]
    at = s.threshold_reached_at + timedelta(days=3)
    old = SuggestionStatus.RECEIVED
    for step in path:
        at = min(at, now)
        reply = REPLIES[step].format(**words)
        if s.replied_at is None:
            s.replied_at, s.replied_by_id = at, staff
        s.reply = reply
        note = NOT_ADOPTED_REASON.format(**words) if step == "not_adopted" else ""
        plan.events.append(
            SuggestionEvent(
                action=SuggestionAction.STATUS,
                old_status=old,
                new_status=step,
                actor_id=staff,
                audience=Audience.PUBLIC,
                created_at=at,
                note=note,
            )
        )
        plan.events.append(
            SuggestionEvent(
                action=SuggestionAction.REPLY,
                actor_id=staff,
                audience=Audience.PUBLIC,
                created_at=at,
                note=reply,
            )
        )
        if step == "done":
            s.result_service = s.service
            if s.service is not None:
                s.result_url = f"/services/{s.service.code}/"
        old = SuggestionStatus(step)
        at = at + timedelta(days=5)
    s.status = path[-1]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _demo_township() -> int | None:
    """The walk-through's township (where the demo dispatcher works)."""
    from minsheng.demo.regions import DEMO_TOWNSHIP, TOWNSHIPS

    name = next((zh for k, zh, *_r in TOWNSHIPS if k == DEMO_TOWNSHIP), None)
    town = Region.objects.filter(level=Region.Level.TOWNSHIP, name_zh=name).first()
    return town.pk if town is not None else None


def _town_key_matches(key: str, town: Region) -> bool:
    from minsheng.demo.regions import TOWNSHIPS

    return any(k == key and zh == town.name_zh for k, zh, *_r in TOWNSHIPS)


def _spam(
    rng: random.Random,
    *,
    now: datetime,
    by_town: dict[int, list[tuple[int, int]]],
    villages: dict[int, Region],
    people: Any,
) -> Plan | None:
    home = _demo_township()
    town_id = home if home in by_town else max(by_town, key=lambda t: (len(by_town[t]), -t))
    rows = by_town[town_id]
    if len(rows) < 1 + len(SPAM_REASONS):
        return None
    author, village_id = rows[-1]
    village = villages[village_id]
    posted = now - timedelta(days=6, hours=3)
    s = Suggestion(
        author_id=author,
        kind=SuggestionKind.NEW_SERVICE,
        title=SPAM[0],
        body=SPAM[1],
        region=village,
        township_id=town_id,
        created_at=posted,
        support_until=rules.support_until(posted, settings.MINSHENG_SUGGESTION_SUPPORT_DAYS),
    )
    plan = Plan(s)
    plan.events.append(
        SuggestionEvent(
            action=SuggestionAction.POST,
            new_status=SuggestionStatus.RECEIVED,
            actor_id=author,
            audience=Audience.PUBLIC,
            created_at=posted,
        )
    )
    return plan


def _spam_moderation(
    s: Suggestion,
    rng: random.Random,
    *,
    now: datetime,
    by_town: dict[int, list[tuple[int, int]]],
    people: Any,
) -> None:
    """The spam post's reports, its hiding (by the reports, then kept hidden by the
    township's dispatcher) and its author's ban."""
    reporters = [uid for uid, _v in by_town[s.township_id or 0] if uid != s.author_id][:3]
    flags_to_hide = settings.MINSHENG_SUGGESTION_FLAGS_TO_HIDE
    at = s.created_at
    flags, events = [], []
    for i, uid in enumerate(reporters):
        at = s.created_at + timedelta(hours=2 + 3 * i)
        reason = SPAM_REASONS[i % len(SPAM_REASONS)]
        flags.append(Flag(suggestion=s, reporter_id=uid, reason=reason, created_at=at))
        events.append(
            SuggestionEvent(
                suggestion=s,
                action=SuggestionAction.FLAG,
                actor_id=uid,
                audience=Audience.STAFF,
                note=reason,
                created_at=at,
            )
        )
    Flag.objects.bulk_create(flags)
    moderator = people.admin
    hidden_at = at + timedelta(hours=1)
    if len(flags) >= flags_to_hide:
        events.append(
            SuggestionEvent(
                suggestion=s,
                action=SuggestionAction.HIDE,
                audience=Audience.PUBLIC,
                created_at=at,
                note=f"{len(flags)} 人举报：等待管理员审核，暂时隐藏。",
            )
        )
    reason = "广告信息，冒充政府补贴"
    events.append(
        SuggestionEvent(
            suggestion=s,
            action=SuggestionAction.HIDE,
            actor_id=moderator,
            audience=Audience.PUBLIC,
            created_at=hidden_at,
            note=reason,
        )
    )
    events.append(
        SuggestionEvent(
            suggestion=s,
            action=SuggestionAction.BAN,
            actor_id=moderator,
            audience=Audience.STAFF,
            created_at=hidden_at,
            note="多次发布广告",
        )
    )
    SuggestionEvent.objects.bulk_create(events)
    Suggestion.objects.filter(pk=s.pk).update(
        hidden_at=hidden_at, hidden_by_id=moderator, hidden_reason=reason
    )
    Ban.objects.create(
        user_id=s.author_id, reason="多次发布广告", created_by_id=moderator, created_at=hidden_at
    )


def delete_suggestions(regions: Any, users: Any) -> int:
    """Remove the demo's suggestions and everything hanging off them (demo reset only:
    the events are append-only, hence the raw delete)."""
    ids = list(
        Suggestion.objects.filter(Q(region__in=regions) | Q(author__in=users)).values_list(
            "pk", flat=True
        )
    )
    events = SuggestionEvent.objects.filter(suggestion_id__in=ids)
    events._raw_delete(events.db)
    Support.objects.filter(Q(suggestion_id__in=ids) | Q(user__in=users)).delete()
    Flag.objects.filter(Q(suggestion_id__in=ids) | Q(reporter__in=users)).delete()
    Ban.objects.filter(Q(user__in=users) | Q(created_by__in=users)).delete()
    return Suggestion.objects.filter(pk__in=ids).delete()[0]
