"""Facilities that stay alive (issue 10): one module per part, re-exported here.

- ``register``: the facility register, its history, photos and portal views;
- ``use``: daily use counts, counter devices, idle flags with their follow-up;
- ``collections``: the titles of bookshops and libraries;
- ``health``: medicines against the essential list, equipment against the standard;
- ``activities``: activities in villages, sign-ups, ratings;
- ``maintenance``: maintenance plans, work orders, budgets.
"""

from .activities import Activity, ActivityKind, ActivityRating, ActivityStatus, Signup
from .collections import Title
from .equipment import EquipmentAction, EquipmentEvent
from .health import (
    Dispensing,
    Equipment,
    EquipmentState,
    EquipmentType,
    Level,
    Medicine,
    MedicineRequest,
    StandardItem,
)
from .maintenance import (
    MaintenanceBudget,
    MaintenancePlan,
    WorkOrder,
    WorkOrderEvent,
    WorkStatus,
)
from .register import (
    HEALTH,
    INFRASTRUCTURE,
    LIBRARIES,
    Condition,
    Facility,
    FacilityAction,
    FacilityEvent,
    FacilityPhoto,
    Kind,
    PortalViews,
    Status,
)
from .use import (
    AwarenessQuestion,
    Cause,
    CounterDevice,
    FlagStatus,
    IdleFlag,
    UseCount,
    UseKind,
    UseSource,
)

__all__ = [
    "HEALTH",
    "INFRASTRUCTURE",
    "LIBRARIES",
    "Activity",
    "ActivityKind",
    "ActivityRating",
    "ActivityStatus",
    "AwarenessQuestion",
    "Cause",
    "Condition",
    "CounterDevice",
    "Dispensing",
    "Equipment",
    "EquipmentAction",
    "EquipmentEvent",
    "EquipmentState",
    "EquipmentType",
    "Facility",
    "FacilityAction",
    "FacilityEvent",
    "FacilityPhoto",
    "FlagStatus",
    "IdleFlag",
    "Kind",
    "Level",
    "MaintenanceBudget",
    "MaintenancePlan",
    "Medicine",
    "MedicineRequest",
    "PortalViews",
    "Signup",
    "StandardItem",
    "Status",
    "Title",
    "UseCount",
    "UseKind",
    "UseSource",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkStatus",
]
