"""The inbox's and e-mail's words for each notification template.

The body is the SMS template's text (``notify.sms.TEMPLATES``) without the signature; the
title is a short line of its own. Both are filled in with the notification's parameters in
the language active when they are read.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.notify.sms import TEMPLATES

TITLES: dict[str, Promise] = {
    "order_approved": _("Order {number} approved"),
    "order_rejected": _("Order {number} not accepted"),
    "order_dispatched": _("Order {number} dispatched"),
    "order_accepted": _("Order {number} taken on"),
    "order_started": _("Order {number} started"),
    "order_delivered": _("Order {number} done: please rate it"),
    "order_reopened": _("Order {number} reopened"),
    "staff_queue": _("Order {number} is waiting for you"),
    "staff_assigned": _("Order {number} dispatched to your team"),
    "staff_escalated": _("Order {number} escalated"),
    "staff_urged": _("Order {number} urged"),
    "staff_deadline": _("Order {number} is due soon"),
    "survey_results": _("Survey results published"),
    "suggestion_reply": _("A suggestion has an official reply"),
    "suggestion_status": _("A suggestion's status changed"),
    "suggestion_hidden": _("Your suggestion was hidden"),
    "suggestion_reply_owed": _("A suggestion is owed a reply"),
    "topic_picked": _("This month's topic"),
    "topic_done": _("The month's topic is done"),
    "activity_announced": _("A new activity in your village"),
    "activity_cancelled": _("An activity you signed up for is cancelled"),
    "facility_idle": _("A facility looks idle: follow-up owed"),
}


class _Blank(dict[str, str]):
    """A parameter a stored message lacks (its template grew one later) reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def title(template: str, params: Mapping[str, str]) -> str:
    text = TITLES.get(template)
    return str(text).format_map(_Blank(params)) if text is not None else template


def body(template: str, params: Mapping[str, str]) -> str:
    text = TEMPLATES.get(template)
    return str(text).format_map(_Blank(params)) if text is not None else ""
