"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


class MedicineCode(StrEnum):
    """Refusals of the medicines part (dispensing lists, the reference list, its import)."""

    NOT_HEALTH = "not_health_facility"  # only clinics and health centres dispense
    UNKNOWN_MEDICINE = "unknown_medicine"
    ALREADY_DISPENSED = "already_dispensed"
    NOT_DISPENSED = "not_dispensed"
    BAD_GROUP = "bad_group"
    BAD_LEVEL = "bad_level"
    DUPLICATE_CODE = "duplicate_code"
