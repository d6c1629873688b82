"""评单: the resident rates a delivered order, or staff record a callback for them.

Solved closes the order; not solved reopens it (back to dispatch, a new round). The order
lock serialises a resident and a callback rating at once: the second is told
``already_rated``; the unique (order, round) constraint backs this up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, Conflict, DomainError, ErrorDetail, NotFound
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_bool, read_text
from minsheng.orders import policy
from minsheng.orders.attributes import MAX_TEXT
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Action, Audience, Order, Rating, Satisfaction
from minsheng.orders.rating_links import BadLink, LinkTarget, read_token
from minsheng.orders.services import events
from minsheng.orders.services.dispatch import auto_dispatch
from minsheng.orders.services.events import actor_id_of
from minsheng.orders.services.steps import lock, moment, read_note, take


@dataclass(frozen=True)
class RatingInput:
    contacted: bool | str | None
    solved: bool | str | None
    satisfaction: str
    comment: str = ""


@dataclass(frozen=True)
class _Rating:
    contacted: bool
    solved: bool
    satisfaction: str
    comment: str


def _read(data: RatingInput) -> _Rating:
    errors: list[ErrorDetail] = []
    answers: dict[str, bool] = {}
    for field, value, message in (
        ("contacted", data.contacted, _("Say whether you were contacted.")),
        ("solved", data.solved, _("Say whether it was solved.")),
    ):
        try:
            answers[field] = read_bool(value)
        except Invalid:
            errors.append(ErrorDetail(Code.REQUIRED, message, field))
    satisfaction = data.satisfaction.strip() if isinstance(data.satisfaction, str) else ""
    if satisfaction not in Satisfaction.values:
        errors.append(
            ErrorDetail(
                OrderCode.SATISFACTION_INVALID, _("Choose how satisfied you are."), "satisfaction"
            )
        )
    comment = ""
    try:
        comment = read_text(data.comment, max_length=MAX_TEXT)
    except Invalid as exc:
        errors.append(exc.detail("comment"))
    if errors:
        raise DomainError(errors)
    return _Rating(answers["contacted"], answers["solved"], satisfaction, comment)


def _rate(
    verb: str, via: str, *, order_id: int, actor: Actor, data: RatingInput, now: datetime | None
) -> Rating:
    answer = _read(data)
    with transaction.atomic():
        order = lock(order_id)
        policy.require(verb, actor, order)
        return _write(order, via, answer, actor=actor, at=moment(order, now))


def _write(order: Order, via: str, answer: _Rating, *, actor: Actor, at: datetime) -> Rating:
    """Record the rating of a locked order's current round: close it, or reopen it."""
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                order=order,
                round=order.round,
                via=via,
                contacted=answer.contacted,
                solved=answer.solved,
                satisfaction=answer.satisfaction,
                comment=answer.comment,
                rated_by_id=actor_id_of(actor),
                township_id=order.township_id,
                provider_id=order.provider_id,
                created_at=at,
            )
    except IntegrityError:
        raise Conflict.single(
            OrderCode.ALREADY_RATED, _("This order has already been rated."), "order"
        ) from None
    summary = str(Satisfaction(answer.satisfaction).label) + (
        f": {answer.comment}" if answer.comment else ""
    )
    if answer.solved:
        take(order, Action.RATE, actor=actor, at=at, note=summary)
    else:
        take(order, Action.REOPEN, actor=actor, at=at, note=summary)
        auto_dispatch(order, at=at)
    return rating


def order_rate(
    *, order_id: int, actor: Actor, data: RatingInput, now: datetime | None = None
) -> Rating:
    """The order's resident rates its delivery."""
    return _rate("rate", Rating.Via.RESIDENT, order_id=order_id, actor=actor, data=data, now=now)


def order_callback(
    *, order_id: int, actor: Actor, data: RatingInput, now: datetime | None = None
) -> Rating:
    """Staff record the resident's answers to a callback, on the resident's behalf."""
    return _rate(
        "callback", Rating.Via.CALLBACK, order_id=order_id, actor=actor, data=data, now=now
    )


# --- whether a rating counts (issue 8) ---------------------------------------------------------


def rating_set_valid(
    *, rating_id: object, actor: Actor, valid: bool, reason: object, now: datetime | None = None
) -> Rating:
    """Mark a rating as counting in the rates (``valid``) or not (a callback that reached
    nobody, a duplicate), with the reason, recorded on the order for the staff.

    Under the order's lock, as every write to an order's ratings is; ``policy`` says who may
    (``rating_validity_refusal``). Refused: no reason, not permitted, already so.
    """
    text = read_note(reason, field="reason", required=True)
    pk = as_id(rating_id)
    found = (
        Rating.objects.filter(pk=pk).values_list("order_id", flat=True).first()
        if pk is not None
        else None
    )
    if pk is None or found is None:
        raise NotFound.single(OrderCode.RATING_NOT_FOUND, _("No such rating."), "rating")
    with transaction.atomic():
        order = lock(found)
        rating = Rating.objects.select_related("order").get(pk=pk)
        rating.order = order
        refusal = policy.rating_validity_refusal(actor, rating, valid)
        if refusal is not None:
            raise refusal
        at = moment(order, now)
        rating.valid = valid
        rating.save(update_fields=["valid"])
        order.updated_at = at
        order.save(update_fields=["updated_at"])
        events.record_note(
            order,
            action=Action.RATING_VALID if valid else Action.RATING_INVALID,
            at=at,
            actor=actor,
            audience=Audience.STAFF,
            # Stored as written, in no page's language: the reason, and which round's
            # rating it concerns (the action says what was done).
            note=f"#{rating.round + 1} {text}",
        )
    return rating


def rating_invalidate(
    *, rating_id: object, actor: Actor, reason: object, now: datetime | None = None
) -> Rating:
    """Leave a rating out of the rates (see ``rating_set_valid``)."""
    return rating_set_valid(rating_id=rating_id, actor=actor, valid=False, reason=reason, now=now)


# --- without logging in: the signed link, and a reply to the rating SMS (issue 8) ---------------


def read_link(token: str) -> LinkTarget:
    """The order and round a rating link names; an altered or expired one is refused."""
    try:
        return read_token(token)
    except BadLink as exc:
        if exc.expired:
            raise DomainError.single(
                OrderCode.LINK_EXPIRED,
                _("This rating link has expired. Please log in to rate the order."),
                "token",
            ) from None
        raise DomainError.single(
            OrderCode.LINK_INVALID,
            _("This rating link is not valid: it may have been altered or copied incompletely."),
            "token",
        ) from None


def _rate_round(target: LinkTarget, answer: _Rating, *, now: datetime | None) -> Rating:
    with transaction.atomic():
        order = lock(target.order_id)
        policy.require_link_rating(order, target.round)
        return _write(order, Rating.Via.RESIDENT, answer, actor=None, at=moment(order, now))


def order_rate_by_link(*, token: str, data: RatingInput, now: datetime | None = None) -> Rating:
    """The resident rates through the link sent when the order was delivered: whoever holds
    a valid link rates that round of that order, once."""
    target = read_link(token)
    return _rate_round(target, _read(data), now=now)


# A reply to the rating SMS: 1 and 2 say it was solved (satisfied, basically satisfied) and
# close the order; 3 says it was not (dissatisfied) and reopens it, as the form's answers do.
SMS_REPLIES: dict[str, tuple[bool, str]] = {
    "1": (True, Satisfaction.SATISFIED),
    "2": (True, Satisfaction.BASIC),
    "3": (False, Satisfaction.DISSATISFIED),
}


def order_rate_by_reply(
    *, order_id: int, round: int, reply: str, now: datetime | None = None
) -> Rating:
    """The resident answered the rating SMS of that round of that order with 1, 2 or 3."""
    if reply not in SMS_REPLIES:
        raise DomainError.single(OrderCode.REPLY_INVALID, _("Reply 1, 2 or 3."), "text")
    solved, satisfaction = SMS_REPLIES[reply]
    answer = _Rating(contacted=True, solved=solved, satisfaction=satisfaction, comment="")
    return _rate_round(LinkTarget(order_id, round), answer, now=now)
