"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


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
