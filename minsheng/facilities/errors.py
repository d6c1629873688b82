"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


class ActivityCode(StrEnum):
    """Refusals of the activities part (``facilities.services.activities``)."""

    ACTIVITY_NOT_FOUND = "activity_not_found"
    KIND_INVALID = "activity_kind_invalid"
    VILLAGE_INVALID = "activity_village_invalid"
    FACILITY_INVALID = "activity_facility_invalid"
    ENDS_BEFORE_START = "activity_ends_before_start"
    STARTS_IN_PAST = "activity_starts_in_past"
    CAPACITY_BELOW_SIGNUPS = "activity_capacity_below_signups"
    NOT_EDITABLE = "activity_not_editable"
    BAD_TRANSITION = "activity_bad_transition"
    NOT_STARTED = "activity_not_started"
    ALREADY_STARTED = "activity_already_started"
    NOT_RESIDENT = "activity_not_resident"
    FULL = "activity_full"
    ALREADY_SIGNED_UP = "activity_already_signed_up"
    NOT_SIGNED_UP = "activity_not_signed_up"
    ATTENDANCE_MISSING = "activity_attendance_missing"
    ATTENDANCE_BELOW_SIGNUPS = "activity_attendance_below_signups"
    SIGNUP_INVALID = "activity_signup_invalid"
    NOT_HELD = "activity_not_held"
    MAY_NOT_RATE = "activity_may_not_rate"
    ALREADY_RATED = "activity_already_rated"
    QUARTER_INVALID = "activity_quarter_invalid"
