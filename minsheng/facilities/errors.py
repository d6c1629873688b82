"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


class RegisterCode(StrEnum):
    """Refusals of the register part (facility entries, status, keepers, photos, imports)."""

    FACILITY_NOT_FOUND = "facility_not_found"
    CODE_INVALID = "code_invalid"
    CODE_TAKEN = "code_taken"
    CODE_REPEATED = "code_repeated"
    KIND_INVALID = "kind_invalid"
    STATUS_INVALID = "status_invalid"
    STATUS_TRANSITION = "status_transition"
    REASON_REQUIRED = "reason_required"
    REGION_UNKNOWN = "region_unknown"
    REGION_NOT_PLACE = "region_not_place"
    HOURS_INVALID = "hours_invalid"
    CAPACITY_INVALID = "capacity_invalid"
    POPULATION_INVALID = "population_invalid"
    DATE_INVALID = "date_invalid"
    DATE_IN_FUTURE = "date_in_future"
    SERVICE_UNKNOWN = "service_unknown"
    KEEPER_UNKNOWN = "keeper_unknown"
    PHOTO_TOO_MANY = "facility_photo_too_many"
    PHOTO_NOT_FOUND = "facility_photo_not_found"
    FILE_UNREADABLE = "file_unreadable"
    COLUMN_MISSING = "column_missing"
    COLUMN_UNKNOWN = "column_unknown"
