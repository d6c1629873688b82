"""Opening hours, as the register keeps them: a list of ``{"days": [0-6, Monday = 0],
"opens": "HH:MM", "closes": "HH:MM"}`` periods. Pure, no Django: the register checks and
shows them, the idleness compares them with when residents ask.

A period closing at or before it opens runs past midnight is not supported: ``closes`` must
be later than ``opens`` (``check`` refuses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

Period = dict[str, Any]


def _time(text: object) -> time:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    hour, minute = int(text[:2]), int(text[3:])
    return time(hour, minute)


def check(hours: object) -> list[str]:
    """What is wrong with ``hours`` (empty: nothing), one sentence per fault."""
    if not isinstance(hours, list):
        return ["opening hours are a list of periods"]
    faults: list[str] = []
    for i, period in enumerate(hours, start=1):
        if not isinstance(period, dict):
            faults.append(f"period {i} is not a period")
            continue
        days = period.get("days")
        if (
            not isinstance(days, list)
            or not days
            or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days)
        ):
            faults.append(f"period {i}: days are numbers 0 (Monday) to 6 (Sunday)")
        try:
            opens, closes = _time(period.get("opens")), _time(period.get("closes"))
        except ValueError:
            faults.append(f"period {i}: times are HH:MM")
            continue
        if closes <= opens:
            faults.append(f"period {i}: closes before it opens")
    return faults


def open_at(hours: Sequence[Period], weekday: int, at: time) -> bool:
    """Whether a facility with ``hours`` is open on ``weekday`` (Monday 0) at ``at``
    (opening time included, closing time excluded)."""
    for period in hours:
        if weekday in period["days"] and _time(period["opens"]) <= at < _time(period["closes"]):
            return True
    return False


def weekly_open_hours(hours: Sequence[Period]) -> float:
    """Hours open in a week (overlapping periods on one day are counted once)."""
    total = 0
    for day in range(7):
        minutes: set[int] = set()
        for period in hours:
            if day in period["days"]:
                o, c = _time(period["opens"]), _time(period["closes"])
                minutes.update(range(o.hour * 60 + o.minute, c.hour * 60 + c.minute))
        total += len(minutes)
    return total / 60
