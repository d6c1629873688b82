"""The voice app's refusal codes, one ``StrEnum`` per part (``SurveyCode``,
``SuggestionCode``, ``TopicCode``); ``minsheng.core.errors.Code`` holds the codes every
app shares (reading input, who may act)."""

from __future__ import annotations
