"""Row ids from adapters' input: one reading for forms, the REST API, Open311 and services."""

from __future__ import annotations

from typing import Any

# Largest value a bigint primary key can hold; anything else cannot name a row.
MAX_ID = 2**63 - 1


def as_id(value: Any) -> int | None:
    """A positive id from an int or a string of ASCII digits, or None if it cannot be one.

    ``str.isdigit`` alone would let "²" or full-width digits through to ``int()``, which
    then fails (or reads them); and a string too long for a bigint is no id either.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdecimal()) or len(text) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
