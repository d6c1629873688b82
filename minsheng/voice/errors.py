"""The voice app's refusal codes, one ``StrEnum`` per part (``SurveyCode``,
``SuggestionCode``, ``TopicCode``); ``minsheng.core.errors.Code`` holds the codes every
app shares (reading input, who may act)."""

from __future__ import annotations

from enum import StrEnum


class SuggestionCode(StrEnum):
    """Refusals of the suggestions part (posting, support, replies, moderation)."""

    SUGGESTION_NOT_FOUND = "suggestion_not_found"
    KIND_INVALID = "kind_invalid"
    PLACE_INVALID = "place_invalid"
    AREA_INVALID = "area_invalid"
    SERVICE_INVALID = "service_invalid"
    SERVICE_REQUIRED = "service_required"
    RESIDENT_INVALID = "resident_invalid"
    BANNED = "banned"
    OWN_SUGGESTION = "own_suggestion"
    ALREADY_SUPPORTED = "already_supported"
    ALREADY_REPORTED = "already_reported"
    STATUS_INVALID = "status_invalid"
    ILLEGAL_TRANSITION = "illegal_transition"
    REPLY_REQUIRED = "reply_required"
    REASON_REQUIRED = "reason_required"
    RESULT_REQUIRED = "result_required"
    RESULT_URL_INVALID = "result_url_invalid"
    ALREADY_HIDDEN = "already_hidden"
    NOT_HIDDEN = "not_hidden"
    ALREADY_BANNED = "already_banned"
    BAN_NOT_FOUND = "ban_not_found"
    BAN_LIFTED = "ban_lifted"


class TopicCode(StrEnum):
    """Refusals of the monthly topic (每月一题): candidates, the pick, tasks, done."""

    CANDIDATE_NOT_FOUND = "candidate_not_found"
    TOPIC_NOT_FOUND = "topic_not_found"
    TASK_NOT_FOUND = "task_not_found"
    MERGE_NEEDS_TWO = "merge_needs_two"
    MONTHS_DIFFER = "months_differ"
    CANDIDATE_PICKED = "candidate_picked"
    CANDIDATE_MERGED = "candidate_merged"
    SPLIT_PARTS = "split_parts"
    PICK_NEEDS_CANDIDATE = "pick_needs_candidate"
    LEAD_NOT_DEPARTMENT = "lead_not_department"
    OWNER_INVALID = "owner_invalid"
    TASKS_REQUIRED = "tasks_required"
    TOO_MANY_TASKS = "too_many_tasks"
    DUE_IN_PAST = "due_in_past"
    TASK_DONE = "task_done"
    TOPIC_DONE = "topic_done"
    TASKS_OPEN = "tasks_open"
