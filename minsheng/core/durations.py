"""Lengths of time in words, as people say them in each language (pure but for gettext)."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext


def natural_duration(seconds: float, *, depth: int = 2) -> str:
    """A length of time as people say it, in its largest ``depth`` units (days, hours,
    minutes) without a gap: Chinese runs them together ("5小时35分钟", "1天12小时"),
    English separates them with commas ("5 hours, 35 minutes"). Under a minute: 0 minutes.
    """
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    units = [
        (days, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
        (hours, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
        (minutes, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    ]
    first = next((i for i, (n, _word) in enumerate(units) if n), len(units) - 1)
    parts: list[str] = []
    for n, word in units[first : first + depth]:
        if not n and parts:
            break  # "1 day", not "1 day, 0 hours"
        parts.append(word(n) % {"n": n})
    english = (get_language() or "").startswith("en")
    return (", " if english else "").join(parts)
