"""A year of the demo county's orders: a simulator that plays each order's life, and a bulk
writer for the result.

Writing ~10,000 orders through the services would take minutes, so each is played in
memory by :class:`Sim`, which takes every step through ``orders.lifecycle`` (the function
the services and the sweep use: the transition table, the deadlines, escalation, rounds)
and only chooses what happens when. Its event rows are the rows ``events.build`` makes,
with the audience the services give a step when nobody chooses one. So the demo's history
is what the services would have written, and a new rule in the lifecycle reaches it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from minsheng.catalog.models import Service, ServiceAttribute
from minsheng.demo.catalog import (
    DEMO_PROVIDER,
    DEMO_SERVICE,
    SeededProvider,
    SeededService,
)
from minsheng.demo.households import fits
from minsheng.demo.needs import need_text
from minsheng.demo.regions import DEMO_TOWNSHIP, TOWNSHIPS, Place, townships_for
from minsheng.demo.users import People, person
from minsheng.orders import lifecycle, policy
from minsheng.orders.models import (
    Action,
    Channel,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.services.steps import limits_of
from minsheng.orders.services.sweep import escalation_note, timeout_note

HISTORY_ORDERS = 10_000  # at scale 1

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


# --- the order simulator ----------------------------------------------------------------------

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # every life is played from here, then moved
SWEEP_LAG = (20, 90)  # seconds after a deadline when the sweep, run every minute, acts on it
_FIRST_SWEEP = timedelta(seconds=SWEEP_LAG[0])


@dataclass
class Step:
    """A step taken: what its event row will say (the time moves with the order)."""

    action: str
    old_status: str
    new_status: str
    at: datetime
    actor_id: int | None
    provider_id: int | None
    round: int
    note: str = ""
    due: datetime | None = None  # for an escalation: the deadline that passed


# The usual answers to the demo's number questions, by question code (else 1 to 4).
TYPICAL_NUMBERS: dict[str, tuple[int, int]] = {
    "wage": (2500, 6000),
    "audience": (30, 300),
    "area": (60, 240),
    "weeks": (6, 38),
    "child_age": (1, 14),
    "rooms": (1, 5),
    "meals_per_day": (1, 3),
    "household": (1, 6),
    "people_inside": (0, 4),
}


class Sim:
    """One order's life. Every step is ``orders.lifecycle``'s (the transition table, the
    deadlines, the fields each step sets), as the services and the sweep would take it; the
    simulator only chooses which step happens when, by whom, and what the notes and
    ratings say."""

    def __init__(self, order: Order, limits: lifecycle.Limits, rng: random.Random) -> None:
        self.o = order  # unsaved: its lifecycle fields are written from ``state`` at the end
        self.limits = limits
        self.rng = rng
        self.steps: list[Step] = []
        self.ratings: list[Rating] = []
        change = lifecycle.submitted(order.created_at, limits)
        self.state = change.state
        self._record(change, actor_id=order.created_by_id)
        self.t = order.created_at  # the last step taken (an escalation is not one)
        # Date answers as (days from the order day, hour): written into the answers from
        # the order's local day whenever the life moves, so a date stays where the question's
        # bounds put it (a start "within 30 days" falls after the order, however it moved).
        self.dated: dict[str, tuple[int, int]] = {}

    def place_dates(self) -> None:
        day = timezone.localdate(self.o.created_at)
        for code, (days, hour) in self.dated.items():
            moment = timezone.make_aware(
                datetime.combine(day + timedelta(days=days), time(hour=hour))
            )
            self.o.answers[code] = moment.isoformat()

    def _record(
        self,
        change: lifecycle.Change,
        *,
        actor_id: int | None,
        note: str = "",
        due: datetime | None = None,
    ) -> None:
        self.state = change.state
        self.steps.append(
            Step(
                action=change.action,
                old_status=change.old_status,
                new_status=change.new_status,
                at=change.at,
                actor_id=actor_id,
                provider_id=change.provider_id,
                round=change.round,
                note=note,
                due=due,
            )
        )

    def _lag(self) -> timedelta:
        return timedelta(seconds=self.rng.randint(*SWEEP_LAG))

    def sweep_until(self, at: datetime) -> None:
        """Escalate the current step if the sweep found it overdue before ``at``."""
        due = self.state.step_deadline
        # Would the sweep escalate this step at all once its deadline passed? Not a
        # dispatched or delivered order, nor a step escalated already.
        if due is None or not lifecycle.overdue(self.state, due + _FIRST_SWEEP):
            return
        seen = due + self._lag()
        if seen < at:
            self._record(lifecycle.escalate(self.state, seen), actor_id=None, due=due)

    def take(
        self,
        action: str,
        at: datetime,
        *,
        actor: int | None = None,
        provider: int | None = None,
        note: str = "",
    ) -> None:
        """Take ``action`` at ``at`` (``provider``: whom a dispatch or grab names), after
        whatever the sweep did meanwhile."""
        self.sweep_until(at)
        state = self.state
        # A dispatched order not taken in time, or a delivered one not rated in time, is the
        # sweep's to move on (``by_sweep``): the simulator must not let one act late.
        if state.status in (Status.DISPATCHED, Status.DELIVERED) and action not in (
            Action.ACCEPT_TIMEOUT,
            Action.AUTO_CLOSE,
        ):
            assert state.step_deadline is not None and at <= state.step_deadline, (action, state)
        change = lifecycle.step(state, action, at, self.limits, provider_id=provider)
        self._record(change, actor_id=actor, note=note)
        self.t = at

    def by_sweep(self, action: str, note: str = "") -> None:
        """The sweep's step on a dispatched or delivered order left past its deadline
        (``accept_timeout``, ``auto_close``)."""
        assert self.state.step_deadline is not None
        self.take(action, self.state.step_deadline + self._lag(), note=note)

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
        """A rating, then the step it makes: solved closes, not solved reopens."""
        state = self.state
        self.ratings.append(
            Rating(
                round=state.round,
                via=via,
                contacted=contacted,
                solved=solved,
                satisfaction=satisfaction,
                comment=comment,
                rated_by_id=actor,
                township_id=self.o.township_id,
                provider_id=state.provider_id,
                created_at=at,
            )
        )
        summary = f"{Satisfaction(satisfaction).label}" + (f": {comment}" if comment else "")
        self.take(Action.RATE if solved else Action.REOPEN, at, actor=actor, note=summary)

    def shift(self, delta: timedelta) -> None:
        """Move the whole life by ``delta`` (it was played from ``EPOCH``).

        The lifecycle counts every deadline from a step's time, so the moved state is the
        one the same steps would reach ``delta`` later (``tests/demo/checks.py`` replays
        each seeded order through the lifecycle to hold this).
        """
        state = self.state
        moved: dict[str, Any] = {
            name: value + delta
            for name in lifecycle.STATE_FIELDS
            if isinstance(value := getattr(state, name), datetime)
        }
        self.state = state._replace(**moved)
        self.o.created_at += delta
        for step in self.steps:
            step.at += delta
            if step.due is not None:
                step.due += delta
        for rating in self.ratings:
            rating.created_at += delta
        self.t += delta
        self.place_dates()

    def order(self) -> Order:
        """The order as the services would have left it."""
        for name in lifecycle.STATE_FIELDS:
            setattr(self.o, name, getattr(self.state, name))
        return self.o


# --- generating orders ------------------------------------------------------------------------


class World:
    """Everything the order generator draws from. It writes nothing: ``write`` does."""

    def __init__(
        self,
        rng: random.Random,
        services: list[SeededService],
        providers: list[SeededProvider],
        places: list[Place],
        people: People,
    ) -> None:
        self.rng = rng
        self.people = people
        self.providers = providers
        self.demo_village_pk = 0  # set once the demo village is chosen
        self.town_quality = {t[0]: rng.uniform(0.74, 0.98) for t in TOWNSHIPS}
        self._eligible: dict[tuple[int, str], list[SeededProvider]] = {}
        self.ordered = 0  # orders made so far: each draws its need text by its number
        self.services = [s for s in services if s.spec.published and s.spec.weight > 0]
        for s in self.services:
            keys = townships_for(s.spec.offered)
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

    def eligible(self, place: Place, category: str) -> list[SeededProvider]:
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

    def pick_provider(
        self, place: Place, svc: SeededService, exclude: list[int]
    ) -> SeededProvider | None:
        choices = [p for p in self.eligible(place, svc.spec.category) if p.obj.pk not in exclude]
        if not choices:
            return None
        # Local teams first: a township's own provider is the natural choice.
        weights = [3.0 if p.towns != ["county"] else 1.0 for p in choices]
        return self.rng.choices(choices, weights=weights)[0]

    def new_order(
        self, svc: SeededService, place: Place, *, resident: tuple[int, str, str] | None = None
    ) -> tuple[Sim, int]:
        """An unsaved order at EPOCH with its submitter; returns the simulator and actor."""
        rng = self.rng
        self.ordered += 1
        # Only residents whose household the service fits order it, or have it ordered for
        # them (``demo.households``); for the others a grid worker orders for a neighbour.
        households = self.people.households
        residents = [
            r
            for r in self.people.residents.get(place.region.pk, [])
            if fits(svc.spec.code, households[r[0]])
        ]
        roll = rng.random()
        if resident is not None:
            assert fits(svc.spec.code, households[resident[0]]), (svc.spec.code, resident)
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
            name, phone = person(rng)
            contact: tuple[int | None, str, str] = (None, name, phone)
        else:
            contact = resident
        order = Order(
            service_id=svc.obj.pk,
            area_id=svc.area_id,
            category_id=svc.category_id,
            urgency_id=svc.urgency_id,
            description=need_text(svc.spec.code, self.ordered, rng.choice(DESCRIPTIONS)),
            answers={},
            region_id=place.region.pk,
            township_id=place.township.pk,
            **place.spot(rng.uniform(-0.006, 0.006), rng.uniform(-0.006, 0.006)),
            address=f"{place.region.name_zh}{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
            resident_id=contact[0],
            # Every order carries whom to call: a resident's own from her profile.
            contact_name=contact[1],
            contact_phone=contact[2],
            created_by_id=actor,
            channel=channel,
            created_at=EPOCH,
        )
        # The order's time limits as the services read them (``order_submit`` does the same).
        sim = Sim(order, limits_of(order), rng)
        order.answers, sim.dated = self.answers(svc)
        sim.place_dates()
        return sim, actor

    def answers(self, svc: SeededService) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
        """Answers within each question's bounds; date answers as (days from the order
        day, hour), placed on the order's day by ``Sim.place_dates``."""
        rng = self.rng
        out: dict[str, Any] = {}
        dated: dict[str, tuple[int, int]] = {}
        for a in svc.attributes:
            if not a.required and rng.random() < 0.4:
                continue
            keys = [c["key"] for c in a.choices]
            if a.datatype == ServiceAttribute.Datatype.NUMBER:
                out[a.code] = self.number(a)
            elif a.datatype == ServiceAttribute.Datatype.DATETIME:
                first = a.earliest_days if a.earliest_days is not None else 0
                last = a.latest_days if a.latest_days is not None else first + 60
                # A wanted date mostly soon after the order; a date of birth anywhere back.
                last = last if first < 0 else min(last, first + 21)
                dated[a.code] = (rng.randint(first, last), rng.choice([9, 10, 14, 15]))
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
        return out, dated

    def number(self, a: ServiceAttribute) -> int:
        """A plausible answer within the question's bounds: the usual range of its kind
        (a wage in thousands, an audience in tens), else a small count."""
        usual = TYPICAL_NUMBERS.get(a.code, (1, 4))
        low = max(usual[0], int(a.minimum)) if a.minimum is not None else usual[0]
        high = min(usual[1], int(a.maximum)) if a.maximum is not None else usual[1]
        return self.rng.randint(low, max(low, high))

    # -- one round of service: dispatch (or grab) up to delivery --------------------------------

    def serve(
        self,
        sim: Sim,
        svc: SeededService,
        place: Place,
        *,
        quality: float,
        round_start: datetime,
        stop: str | None = None,
        provider: SeededProvider | None = None,
        cancel_stage: str | None = None,
    ) -> SeededProvider | None:
        """From the dispatch queue (approved or reopened) to delivered.

        Returns the provider who holds the order, or None if it was cancelled on the way.
        ``stop`` ends early once the order is in that status; ``cancel_stage`` cancels
        there instead.
        """
        rng, u = self.rng, sim.limits
        dispatcher = self.people.dispatcher[place.key]
        canceller = sim.o.resident_id or dispatcher
        mode = svc.spec.dispatch
        chosen = provider or self.pick_provider(place, svc, [])
        assert chosen is not None
        if mode == Service.DispatchMode.GRAB:
            late = rng.random() < 0.04
            wait = u.review * (rng.uniform(1.05, 1.6) if late else self.beta(1.2, 5))
            wait = max(wait, timedelta(minutes=1))
            if cancel_stage == Status.APPROVED:
                sim.take(
                    Action.CANCEL, sim.t + wait, actor=canceller, note=rng.choice(CANCEL_REASONS)
                )
                return None
            sim.take(Action.GRAB, sim.t + wait, actor=chosen.staff[0], provider=chosen.obj.pk)
        else:
            if cancel_stage == Status.APPROVED:
                wait = u.review * self.beta(1.2, 4)
                sim.take(
                    Action.CANCEL, sim.t + wait, actor=canceller, note=rng.choice(CANCEL_REASONS)
                )
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
                    sim.take(Action.DECLINE, at, actor=chosen.staff[0], note=note)
                    declined.append(chosen.obj.pk)
                    self._dispatch(sim, svc, dispatcher, other, quality)
                elif roll < p_decline + p_timeout:
                    sim.by_sweep(Action.ACCEPT_TIMEOUT, timeout_note())
                    declined.append(chosen.obj.pk)
                    self._dispatch(sim, svc, dispatcher, other, quality)
                elif roll < p_decline + p_timeout + p_change:
                    at = sim.t + u.accept * rng.uniform(0.05, 0.5)
                    sim.take(Action.REDISPATCH, at, actor=dispatcher, provider=other.obj.pk)
                else:
                    break
                chosen = other
            if stop == Status.DISPATCHED:
                return chosen
            if cancel_stage == Status.DISPATCHED:
                at = sim.t + u.accept * rng.uniform(0.05, 0.6)
                sim.take(Action.CANCEL, at, actor=canceller, note=rng.choice(CANCEL_REASONS))
                return None
            at = sim.t + u.accept * min(0.95, 0.02 + self.beta(1.2, 4))
            sim.take(Action.ACCEPT, at, actor=chosen.staff[0])
        staff = chosen.staff[0]
        if stop == Status.ACCEPTED:
            return chosen
        step = min(u.resolve * 0.1, u.accept)
        if cancel_stage == Status.ACCEPTED:
            at = sim.t + step * self.beta(1.5, 3)
            sim.take(Action.CANCEL, at, actor=canceller, note=rng.choice(CANCEL_REASONS))
            return None
        sim.take(Action.START, sim.t + step * self.beta(1.5, 3), actor=staff)
        if stop == Status.IN_SERVICE:
            return chosen
        late = rng.random() < 0.04 + 0.2 * (1 - (quality + chosen.quality) / 2)
        share = rng.uniform(1.03, 1.5) if late else 0.1 + 0.85 * self.beta(2, 2.5)
        target = round_start + u.resolve * share
        at = max(target, sim.t + timedelta(minutes=5))
        sim.take(Action.DELIVER, at, actor=staff, note=rng.choice(DELIVER_NOTES))
        return chosen

    def _dispatch(
        self,
        sim: Sim,
        svc: SeededService,
        dispatcher: int,
        provider: SeededProvider,
        quality: float,
    ) -> None:
        """Auto-dispatch at once (no actor), or a dispatcher after a while."""
        if svc.spec.dispatch == Service.DispatchMode.AUTO:
            sim.take(Action.DISPATCH, sim.t, provider=provider.obj.pk)
            return
        late = self.rng.random() < 0.03 + 0.08 * (1 - quality)
        wait = sim.limits.review * (self.rng.uniform(1.05, 1.6) if late else self.beta(1.2, 5))
        at = sim.t + max(wait, timedelta(minutes=1))
        sim.take(Action.DISPATCH, at, actor=dispatcher, provider=provider.obj.pk)

    def rate(self, sim: Sim, place: Place, quality: float, *, solved: bool) -> None:
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
        delivered = sim.state.delivered_at
        late = delivered is not None and delivered > sim.state.resolve_deadline
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

    def history(self, svc: SeededService, place: Place) -> Sim:
        rng = self.rng
        sim, _actor = self.new_order(svc, place)
        o, u = sim.o, sim.limits
        dispatcher = self.people.dispatcher[place.key]
        if rng.random() < 0.1:
            dispatcher = self.people.admin  # the county office helps with reviews
        tq = self.town_quality[place.key]
        late = rng.random() < 0.03 + 0.1 * (1 - tq)
        review = u.review * (rng.uniform(1.05, 1.8) if late else self.beta(1.3, 4))
        review = max(review, timedelta(minutes=2))
        roll = rng.random()
        if roll < 0.04:
            reason = rng.choice(REJECT_REASONS)
            sim.take(Action.REJECT, sim.t + review, actor=dispatcher, note=reason)
            return sim
        if roll < 0.055:
            reason = rng.choice(CANCEL_REASONS)
            sim.take(
                Action.CANCEL, sim.t + review * 0.5, actor=o.resident_id or dispatcher, note=reason
            )
            return sim
        cancel_stage = None
        if roll < 0.085:
            cancel_stage = rng.choice([Status.APPROVED, Status.DISPATCHED, Status.ACCEPTED])
        sim.take(Action.APPROVE, sim.t + review, actor=dispatcher)
        chosen = self.serve(
            sim, svc, place, quality=tq, round_start=o.created_at, cancel_stage=cancel_stage
        )
        if chosen is None:
            return sim
        quality = (tq + chosen.quality) / 2
        if rng.random() < 0.08:
            sim.by_sweep(Action.AUTO_CLOSE)
            return sim
        if rng.random() < 0.02 + 0.12 * (1 - quality):
            self.rate(sim, place, quality, solved=False)
            chosen = self.serve(sim, svc, place, quality=tq, round_start=sim.t)
            assert chosen is not None
            if rng.random() < 0.05:
                sim.by_sweep(Action.AUTO_CLOSE)
                return sim
        self.rate(sim, place, quality, solved=True)
        return sim


def _created_at(rng: random.Random, day: datetime) -> datetime:
    """A time in the year before ``day``, busier lately (adoption grows), in office-ish hours."""
    u = rng.random()
    x = (-1 + math.sqrt(1 + 8 * u)) / 2  # density ∝ 0.5 + x on [0, 1)
    date = day - timedelta(days=365) + timedelta(days=int(x * 365))
    return date + timedelta(hours=rng.triangular(7, 21, 10))


def build_history(world: World, n: int, day: datetime) -> list[Sim]:
    """``n`` orders of the year before ``day``, each finished by ten minutes before it."""
    rng = world.rng
    sims: list[Sim] = []
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
    world: World,
    svc: SeededService,
    place: Place,
    status: str,
    now: datetime,
    *,
    overdue: bool,
    resident: tuple[int, str, str] | None = None,
    provider: SeededProvider | None = None,
) -> Sim:
    """An order that is in ``status`` right now; overdue ones have been escalated."""
    rng = world.rng
    sim, _actor = world.new_order(svc, place, resident=resident)
    u = sim.limits
    tq = world.town_quality[place.key]
    dispatcher = world.people.dispatcher[place.key]
    if status == Status.SUBMITTED:
        span = u.review * (rng.uniform(1.2, 3) if overdue else rng.uniform(0.05, 0.8))
        return _settle(sim, now, span)
    at = sim.t + u.review * world.beta(1.3, 4) + timedelta(minutes=2)
    sim.take(Action.APPROVE, at, actor=dispatcher)
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
        assert chosen is not None and sim.state.status == status, (sim.state, status)
        if status == Status.DISPATCHED:
            span = u.accept * rng.uniform(0.05, 0.7)
        elif status == Status.DELIVERED:
            span = timedelta(hours=rng.uniform(1, 24 * 5))
        elif overdue:
            span = (sim.state.resolve_deadline - sim.t) + u.resolve * rng.uniform(0.05, 0.3)
        else:
            left = sim.state.resolve_deadline - sim.t
            span = max(left, timedelta(0)) * rng.uniform(0.05, 0.6)
    return _settle(sim, now, span)


def _settle(sim: Sim, now: datetime, span: timedelta) -> Sim:
    """Place the order so its last step happened ``span`` ago; the sweep has run since."""
    sim.shift(now - span - sim.t)
    sim.sweep_until(now)
    return sim


def build_open(world: World, now: datetime, scale: float, demo: Place) -> list[Sim]:
    """The orders open ``now``, in every open status, some overdue; the first few are the
    demo logins' work."""
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


def event_row(order_id: int, step: Step) -> dict[str, Any]:
    """The event the services would have written for ``step``: the row ``events.build``
    makes, column by column (``tests/demo`` holds the two equal), without the model
    instance, which for ~70,000 events would cost a good part of the seeding time."""
    note = step.note if step.due is None else escalation_note(step.due)
    return {
        "order_id": order_id,
        "action": step.action,
        "old_status": step.old_status,
        "new_status": step.new_status,
        "actor_id": step.actor_id,
        "provider_id": step.provider_id,
        "note": note,
        # Nobody chose who reads these notes: what the services write when nobody does.
        "audience": policy.default_audience(step.action),
        "round": step.round,
        "created_at": step.at,
    }


def _insert_events(rows: list[dict[str, Any]]) -> None:
    """Append history rows with multi-row INSERTs: ~70,000 events through ``bulk_create``
    would take most of the seeding time, spent preparing values that need no preparation.

    Every column of ``OrderEvent`` is written (a row without one is a ``KeyError``):
    datetimes adapted for the backend, plain text and integer columns as they are, and a
    column of any other kind through its field's own preparation.
    """
    ops = connection.ops
    fields = [f for f in OrderEvent._meta.concrete_fields if not f.primary_key]
    plain = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
    prepare: list[Callable[[Any], Any] | None] = [
        ops.adapt_datetimefield_value
        if isinstance(f, models.DateTimeField)
        else None
        if isinstance(f, plain)
        else partial(f.get_db_prep_save, connection=connection)
        for f in fields
    ]
    names = [f.attname for f in fields]
    table = ops.quote_name(OrderEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(cast(str, f.column)) for f in fields)  # concrete: has one
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per = 900  # at most 9,000 parameters a statement: under SQLite's and PostgreSQL's limits
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            params = [
                value if how is None else how(value)
                for r in batch
                for how, value in zip(prepare, [r[name] for name in names], strict=True)
            ]
            values = ", ".join([row] * len(batch))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 - no input
            cursor.execute(sql, params)


def write(sims: list[Sim]) -> tuple[int, int, int]:
    """Write the simulated orders, their events and ratings; return how many of each."""
    sims.sort(key=lambda s: s.o.created_at)
    orders = [s.order() for s in sims]
    Order.objects.bulk_create(orders, batch_size=1000)
    rows: list[dict[str, Any]] = []
    ratings: list[Rating] = []
    for s in sims:
        rows.extend(event_row(s.o.pk, step) for step in s.steps)
        for r in s.ratings:
            r.order_id = s.o.pk
            ratings.append(r)
    _insert_events(rows)
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(orders), len(rows), len(ratings)
