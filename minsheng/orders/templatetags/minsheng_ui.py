"""Small presentation filters for the order pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from minsheng.core.durations import natural_duration

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
    """A time limit in words: "2 hours", "7 days", "1 day, 12 hours" (1天12小时)."""
    if value is None:
        return "—"
    return natural_duration(value.total_seconds())


@register.filter
def since(value: datetime | None) -> str:
    """The time since ``value`` in words ("5 hours, 35 minutes", 5小时35分钟): Django's
    ``timesince`` writes "5 小时，35 分钟" in Chinese."""
    if value is None:
        return "—"
    return natural_duration((timezone.now() - value).total_seconds())


def list_separator() -> str:
    """Chinese lists use the enumeration comma 、; English ones a comma and a space."""
    return ", " if (get_language() or "").startswith("en") else "、"


@register.filter
def join_names(items: Iterable[object]) -> str:
    return list_separator().join(str(getattr(i, "name", i)) for i in items)


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """The languages of the switch, each named in its own language: Django's
    ``get_available_languages`` passes the names through gettext, which makes "English"
    英语 on a Chinese page."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
