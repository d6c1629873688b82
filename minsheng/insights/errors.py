"""The demand analysis's own refusal codes (the shared ones are ``core.errors.Code``)."""

from __future__ import annotations

from enum import StrEnum


class DemandCode(StrEnum):
    UNKNOWN_AREA = "unknown_area"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_MEASURE = "unknown_measure"
    NOT_A_TOWNSHIP = "not_a_township"
    OUTSIDE_SCOPE = "outside_scope"
    TOO_MANY = "too_many"
