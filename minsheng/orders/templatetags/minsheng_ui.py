"""Small presentation filters for the order pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import get_language, ngettext

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.953 → "95.3%"; nothing rated → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def points(value: float | None) -> str:
    """A composite in [0, 1] as points out of 100; a change keeps its sign."""
    if value is None:
        return "—"
    return f"{value * 100:+.1f}" if value < 0 or value > 0 else "±0.0"


@register.filter
def score(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}"


@register.filter
def km(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} km"


@register.filter
def overdue(deadline: datetime | None) -> bool:
    return deadline is not None and deadline < timezone.now()


@register.filter
def local(value: datetime | None) -> str:
    """A moment in the county's time zone, with no locale surprises: 2026-05-01 09:30."""
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.filter
def month_param(value: object) -> str:
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else ""


@register.filter
def duration(value: timedelta | None) -> str:
    """A time limit in words: "2 hours", "7 days", "1 day 12 hours"."""
    if value is None:
        return "—"
    total = max(0, int(value.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts) or "0"


def list_separator() -> str:
    """Chinese lists use the enumeration comma 、; English ones a comma and a space."""
    return ", " if (get_language() or "").startswith("en") else "、"


@register.filter
def join_names(items: Iterable[object]) -> str:
    return list_separator().join(str(getattr(i, "name", i)) for i in items)
