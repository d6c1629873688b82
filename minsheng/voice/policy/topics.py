"""Who may do what with the monthly topic (每月一题): the one place that answers it.

The month's topic is a county decision, as Beijing's 12345 picks its 每月一题 at the city:

- **candidates** (computing them, merging, splitting, reading their members' texts) and
  **the pick** are for the staff who work county-wide: county administrators and
  dispatchers scoped to the county (``orders.policy.works_county_wide``). A township's
  dispatcher works on the township's orders, not on which problem the county takes up:
  they read the result on the public pages like everyone else.
- **tracking** a picked topic (adding tasks, reporting progress, a staff note, declaring it
  done) is for the same county-wide staff; a **task** is also marked done by the staff of
  the provider that owns it (the department that did the work reports it).
- **the topics themselves** (title, description, lead, tasks, the public steps of their
  history, representative texts with long digit runs taken out) are public: no login.
  Staff notes (``Audience.STAFF`` events) are for county-wide staff only.
- **a member's source** (the order behind a text) links only for readers the owning app
  lets see it (``orders.policy.can_view``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, PermissionDenied
from minsheng.orders import policy as orders_policy
from minsheng.orders.models import Audience, Order
from minsheng.voice.models import Suggestion, TopicTask
from minsheng.voice.policy import suggestions as suggestions_policy


def not_permitted() -> PermissionDenied:
    return PermissionDenied.single(
        Code.NOT_PERMITTED, _("You may not do this with the monthly topic."), None
    )


def works_on_topics(user: Actor) -> bool:
    """County administrators and county-wide dispatchers."""
    return orders_policy.works_county_wide(user)


def can_see_candidates(user: Actor) -> bool:
    """The staff page of a month's candidates, and their members' texts."""
    return works_on_topics(user)


def can_compute(user: Actor) -> bool:
    """Queue a recomputation of a month's candidates."""
    return works_on_topics(user)


def can_merge(user: Actor) -> bool:
    return works_on_topics(user)


def can_split(user: Actor) -> bool:
    return works_on_topics(user)


def can_pick(user: Actor) -> bool:
    return works_on_topics(user)


def can_update(user: Actor) -> bool:
    """Add tasks, report progress, write a staff note, declare a topic done."""
    return works_on_topics(user)


def can_mark_done(user: Actor, task: TopicTask) -> bool:
    """County-wide staff, and the staff of the provider owning the task."""
    return works_on_topics(user) or (task.owner_id in orders_policy.provider_ids_of(user))


def can_see_staff_notes(user: Actor) -> bool:
    return works_on_topics(user)


def can_work_on_some_task(user: Actor) -> bool:
    """Whether the staff topic pages open at all for ``user`` (who may mark tasks done
    opens them for their own tasks)."""
    return works_on_topics(user) or bool(orders_policy.provider_ids_of(user))


def tasks_q(user: Actor) -> Q | None:
    """The tasks ``user`` may mark done, as a filter (None: none)."""
    if works_on_topics(user):
        return Q()
    ids = orders_policy.provider_ids_of(user)
    return Q(owner_id__in=ids) if ids else None


def event_audiences(user: Actor) -> list[str]:
    """Which topic events ``user`` reads: the public ones; staff notes too for county-wide
    staff."""
    if can_see_staff_notes(user):
        return [Audience.PUBLIC, Audience.RESIDENT, Audience.STAFF]
    return [Audience.PUBLIC]


def can_open_order(user: Actor, order: Order) -> bool:
    """A member's order links to its page for readers ``orders.policy`` lets see it."""
    return orders_policy.can_view(user, order)


def can_open_suggestion(user: Actor, suggestion: Suggestion) -> bool:
    """A member's suggestion links to its page for readers ``policy.suggestions`` lets read
    its text (everyone while it is shown; its moderators once hidden)."""
    return suggestions_policy.can_read_text(user, suggestion)


def require(may: bool) -> None:
    if not may:
        raise not_permitted()
