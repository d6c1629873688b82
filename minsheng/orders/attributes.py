"""Validation of the answers to a service's attributes, by type and requiredness."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import ServiceAttribute
from minsheng.core.errors import DomainError, ErrorDetail

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


def clean_answer(attr: ServiceAttribute, value: Any) -> Answer:
    """Return the stored form of one answer or raise DomainError naming the attribute."""
    field = f"attribute[{attr.code}]"
    dt = attr.datatype
    D = ServiceAttribute.Datatype
    if dt in (D.STRING, D.TEXT):
        if isinstance(value, list | tuple | dict | set):
            raise DomainError.single(
                "attribute_not_single", _("Give one value, not a list."), field
            )
        text = str(value).strip()
        limit = MAX_STRING if dt == D.STRING else MAX_TEXT
        if len(text) > limit:
            raise DomainError.single(
                "attribute_too_long",
                _("At most %(limit)d characters.") % {"limit": limit},
                field,
            )
        return text
    if dt == D.NUMBER:
        if isinstance(value, bool | list | tuple | dict | set):
            raise DomainError.single("attribute_not_number", _("Enter a number."), field)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise DomainError.single("attribute_not_number", _("Enter a number."), field) from None
        if not number.is_finite():
            raise DomainError.single("attribute_not_number", _("Enter a number."), field)
        as_float = float(number)
        if math.isinf(as_float):
            raise DomainError.single("attribute_not_number", _("Enter a number."), field)
        return (
            int(number)
            if number == number.to_integral_value() and abs(number) < 2**53
            else as_float
        )
    if dt == D.DATETIME:
        if isinstance(value, list | tuple | dict | set):
            raise DomainError.single("attribute_not_datetime", _("Enter a date and time."), field)
        raw = str(value).strip()
        try:
            parsed = parse_datetime(raw)
            if parsed is None:
                day = parse_date(raw)
                if day is not None:
                    from datetime import datetime, time

                    parsed = datetime.combine(day, time(0, 0))
        except ValueError:
            parsed = None
        if parsed is None:
            raise DomainError.single(
                "attribute_not_datetime",
                _("Enter a date and time such as 2026-05-01T09:30."),
                field,
            )
        # Stored in one form: the local time zone, whatever offset it was given in
        # (a naive time is local time).
        try:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            parsed = timezone.localtime(parsed)
        except (OverflowError, ValueError):
            raise DomainError.single(
                "attribute_not_datetime", _("Enter a date and time."), field
            ) from None
        return parsed.isoformat()
    keys = {k for k, _label in attr.choice_pairs()}
    values = _as_list(value)
    unknown = [v for v in values if v not in keys]
    if unknown:
        raise DomainError.single(
            "attribute_unknown_choice",
            _("Not one of the choices: %(values)s.") % {"values": ", ".join(unknown)},
            field,
        )
    if dt == D.SINGLEVALUELIST:
        if len(values) != 1:
            raise DomainError.single("attribute_not_single", _("Choose exactly one."), field)
        return values[0]
    # multivaluelist: keep the order of the choices, without repeats
    chosen = set(values)
    return [k for k, _label in attr.choice_pairs() if k in chosen]


def clean_answers(
    attributes: Iterable[ServiceAttribute], raw: Mapping[str, Any]
) -> dict[str, Answer]:
    """Validate every answer; collect all the errors so a form can show them at once."""
    attrs = list(attributes)
    known = {a.code for a in attrs}
    errors: list[ErrorDetail] = []
    for key in raw:
        if key not in known:
            errors.append(
                ErrorDetail(
                    "attribute_unknown",
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
                        "attribute_required",
                        _("This answer is required."),
                        f"attribute[{attr.code}]",
                    )
                )
            continue
        try:
            cleaned[attr.code] = clean_answer(attr, value)
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    return cleaned
