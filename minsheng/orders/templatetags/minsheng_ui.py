"""Small presentation filters for the order pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


_ASSETS = Path(__file__).resolve().parents[2] / "static"


@lru_cache(maxsize=8)
def _asset_tag(path: str) -> str:
    # minsheng/static/ is only served once settings list it in STATICFILES_DIRS; until then
    # the asset is inlined so pages are never unstyled.
    is_css = path.endswith(".css")
    if finders.find(path):
        if is_css:
            return format_html('<link rel="stylesheet" href="{}">', static(path))
        return format_html('<script src="{}" defer></script>', static(path))
    try:
        text = (_ASSETS / path).read_text(encoding="utf-8")
    except OSError:
        return ""
    # Our own files, never user input.
    if is_css:
        return format_html("<style>{}</style>", mark_safe(text))  # noqa: S308
    return format_html("<script>{}</script>", mark_safe(text))  # noqa: S308


@register.simple_tag
def stylesheet() -> str:
    return _asset_tag("minsheng/minsheng.css")


@register.simple_tag
def script() -> str:
    return _asset_tag("minsheng/minsheng.js")


def list_separator() -> str:
    """Chinese lists use the enumeration comma 、; English ones a comma and a space."""
    return ", " if (get_language() or "").startswith("en") else "、"


@register.filter
def join_names(items: Iterable[object]) -> str:
    return list_separator().join(str(getattr(i, "name", i)) for i in items)
