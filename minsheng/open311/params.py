"""Reading GeoReport v2 arguments: every odd input becomes a :class:`Problem`, never a crash.

The spec treats an empty optional argument as a missing one. A single-valued argument
given twice with different values is refused rather than guessed at; list arguments
(``service_code``, ``status``, ``service_request_id``) may be comma-separated or repeated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, QueryDict

from minsheng.core.inputs import Invalid, read_bool, read_datetime, read_float, read_int
from minsheng.open311.render import Problem, shown

# attribute[code] or attribute[code][]: codes are slugs (ServiceAttribute.code).
ATTRIBUTE_KEY = re.compile(r"^attribute\[([A-Za-z0-9_-]+)\](\[\])?$")
_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
)


@dataclass
class Params:
    """The arguments of one call and the problems found reading them."""

    data: QueryDict
    problems: list[Problem] = field(default_factory=list)

    def bad(self, name: str, why: str, code: int = 400) -> None:
        self.problems.append(Problem(code, f"{name}: {why}"))

    def values(self, name: str) -> list[str]:
        return [v.strip() for v in self.data.getlist(name) if v.strip()]

    def text(self, name: str, *, limit: int | None = None) -> str | None:
        """One value, or None when missing or empty."""
        values = self.values(name)
        if not values:
            return None
        if len(set(values)) > 1:
            self.bad(name, "given more than once with different values")
            return None
        value = values[0]
        if limit is not None and len(value) > limit:
            self.bad(name, f"at most {limit} characters (got {len(value)})")
            return None
        return value

    def listed(self, name: str) -> list[str] | None:
        """A comma-separated (or repeated) list, without blanks; None when missing."""
        values = self.values(name)
        if not values:
            return None
        items = [item.strip() for value in values for item in value.split(",")]
        return [item for item in dict.fromkeys(items) if item]

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return read_int(value, low=low, high=high)
        except Invalid:
            self.bad(name, f"a whole number from {low} to {high}, not {shown(value)}")
            return None

    def boolean(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return read_bool(value)
        except Invalid:
            self.bad(name, f"true or false, not {shown(value)}")
            return None

    def number(self, name: str, *, low: float, high: float) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return read_float(value, low=low, high=high)
        except Invalid:
            self.bad(name, f"a number from {low:g} to {high:g}, not {shown(value)}")
            return None

    def when(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        parsed = parse_w3c(value)
        if parsed is None:
            self.bad(
                name,
                f"a W3C date or datetime with a time zone such as 2010-01-01T00:00:00Z, "
                f"not {shown(value)}",
            )
        return parsed

    def choice(self, name: str, allowed: Callable[[str], bool], what: str) -> list[str] | None:
        items = self.listed(name)
        if items is None:
            return None
        wrong = [item for item in items if not allowed(item)]
        for item in wrong:
            self.bad(name, f"{shown(item)} is not {what}")
        return None if wrong else items


def parse_w3c(value: str) -> datetime | None:
    """A date (local midnight) or a datetime with a time zone (W3C-DTF); else None.

    The syntax is the specification's; the reading is ``core.inputs.read_datetime``'s (an
    offset no time zone has, a year out of range are refused there).
    """
    if not (_W3C_DATETIME.match(value) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return None
    try:
        return read_datetime(value, naive="refuse")
    except Invalid:
        return None


def not_utf8(request: HttpRequest, data: QueryDict) -> str | None:
    """The first argument (of the query string or the form body) whose bytes are not UTF-8.

    Django decodes arguments with replacement characters, which would be stored as given:
    the raw bytes are read again strictly. A multipart value holding U+FFFD that the body
    does not hold encoded (EF BF BD) came from bytes that were not UTF-8.
    """
    raw_parts = [request.META.get("QUERY_STRING", "").encode("latin-1", "replace")]
    body = request.body if request.method == "POST" else b""
    if request.content_type == "application/x-www-form-urlencoded":
        raw_parts.append(body)
    for raw in raw_parts:
        for pair in raw.split(b"&"):
            name, _sep, value = pair.partition(b"=")
            for part in (name, value):
                try:
                    unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
                except UnicodeDecodeError:
                    return shown(unquote_to_bytes(name).decode("utf-8", "replace"))
    if request.content_type == "multipart/form-data" and b"\xef\xbf\xbd" not in body:
        for key, values in data.lists():
            if "\ufffd" in key or any("\ufffd" in v for v in values):
                return shown(key)
    return None


def contains_nul(data: QueryDict) -> str | None:
    """The first argument whose name or value holds a NUL (no database column stores one)."""
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    return None


def attributes(data: QueryDict, problems: list[Problem]) -> dict[str, Any]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2``."""
    answers: dict[str, Any] = {}
    for key, values in data.lists():
        if not key.startswith("attribute"):
            continue
        match = ATTRIBUTE_KEY.match(key)
        if match is None:
            problems.append(
                Problem(
                    400,
                    f"{shown(key)}: not an attribute argument; use attribute[code] or, "
                    f"for several values, attribute[code][]",
                )
            )
            continue
        code, many = match.group(1), match.group(2) is not None
        if code in answers:
            problems.append(
                Problem(400, f"attribute[{code}]: given both as attribute[{code}] and [{code}][]")
            )
            continue
        if many:
            answers[code] = [v for v in values if v.strip()]
        else:
            answers[code] = values[0] if len(values) == 1 else values
    return answers


def window(
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    *,
    names: tuple[str, str] = ("start_date", "end_date"),
    days: int = 90,
) -> tuple[datetime, datetime] | Problem:
    """The spec's date range: at most ``days`` long, the latest ``days`` when not given."""
    span = timedelta(days=days)
    if start is None and end is None:
        return now - span, now
    if start is None:
        assert end is not None
        return end - span, end
    if end is None:
        return start, start + span
    if end < start:
        return Problem(400, f"{names[1]}: before {names[0]}")
    if end - start > span:
        return Problem(
            400, f"{names[1]}: the range from {names[0]} may not span more than {days} days"
        )
    return start, end
