"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


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
