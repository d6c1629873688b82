"""One reading of each kind of input value, for every interface.

Web forms, REST serializers and filters, Open311 arguments and the services read ids,
numbers, yes/no answers, text, dates and times, months and map points with these
functions, so the same input is accepted or refused the same way wherever it arrives. A
reader returns the typed value or raises :class:`Invalid`, which carries a stable
:class:`~minsheng.core.errors.Code` and a sentence for people; each interface names the
field in its own way (next to a form field, ``{"field": …}`` in the REST API, Open311's
``name: why``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import Code, DomainError, ErrorDetail
from minsheng.core.ids import as_id

# A number as people and JSON write it: ASCII digits, an optional sign, point and exponent.
# (Python's float() also takes "1_000", "ｌ２" in other scripts, "nan" and "infinity".)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d{1,19}", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# A tag-like "<x …>" or "</x>" is markup; a lone "<" ("a < b", "<3") is text.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
# PostgreSQL stores offsets up to ±15:59; none in use reaches 15 hours.
MAX_OFFSET = timedelta(hours=16)
# Orders, answers and filters are about the present: a year outside this is a mistake.
YEARS = (1900, 2999)
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


class Invalid(ValueError):
    """A value that cannot be read as what was asked for."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message

    def detail(self, field: str | None) -> ErrorDetail:
        return ErrorDetail(self.code, self.message, field)

    def error(self, field: str | None) -> DomainError:
        return DomainError(self.detail(field))


def is_blank(value: Any) -> bool:
    """Nothing given: None, or a string of whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


# --- ids and numbers --------------------------------------------------------------------------


def read_id(value: Any) -> int:
    """A row id: a positive whole number a bigint holds (see ``core.ids.as_id``)."""
    pk = as_id(value)
    if pk is None:
        raise Invalid(Code.INVALID, _("This is not an id."))
    return pk


def read_int(value: Any, *, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, from an int or a string of ASCII digits."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        number = None
    if number is None or not low <= number <= high:
        raise Invalid(
            Code.INVALID,
            _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    return number


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Invalid(Code.NOT_NUMBER, _("Enter a number."))
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, str) and not _NUMBER.fullmatch(text):
        raise Invalid(Code.NOT_NUMBER, _("Enter a number."))
    return text


def read_float(value: Any, *, low: float | None = None, high: float | None = None) -> float:
    """A finite number from a JSON number or a numeric string; never true/false."""
    try:
        number = float(_number_text(value))
    except (ValueError, OverflowError):
        raise Invalid(Code.NOT_NUMBER, _("Enter a number.")) from None
    if not math.isfinite(number):
        raise Invalid(Code.NOT_NUMBER, _("Enter a number."))
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid(
            Code.OUT_OF_RANGE,
            _("Enter a number from %(low)s to %(high)s.")
            % {"low": f"{low:g}", "high": f"{high:g}"},
        )
    return number


def read_number(value: Any) -> int | float:
    """A number kept exact where it can be: a whole number as an int (below 2**53), any
    other as a float. For answers, where "3" people must stay 3, not 3.0."""
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise Invalid(Code.NOT_NUMBER, _("Enter a number.")) from None
    if not number.is_finite() or math.isinf(float(number)):
        raise Invalid(Code.NOT_NUMBER, _("Enter a number."))
    if number == number.to_integral_value() and abs(number) < 2**53:
        return int(number)
    return float(number)


# --- yes/no -----------------------------------------------------------------------------------


def read_bool(value: Any) -> bool:
    """Yes or no: JSON true/false, 1/0, or the words true/false, 1/0, yes/no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Invalid(Code.NOT_YES_NO, _("Answer yes or no."))


# --- text -------------------------------------------------------------------------------------


def storable(text: str) -> bool:
    """Whether every database and UTF-8 can hold the text: no NUL, no lone surrogate."""
    return "\x00" not in text and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def has_markup(text: str) -> bool:
    return _MARKUP.search(text) is not None


def read_text(
    value: Any,
    *,
    max_length: int,
    required: bool = False,
    markup: bool = True,
    strip: bool = True,
) -> str:
    """A piece of text: a string (None is empty), trimmed unless told otherwise, at most
    ``max_length`` characters, storable, and without markup when ``markup`` is False."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip() if strip else value
    else:
        raise Invalid(Code.NOT_TEXT, _("Give text."))
    if not storable(text):
        raise Invalid(Code.NOT_TEXT, _("This text holds characters that cannot be stored."))
    if required and not text.strip():
        raise Invalid(Code.REQUIRED, _("This field is required."))
    if len(text) > max_length:
        raise Invalid(Code.TOO_LONG, _("At most %(limit)d characters.") % {"limit": max_length})
    if not markup and has_markup(text):
        raise Invalid(Code.MARKUP, _("Plain text only: no HTML or code."))
    return text


# --- dates and times --------------------------------------------------------------------------


def _checked(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    if offset is not None and abs(offset) >= MAX_OFFSET:
        raise Invalid(Code.NOT_DATETIME, _("A time-zone offset is at most 15:59 hours from UTC."))
    try:
        year = moment.astimezone(UTC).year
    except (OverflowError, ValueError):
        year = 0
    if not YEARS[0] <= year <= YEARS[1]:
        raise Invalid(
            Code.NOT_DATETIME,
            _("Give a date from %(first)d to %(last)d.") % {"first": YEARS[0], "last": YEARS[1]},
        )
    return moment


def read_datetime(value: Any, *, naive: str = "local") -> datetime:
    """A moment: an ISO 8601 date-time, or a date meaning its first instant (local time).

    A date-time without an offset is local time when ``naive`` is ``"local"``, and refused
    when it is ``"refuse"`` (where the standard requires the offset, as Open311 does).
    """
    if isinstance(value, datetime):
        moment: datetime | None = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            # A bare date first: Python's ISO parser would read it as a naive midnight.
            day = parse_date(text) if _DATE.fullmatch(text) else None
            moment = None if day is not None else parse_datetime(text)
        except ValueError:  # well-formed but impossible: 2026-02-30, +25:00
            moment = day = None
        if day is not None:
            # A date is its local midnight; beyond the years read, make_aware would overflow.
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            if YEARS[0] <= day.year <= YEARS[1]:
                moment = timezone.make_aware(datetime.combine(day, time.min))
    else:
        moment = None
    if moment is None:
        raise Invalid(
            Code.NOT_DATETIME,
            _("Give a date (2026-05-01) or an ISO 8601 date-time (2026-05-01T08:00:00+08:00)."),
        )
    if timezone.is_naive(moment):
        if naive != "local":
            raise Invalid(Code.NO_TIME_ZONE, _("Give the time zone (+08:00 or Z)."))
        try:
            moment = timezone.make_aware(moment)
        except (OverflowError, ValueError):
            raise Invalid(Code.NOT_DATETIME, _("This is not a date and time.")) from None
    return _checked(moment)


def read_month(value: Any) -> date:
    """The first day of a month given as YYYY-MM (2000 to 2999)."""
    match = _MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is not None:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2999 and 1 <= month <= 12:
            return date(year, month, 1)
    raise Invalid(Code.NOT_MONTH, _("Give the month as YYYY-MM, for example 2026-05."))


# --- places -----------------------------------------------------------------------------------


def read_point(
    latitude: Any, longitude: Any, *, fields: tuple[str, str] = ("latitude", "longitude")
) -> tuple[float | None, float | None]:
    """An optional map point: both coordinates or neither, each a number in range.

    Raises :class:`DomainError` naming each refused coordinate (``fields`` are the names
    the caller's interface uses).
    """
    errors: list[ErrorDetail] = []
    values: list[float | None] = []
    for raw, name, limit, code, message in (
        (latitude, fields[0], 90.0, Code.LATITUDE_RANGE, _("Latitude is between -90 and 90.")),
        (
            longitude,
            fields[1],
            180.0,
            Code.LONGITUDE_RANGE,
            _("Longitude is between -180 and 180."),
        ),
    ):
        if is_blank(raw):
            values.append(None)
            continue
        try:
            number = read_float(raw)
        except Invalid as exc:
            errors.append(exc.detail(name))
            values.append(None)
            continue
        if not -limit <= number <= limit:
            errors.append(ErrorDetail(code, message, name))
        values.append(number)
    lat_given, long_given = not is_blank(latitude), not is_blank(longitude)
    if lat_given != long_given:
        errors.append(
            ErrorDetail(
                Code.LOCATION_INCOMPLETE,
                _("Give both latitude and longitude, or neither."),
                fields[1] if lat_given else fields[0],
            )
        )
    if errors:
        raise DomainError(errors)
    return values[0], values[1]
