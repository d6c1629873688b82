"""The voice app's refusal codes, one ``StrEnum`` per part (``SurveyCode``,
``SuggestionCode``, ``TopicCode``); ``minsheng.core.errors.Code`` holds the codes every
app shares (reading input, who may act)."""

from __future__ import annotations

from enum import StrEnum

from minsheng.voice import answers


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


class SurveyCode(StrEnum):
    """Why a survey, a question or a response was refused (``docs/surveys.md``)."""

    SURVEY_NOT_FOUND = "survey_not_found"
    QUESTION_NOT_FOUND = "question_not_found"
    NOT_DRAFT = "survey_not_draft"
    NOT_OPEN = "survey_not_open"
    NOT_CLOSED = "survey_not_closed"
    RESULTS_ALREADY_PUBLIC = "survey_results_already_public"
    DATES = "survey_dates"
    REGION_OUTSIDE_SCOPE = "survey_region_outside_scope"
    REGION_UNKNOWN = "survey_region_unknown"
    EMPTY = "survey_empty"
    NO_CHOICES = "question_no_choices"
    NO_ROWS = "question_no_rows"
    BAD_CONDITION = "question_bad_condition"
    CONDITION_LATER = "question_condition_later"
    BAD_BOUNDS = "question_bad_bounds"
    KIND = "question_kind"
    CHOICE_LINK = "choice_link_unknown"
    HAS_DEPENDENTS = "question_has_dependents"
    # answering
    OUTSIDE_WINDOW = "survey_outside_window"
    OUTSIDE_REGIONS = "survey_outside_regions"
    NOT_RESIDENT = "survey_residents_only"
    ALREADY_ANSWERED = "survey_already_answered"
    HOUSEHOLD_ANSWERED = "survey_household_answered"
    HOUSEHOLD_REQUIRED = "survey_household_required"
    VILLAGE_REQUIRED = "survey_village_required"
    # each answer (minsheng.voice.answers)
    ANSWER_REQUIRED = answers.REQUIRED
    ANSWER_NOT_SHOWN = answers.NOT_SHOWN
    ANSWER_NOT_TEXT = answers.NOT_TEXT
    ANSWER_TOO_LONG = answers.TOO_LONG
    ANSWER_UNKNOWN_CHOICE = answers.UNKNOWN_CHOICE
    ANSWER_ONE_CHOICE = answers.ONE_CHOICE
    ANSWER_TOO_MANY = answers.TOO_MANY
    ANSWER_NOT_NUMBER = answers.NOT_NUMBER
    ANSWER_OUT_OF_RANGE = answers.OUT_OF_RANGE
    ANSWER_NOT_WHOLE = answers.NOT_WHOLE
    ANSWER_NOT_PERMUTATION = answers.NOT_PERMUTATION
    ANSWER_ROW_MISSING = answers.ROW_MISSING
    ANSWER_UNKNOWN_ROW = answers.UNKNOWN_ROW
    ANSWER_BAD_SHAPE = answers.BAD_SHAPE
