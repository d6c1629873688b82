"""The signed link that lets a resident rate a delivered order without logging in.

The token is ``django.core.signing``'s (salted, timestamped, signed with SECRET_KEY) over
the order's id and round: it rates that round of that order and nothing else, for
``MINSHENG_RATING_LINK_DAYS`` days. Used once, the round has its rating and the link is
spent (the rating's unique (order, round) constraint).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "minsheng.orders.rating-link"


@dataclass(frozen=True)
class LinkTarget:
    order_id: int
    round: int


class BadLink(Exception):
    """Altered, malformed or expired (``expired``)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "bad signature")
        self.expired = expired


def token_for(*, order_id: int, round: int) -> str:
    return signing.dumps({"o": order_id, "r": round}, salt=SALT, compress=False)


def read_token(token: str) -> LinkTarget:
    max_age = settings.MINSHENG_RATING_LINK_DAYS * 86400
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink(expired=False) from None
    if not (
        isinstance(value, dict)
        and isinstance(value.get("o"), int)
        and isinstance(value.get("r"), int)
    ):
        raise BadLink(expired=False)
    return LinkTarget(value["o"], value["r"])


def rating_path(*, order_id: int, round: int) -> str:
    return reverse("rate_by_link", args=[token_for(order_id=order_id, round=round)])
