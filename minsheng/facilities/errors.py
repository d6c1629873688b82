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


class UseCode(StrEnum):
    """Refusals of the use part: counts entered, imported or posted by a counter device."""

    FACILITY_NOT_FOUND = "facility_not_found"
    FACILITY_NOT_IN_USE = "facility_not_in_use"  # planned or abandoned: nothing to count
    NO_COUNTS = "no_counts"
    KIND_UNKNOWN = "kind_unknown"
    KIND_NOT_FITTING = "kind_not_fitting"  # loans at a clinic, anything at a road
    NEGATIVE = "negative"
    ABSURD = "absurd"  # over ten times the capacity (or the ceiling without one)
    FUTURE_DATE = "future_date"
    NOT_DATE = "not_date"
    DUPLICATE_ROW = "duplicate_row"
    BAD_FILE = "bad_file"
    MISSING_COLUMNS = "missing_columns"
    DEVICE_KEY_INVALID = "device_key_invalid"  # wrong, unknown or revoked: 401
    DEVICE_OTHER_FACILITY = "device_other_facility"  # a key for another facility: 403
    DEVICE_NOT_FOUND = "device_not_found"
    DEVICE_REVOKED = "device_revoked"
    NAME_REQUIRED = "name_required"


class CollectionCode(StrEnum):
    """Refusals of the collections part (titles, their import, the ``collection`` command)."""

    NOT_A_LIBRARY = "not_a_library"  # the facility holds no collection of books
    MISSING_COLUMNS = "missing_columns"
    UNREADABLE = "unreadable"  # the file is not a CSV/XLSX table
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    BAD_ROWS = "bad_rows"  # one or more rows refused (each a RowError)
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    NOT_YEAR = "not_year"
    YEAR_IN_FUTURE = "year_in_future"
    YEAR_TOO_OLD = "year_too_old"
    NOT_COPIES = "not_copies"  # copies not a positive whole number
    NOT_LOANS = "not_loans"
    UNKNOWN_CLASS = "unknown_class"
    TOO_LONG = "too_long"  # author or ISBN
    NOT_ISBN = "not_isbn"
    NO_TITLE = "no_title"  # the title to change is not in this collection
    NOT_BUDGET = "not_budget"
    NOT_PRICE = "not_price"


class MedicineCode(StrEnum):
    """Refusals of the medicines part (dispensing lists, the reference list, its import)."""

    NOT_HEALTH = "not_health_facility"  # only clinics and health centres dispense
    UNKNOWN_MEDICINE = "unknown_medicine"
    ALREADY_DISPENSED = "already_dispensed"
    NOT_DISPENSED = "not_dispensed"
    BAD_GROUP = "bad_group"
    BAD_LEVEL = "bad_level"
    DUPLICATE_CODE = "duplicate_code"


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


class MaintenanceCode(StrEnum):
    """Refusals of the maintenance part: plans, work orders, budgets, the projection."""

    FACILITY_NOT_FOUND = "facility_not_found"
    PLAN_NOT_FOUND = "plan_not_found"
    PLAN_INACTIVE = "plan_inactive"
    WORK_ORDER_NOT_FOUND = "work_order_not_found"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_OUTSIDE_TOWNSHIP = "order_outside_township"
    ORDER_NOT_REPAIR = "order_not_repair"
    ORDER_CLOSED_OUT = "order_closed_out"
    ORDER_LINKED = "order_linked"
    ILLEGAL_TRANSITION = "illegal_transition"
    COST_REQUIRED = "cost_required"
    REASON_REQUIRED = "reason_required"
    DATE_IN_FUTURE = "date_in_future"
    DATE_BEFORE_DUE = "date_before_due"
    NOT_A_DATE = "not_a_date"
    REGION_INVALID = "region_invalid"


class IdleCode(StrEnum):
    """Refusals of the idle part (idle flags' follow-up, awareness questions)."""

    FLAG_NOT_FOUND = "idle_flag_not_found"
    FLAG_CLOSED = "idle_flag_closed"
    ACTION_REQUIRED = "idle_action_required"
    OWNER_INVALID = "idle_owner_invalid"
    DUE_INVALID = "idle_due_invalid"
    DUE_PAST = "idle_due_past"
    CHOICE_INVALID = "idle_choice_invalid"
    KIND_INVALID = "idle_kind_invalid"
    AWARENESS_TAKEN = "idle_awareness_taken"
    AS_OF_FUTURE = "idle_as_of_future"
