"""重复件: closing a duplicate order into the one it repeats."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import NotFound
from minsheng.core.ids import as_id
from minsheng.orders import policy
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Action, Audience, Order
from minsheng.orders.services.steps import lock, moment, read_note, take


def order_merge(
    *,
    duplicate_id: object,
    keep_id: object,
    actor: Actor,
    note: str = "",
    now: datetime | None = None,
) -> Order:
    """Close ``duplicate_id`` as merged into ``keep_id``; its resident then follows the kept
    order (its steps and notes, not the other resident's details: ``orders.policy``).

    Both rows are locked in ascending id, so two merges of the same pair (either way round)
    queue instead of deadlocking, and the second sees the first's result. Refused, with
    nothing written: the same order twice, a pair the actor may not act on, orders of two
    townships, either order already ended (``policy.merge_refusal``).
    """
    note = read_note(note)
    dup_pk, keep_pk = as_id(duplicate_id), as_id(keep_id)
    with transaction.atomic():
        duplicate, keep = _lock_pair(dup_pk, keep_pk)
        refusal = policy.merge_refusal(actor, duplicate, keep)
        if refusal is not None:
            raise refusal
        at = moment(duplicate, now)
        take(
            duplicate,
            Action.MERGE,
            actor=actor,
            at=at,
            note=note or keep.number,
            audience=Audience.RESIDENT,
        )
        duplicate.merged_into = keep
        duplicate.save(update_fields=["merged_into"])
    return duplicate


def _lock_pair(dup_pk: int | None, keep_pk: int | None) -> tuple[Order, Order]:
    """Lock both orders in ascending id (one lock when they are the same order)."""
    for pk, field in ((dup_pk, "duplicate"), (keep_pk, "keep")):
        if pk is None:
            raise NotFound.single(OrderCode.ORDER_NOT_FOUND, _("No such order."), field)
    assert dup_pk is not None and keep_pk is not None
    locked = {pk: lock(pk) for pk in sorted({dup_pk, keep_pk})}
    return locked[dup_pk], locked[keep_pk]
