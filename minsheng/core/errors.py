"""Domain errors with stable codes.

Services raise :class:`DomainError`; each adapter (web form, REST, Open311, command) words
it in its own way. ``code`` is stable and machine-readable; ``field`` names the input that
was refused (``None`` when the refusal is about the object as a whole); ``message`` is a
lazily translated sentence for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from django.utils.functional import Promise


class Code(StrEnum):
    """Codes every app's refusals share: reading input, and who may act at all.

    An app's own refusals have their own enumeration (``orders.errors.OrderCode``); both are
    strings, so an interface passes them on as they are or maps them to its own wording
    (Open311 names the argument) by member, never by matching text.
    """

    # reading input (minsheng.core.inputs)
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    NOT_TEXT = "not_text"
    MARKUP = "markup"
    NOT_NUMBER = "not_number"
    OUT_OF_RANGE = "out_of_range"
    NOT_YES_NO = "not_yes_no"
    NOT_DATETIME = "not_datetime"
    NO_TIME_ZONE = "no_time_zone"
    NOT_MONTH = "not_month"
    LATITUDE_RANGE = "latitude_range"
    LONGITUDE_RANGE = "longitude_range"
    LOCATION_INCOMPLETE = "location_incomplete"
    NOT_PHONE = "not_phone"
    NOT_MOBILE = "not_mobile"
    # who may act
    LOGIN_REQUIRED = "login_required"
    NOT_PERMITTED = "not_permitted"


@dataclass(frozen=True)
class ErrorDetail:
    code: str
    message: str | Promise
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": str(self.message)}


class DomainError(Exception):
    """One or more refusals; nothing was written when this is raised."""

    status_code = 400

    def __init__(self, errors: Iterable[ErrorDetail] | ErrorDetail) -> None:
        self.errors: list[ErrorDetail] = (
            [errors] if isinstance(errors, ErrorDetail) else list(errors)
        )
        super().__init__("; ".join(f"{e.field or '-'}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, code: str, message: str | Promise, field: str | None = None) -> Self:
        return cls(ErrorDetail(code=code, message=message, field=field))

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


class PermissionDenied(DomainError):
    """The actor may not do this (outside their role or region scope)."""

    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The object is not in a state that allows this (an illegal transition)."""

    status_code = 409


class Throttled(DomainError):
    """Asked too often: try again later (an SMS code to one number, wrong guesses from one
    address)."""

    status_code = 429
