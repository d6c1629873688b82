"""What the public portal's front page shows of the people's voice: the surveys open now,
the latest official replies to suggestions, the latest monthly topics. Public reads only,
through each part's own public selector."""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.voice.models import MonthlyTopic, Suggestion, Survey
from minsheng.voice.selectors import suggestions, surveys, topics

SHOWN = 3


@dataclass(frozen=True)
class Digest:
    surveys: list[Survey]
    replies: list[Suggestion]
    topics: list[MonthlyTopic]


def portal_digest() -> Digest:
    return Digest(
        surveys=surveys.open_surveys()[:SHOWN],
        replies=list(
            suggestions.public_suggestions()
            .filter(replied_at__isnull=False)
            .order_by("-replied_at", "-pk")[:SHOWN]
        ),
        topics=list(topics.topics()[:2]),
    )
