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


# --- the text form (the import's ``hours`` column and the register form) -----------------------

DAY_NAMES = ("1", "2", "3", "4", "5", "6", "7")  # as people write them: Monday is 1


def _day(text: str) -> int:
    if len(text) != 1 or text not in DAY_NAMES:
        raise ValueError(f"not a day (1 Monday to 7 Sunday): {text!r}")
    return int(text) - 1


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            first, _sep, last = part.partition("-")
            a, b = _day(first.strip()), _day(last.strip())
            if b < a:
                raise ValueError(f"days run backwards: {part!r}")
            days.extend(range(a, b + 1))
        else:
            days.append(_day(part))
    return sorted(set(days))


def parse(text: str) -> list[Period]:
    """Opening hours from their text form: periods separated by ``;``, each days then times,
    ``"1-5 09:00-17:00; 6-7 09:00-12:00"`` (days 1 Monday to 7 Sunday, ranges with ``-``,
    lists with ``,``). Empty text: no hours. Raises ``ValueError`` naming the first fault;
    what it returns passes ``check``."""
    periods: list[Period] = []
    for i, chunk in enumerate(p.strip() for p in text.replace("；", ";").split(";")):
        if not chunk:
            continue
        pieces = chunk.split()
        if len(pieces) != 2:
            raise ValueError(f"period {i + 1}: days, a space, then HH:MM-HH:MM: {chunk!r}")
        days_text, times = pieces
        opens, sep, closes = times.partition("-")
        if not sep:
            raise ValueError(f"period {i + 1}: times are HH:MM-HH:MM: {times!r}")
        try:
            days = _days(days_text)
            _time(opens)
            _time(closes)
        except ValueError as exc:
            raise ValueError(f"period {i + 1}: {exc}") from None
        periods.append({"days": days, "opens": opens, "closes": closes})
    faults = check(periods)
    if faults:
        raise ValueError(faults[0])
    return periods


def _days_text(days: Sequence[int]) -> str:
    """Monday-first day numbers as text, runs of three or more as ranges: ``1-5,7``."""
    out: list[str] = []
    run: list[int] = []
    for day in sorted(set(days)):
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if run:
            out.append(_run_text(run))
        run = [day]
    if run:
        out.append(_run_text(run))
    return ",".join(out)


def _run_text(run: list[int]) -> str:
    if len(run) >= 2:
        return f"{run[0] + 1}-{run[-1] + 1}"
    return str(run[0] + 1)


def format(hours: Sequence[Period]) -> str:
    """The text form of ``hours`` (``parse(format(h)) == h`` for hours ``check`` accepts)."""
    return "; ".join(f"{_days_text(p['days'])} {p['opens']}-{p['closes']}" for p in hours)
