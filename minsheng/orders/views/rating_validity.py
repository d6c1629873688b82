"""Whether a rating counts: the forms on the staff order page (``orders/_ratings_staff.html``).

The POST is ``views.ranking.staff_rating_validity``; who may is ``policy.rating_validity_refusal``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.orders import policy, selectors
from minsheng.orders.forms import FieldSpec
from minsheng.orders.models import Order, Rating
from minsheng.orders.views.common import Failure, note_fields


@dataclass(frozen=True)
class RatingValidity:
    """One rating on the staff order page, with the form that changes whether it counts
    (``may``: ``policy`` allows it; ``to``: the state the form would set)."""

    rating: Rating
    may: bool
    to: bool
    action: str
    fields: list[FieldSpec]


def rating_validity_rows(
    user: Actor, order: Order, failure: Failure | None
) -> list[RatingValidity]:
    rows = []
    for rating in selectors.ratings_for(user, order):
        rating.order = order
        to = not rating.valid
        rows.append(
            RatingValidity(
                rating=rating,
                may=policy.rating_validity_refusal(user, rating, to) is None,
                to=to,
                action=reverse("staff_rating_validity", args=[rating.pk]),
                fields=note_fields(
                    f"rating{rating.pk}",
                    order.pk,
                    failure,
                    name="reason",
                    label=_("Reason it counts after all") if to else _("Why it does not count"),
                    required=True,
                    help=_("Staff only will read this.")
                    if to
                    else _(
                        "For example: nobody answered the callback, or it is a duplicate. Staff only will read this."
                    ),
                ),
            )
        )
    return rows
