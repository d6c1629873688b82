"""core.ids.as_id: what every adapter accepts as a row id."""

from __future__ import annotations

import pytest

from minsheng.core.ids import MAX_ID, as_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (" 42 ", 42),
        ("0042", 42),
        (MAX_ID, MAX_ID),
        (str(MAX_ID), MAX_ID),
        (0, None),
        (-3, None),
        ("-3", None),
        (MAX_ID + 1, None),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),  # int() would refuse it past 4,300 digits
        ("²", None),  # isdigit() says yes, int() says no
        ("１２", None),  # full-width digits
        ("1.0", None),
        ("", None),
        (None, None),
        (True, None),
        (1.0, None),
    ],
)
def test_as_id(value: object, expected: int | None) -> None:
    assert as_id(value) == expected
