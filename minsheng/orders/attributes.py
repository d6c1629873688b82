"""Validation of the answers to a service's attributes, by type and requiredness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import ServiceAttribute
from minsheng.core.errors import Code, DomainError, ErrorDetail
from minsheng.core.inputs import Invalid, read_datetime, read_number, read_text
from minsheng.orders.errors import OrderCode

MAX_STRING = 200
MAX_TEXT = 4000

Answer = str | float | int | list[str]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | set | dict):
        return all(_blank(v) for v in value)
    return False


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if not _blank(v)]
    return [str(value).strip()]


def figure(number: float) -> str:
    """A bound as people write it: 3, not 3.0; 0.5 stays 0.5."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def check_number_bounds(attr: ServiceAttribute, number: int | float, field: str) -> None:
    """A number question's minimum, maximum and whole-number settings; the message names
    the question, since a form may show it away from its input (a summary, an API)."""
    question = attr.label
    if attr.whole_number and isinstance(number, float) and not number.is_integer():
        raise DomainError.single(
            OrderCode.ATTRIBUTE_NOT_WHOLE,
            _("“%(question)s”: give a whole number.") % {"question": question},
            field,
        )
    if attr.minimum is not None and number < attr.minimum:
        raise DomainError.single(
            OrderCode.ATTRIBUTE_BELOW_MINIMUM,
            _("“%(question)s”: at least %(minimum)s.")
            % {"question": question, "minimum": figure(attr.minimum)},
            field,
        )
    if attr.maximum is not None and number > attr.maximum:
        raise DomainError.single(
            OrderCode.ATTRIBUTE_ABOVE_MAXIMUM,
            _("“%(question)s”: at most %(maximum)s.")
            % {"question": question, "maximum": figure(attr.maximum)},
            field,
        )


def date_bounds(attr: ServiceAttribute, today: date) -> tuple[date | None, date | None]:
    """The first and last day a date question accepts, for an order placed ``today``."""
    earliest = (
        today + timedelta(days=attr.earliest_days) if attr.earliest_days is not None else None
    )
    latest = today + timedelta(days=attr.latest_days) if attr.latest_days is not None else None
    return earliest, latest


def check_date_bounds(attr: ServiceAttribute, moment: datetime, today: date, field: str) -> None:
    """A date question's bounds, by the answer's local day (a time on the last day is in)."""
    earliest, latest = date_bounds(attr, today)
    day = timezone.localtime(moment).date()
    if earliest is not None and day < earliest:
        raise DomainError.single(
            OrderCode.ATTRIBUTE_TOO_EARLY,
            _("“%(question)s”: not before %(date)s.")
            % {"question": attr.label, "date": earliest.isoformat()},
            field,
        )
    if latest is not None and day > latest:
        raise DomainError.single(
            OrderCode.ATTRIBUTE_TOO_LATE,
            _("“%(question)s”: not after %(date)s.")
            % {"question": attr.label, "date": latest.isoformat()},
            field,
        )


def describe_bounds(attr: ServiceAttribute, today: date | None = None) -> str:
    """The bounds in words, for a form's help and a service definition ("" if none)."""
    D = ServiceAttribute.Datatype
    if attr.datatype == D.NUMBER:
        low, high = attr.minimum, attr.maximum
        args = {
            "minimum": figure(low) if low is not None else "",
            "maximum": figure(high) if high is not None else "",
        }
        if low is not None and high is not None:
            text = (
                _("A whole number from %(minimum)s to %(maximum)s.")
                if attr.whole_number
                else _("A number from %(minimum)s to %(maximum)s.")
            )
        elif low is not None:
            text = (
                _("A whole number, at least %(minimum)s.")
                if attr.whole_number
                else _("A number, at least %(minimum)s.")
            )
        elif high is not None:
            text = (
                _("A whole number, at most %(maximum)s.")
                if attr.whole_number
                else _("A number, at most %(maximum)s.")
            )
        else:
            return str(_("A whole number.")) if attr.whole_number else ""
        return str(text % args)
    if attr.datatype == D.DATETIME:
        earliest, latest = date_bounds(attr, today or timezone.localdate())
        if earliest is not None and latest is not None:
            text = _("From %(earliest)s to %(latest)s.")
        elif earliest is not None:
            text = _("Not before %(earliest)s.")
        elif latest is not None:
            text = _("Not after %(latest)s.")
        else:
            return ""
        return str(
            text
            % {
                "earliest": earliest.isoformat() if earliest else "",
                "latest": latest.isoformat() if latest else "",
            }
        )
    return ""


def clean_answer(attr: ServiceAttribute, value: Any, *, today: date | None = None) -> Answer:
    """Return the stored form of one answer or raise DomainError naming the attribute.

    ``today``: the day the order is placed, which date bounds count from (by default the
    local today)."""
    field = f"attribute[{attr.code}]"
    dt = attr.datatype
    D = ServiceAttribute.Datatype
    if not attr.is_list and isinstance(value, list | tuple | dict | set):
        if dt == D.NUMBER:
            raise DomainError.single(OrderCode.ATTRIBUTE_NOT_NUMBER, _("Enter a number."), field)
        if dt == D.DATETIME:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_DATETIME, _("Enter a date and time."), field
            )
        raise DomainError.single(
            OrderCode.ATTRIBUTE_NOT_SINGLE, _("Give one value, not a list."), field
        )
    if dt in (D.STRING, D.TEXT):
        limit = MAX_STRING if dt == D.STRING else MAX_TEXT
        text = value if isinstance(value, str) else str(value)
        try:
            return read_text(text, max_length=limit)
        except Invalid as exc:
            code = OrderCode.ATTRIBUTE_TOO_LONG if exc.code == Code.TOO_LONG else exc.code
            raise DomainError.single(code, exc.message, field) from None
    if dt == D.NUMBER:
        try:
            number = read_number(value)
        except Invalid:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_NUMBER, _("Enter a number."), field
            ) from None
        check_number_bounds(attr, number, field)
        return number
    if dt == D.DATETIME:
        try:
            moment = read_datetime(value if isinstance(value, str) else str(value))
        except Invalid:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_DATETIME,
                _("Enter a date and time such as 2026-05-01T09:30."),
                field,
            ) from None
        check_date_bounds(attr, moment, today or timezone.localdate(), field)
        # Stored in one form: the local time zone, whatever offset it was given in (a
        # naive time is local time).
        return timezone.localtime(moment).isoformat()
    keys = {k for k, _label in attr.choice_pairs()}
    values = _as_list(value)
    unknown = [v for v in values if v not in keys]
    if unknown:
        raise DomainError.single(
            OrderCode.ATTRIBUTE_UNKNOWN_CHOICE,
            _("Not one of the choices: %(values)s.") % {"values": ", ".join(unknown)},
            field,
        )
    if dt == D.SINGLEVALUELIST:
        if len(values) != 1:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_SINGLE, _("Choose exactly one."), field
            )
        return values[0]
    # multivaluelist: keep the order of the choices, without repeats
    chosen = set(values)
    return [k for k, _label in attr.choice_pairs() if k in chosen]


def clean_answers(
    attributes: Iterable[ServiceAttribute], raw: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Answer]:
    """Validate every answer; collect all the errors so a form can show them at once.

    ``today``: the local day the order is placed (date bounds count from it)."""
    attrs = list(attributes)
    known = {a.code for a in attrs}
    errors: list[ErrorDetail] = []
    for key in raw:
        if key not in known:
            errors.append(
                ErrorDetail(
                    OrderCode.ATTRIBUTE_UNKNOWN,
                    _("This service asks no such question."),
                    f"attribute[{key}]",
                )
            )
    cleaned: dict[str, Answer] = {}
    for attr in attrs:
        value = raw.get(attr.code)
        if _blank(value):
            if attr.required:
                errors.append(
                    ErrorDetail(
                        OrderCode.ATTRIBUTE_REQUIRED,
                        _("This answer is required."),
                        f"attribute[{attr.code}]",
                    )
                )
            continue
        try:
            cleaned[attr.code] = clean_answer(attr, value, today=today)
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    return cleaned
