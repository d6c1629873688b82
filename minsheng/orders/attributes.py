"""Validation of the answers to a service's attributes, by type and requiredness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def clean_answer(attr: ServiceAttribute, value: Any) -> Answer:
    """Return the stored form of one answer or raise DomainError naming the attribute."""
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
            return read_number(value)
        except Invalid:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_NUMBER, _("Enter a number."), field
            ) from None
    if dt == D.DATETIME:
        try:
            moment = read_datetime(value if isinstance(value, str) else str(value))
        except Invalid:
            raise DomainError.single(
                OrderCode.ATTRIBUTE_NOT_DATETIME,
                _("Enter a date and time such as 2026-05-01T09:30."),
                field,
            ) from None
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
            cleaned[attr.code] = clean_answer(attr, value)
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    return cleaned
