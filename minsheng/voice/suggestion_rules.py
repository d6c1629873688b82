"""The rules of a suggestion's life, without Django: which status may follow which, which
supports count toward the threshold, when a reply is due and whether it came on time.

Pure functions of plain values, so the rules read in one place and test without a
database (``docs/suggestions.md`` states them for people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# The status values (``models.SuggestionStatus``), repeated here to keep this module pure.
RECEIVED = "received"
UNDER_STUDY = "under_study"
ADOPTED = "adopted"
NOT_ADOPTED = "not_adopted"
DONE = "done"

# The lifecycle: from each status, the statuses an official reply may move it to.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({UNDER_STUDY}),
    UNDER_STUDY: frozenset({ADOPTED, NOT_ADOPTED}),
    ADOPTED: frozenset({DONE}),
    NOT_ADOPTED: frozenset(),
    DONE: frozenset(),
}
FINAL = frozenset(s for s, nexts in TRANSITIONS.items() if not nexts)


def may_move(old: str, new: str) -> bool:
    """Whether an official reply may move a suggestion from ``old`` to ``new``."""
    return new in TRANSITIONS.get(old, frozenset())


def township_of(region_level: str, region_id: int, parent_id: int | None) -> int | None:
    """The township a region is in: itself for a township, its parent for a village."""
    if region_level == "township":
        return region_id
    if region_level == "village":
        return parent_id
    return None


def support_until(posted_at: datetime, support_days: int) -> datetime:
    """The end of the period in which supports count toward the threshold."""
    return posted_at + timedelta(days=support_days)


def support_counts(
    *,
    supported_at: datetime,
    until: datetime,
    supporter_township: int | None,
    suggestion_township: int | None,
) -> bool:
    """Whether one support counts toward the threshold: given by the end of the period
    (``until`` included) by a resident whose home is in the suggestion's township."""
    return (
        supporter_township is not None
        and supporter_township == suggestion_township
        and supported_at <= until
    )


def reply_due(threshold_reached_at: datetime, reply_days: int) -> datetime:
    """When the official reply is owed: ``reply_days`` whole days after the threshold."""
    return threshold_reached_at + timedelta(days=reply_days)


class Timeliness(StrEnum):
    """Where a suggestion stands toward its official reply."""

    NOT_OWED = "not_owed"  # below the threshold and not replied
    OWED = "owed"  # the threshold reached, no reply yet, still in time
    OVERDUE = "overdue"  # the threshold reached, no reply, past the due time
    ON_TIME = "on_time"  # replied by the due time (or replied before any was owed)
    LATE = "late"  # replied after the due time


@dataclass(frozen=True)
class ReplyClock:
    reply_due: datetime | None
    replied_at: datetime | None

    def at(self, now: datetime) -> Timeliness:
        """The standing at ``now``. A reply at exactly the due time is on time; without a
        reply, the due time itself is still in time (overdue strictly after it)."""
        if self.replied_at is not None:
            if self.reply_due is None or self.replied_at <= self.reply_due:
                return Timeliness.ON_TIME
            return Timeliness.LATE
        if self.reply_due is None:
            return Timeliness.NOT_OWED
        return Timeliness.OVERDUE if now > self.reply_due else Timeliness.OWED
