"""The voice app's refusal codes, one ``StrEnum`` per part (``SurveyCode``,
``SuggestionCode``, ``TopicCode``); ``minsheng.core.errors.Code`` holds the codes every
app shares (reading input, who may act)."""

from __future__ import annotations

from enum import StrEnum

from minsheng.voice import answers


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
