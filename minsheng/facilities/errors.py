"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


class EquipmentCode(StrEnum):
    """Refusals of the equipment part (the register of items, the reports)."""

    FACILITY_NOT_FOUND = "facility_not_found"
    EQUIPMENT_NOT_FOUND = "equipment_not_found"
    TYPE_INVALID = "equipment_type_invalid"
    STATE_INVALID = "equipment_state_invalid"
    SAME_STATE = "equipment_same_state"
    DATE_INVALID = "equipment_date_invalid"
    DATE_IN_FUTURE = "equipment_date_in_future"
    BEFORE_PURCHASE = "equipment_before_purchase"
    BEFORE_LAST_SERVICE = "equipment_before_last_service"
    RETIRED = "equipment_retired"
    FILE_UNREADABLE = "equipment_file_unreadable"
    COLUMNS = "equipment_columns"
