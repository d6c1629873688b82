"""SMS through a pluggable gateway.

Domestic SMS providers (Alibaba Cloud, Tencent Cloud and the others) send a pre-approved
*template* with named parameters under a registered signature, never free text, and post
replies to a webhook. The interface is shaped the same way, so a real provider is one class
with a ``send(phone=, template=, params=)`` method named by the ``MINSHENG_SMS_BACKEND``
setting (see docs/deployment.md, "SMS"):

* ``phone`` is a stored mainland mobile (``minsheng.core.phones.read_mobile``);
* ``template`` is one of :data:`TEMPLATES`' codes, which an operator maps to the template ids
  the provider approved;
* ``params`` are the template's named parameters, all strings.

``send`` returns the provider's message id, or raises :class:`SmsError` (the caller retries).

The default, :class:`ConsoleGateway`, sends nothing: it prints each message and appends it,
as one JSON line, to an outbox file, which the demo prints and the tests read.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Each template's text, as it would be registered with a provider; {name} are parameters.
TEMPLATES: dict[str, Promise] = {
    "login_code": _(
        "Your Minsheng code is {code}. It is valid for {minutes} minutes. Do not share it."
    ),
    # Sign-in by phone (minsheng.accounts.services): one template per purpose, as providers
    # approve them.
    "signup_code": _(
        "Your code to create a Minsheng account is {code}. It is valid for {minutes} "
        "minutes. Do not share it."
    ),
    "reset_code": _(
        "Your code to set a new Minsheng password is {code}. It is valid for {minutes} "
        "minutes. If you did not ask for it, ignore this message."
    ),
    # --- notifications (minsheng.notify.services.notification_send) ---
    # to residents, about their order
    "order_approved": _("Your order {number} ({title}) has been approved."),
    "order_rejected": _("Your order {number} ({title}) was not accepted: {reason}"),
    "order_dispatched": _("Your order {number} ({title}) has been passed to {provider}."),
    "order_accepted": _("{provider} has taken on your order {number} ({title})."),
    "order_started": _("{provider} has started work on your order {number} ({title})."),
    "order_delivered": _(
        "Your order {number} ({title}) has been done. Please rate it: {link} or reply 1 "
        "(satisfied), 2 (basically satisfied) or 3 (dissatisfied)."
    ),
    "order_reopened": _(
        "Your order {number} ({title}) was not solved: it has been reopened and will be "
        "dispatched again."
    ),
    # to staff, about an order in their hands
    "staff_queue": _("Order {number} ({title}, {place}) is waiting for you: {state}."),
    "staff_assigned": _(
        "Order {number} ({title}, {place}) has been dispatched to {provider}: please take it."
    ),
    "staff_escalated": _("Order {number} ({title}, {place}) is overdue and has been escalated."),
    "staff_urged": _("Order {number} ({title}, {place}) has been urged: please act on it now."),
    "staff_deadline": _("Order {number} ({title}, {place}): the current step is due by {due}."),
    # answers to an SMS reply
    "reply_rated": _("Thank you: your rating of order {number} has been recorded."),
    "reply_unknown": _(
        "Sorry, we did not understand. Reply 1 (satisfied), 2 (basically satisfied) or 3 "
        "(dissatisfied)."
    ),
    "reply_nothing_to_rate": _("We found no completed order of yours waiting for a rating."),
    # --- asking the people (minsheng.voice) ---
    # to residents who answered a survey
    "survey_results": _('The results of the survey "{title}" you answered are published: {link}'),
    # to the author and the supporters of a suggestion
    "suggestion_reply": _('The suggestion "{title}" has an official reply ({status}): {link}'),
    "suggestion_status": _('The suggestion "{title}" is now: {status}. {link}'),
    # to its author, when a moderator hides it
    "suggestion_hidden": _('Your suggestion "{title}" was hidden: {reason}'),
    # to the county's staff: a reply is owed
    "suggestion_reply_owed": _(
        'The suggestion "{title}" ({place}) has {count} supports: an official reply is due '
        "by {due}."
    ),
    # to residents whose orders, suggestions or answers the month's topic takes up
    "topic_picked": _(
        'What you told us is this month\'s topic: "{title}", led by {lead}. Follow it: {link}'
    ),
    "topic_done": _('The month\'s topic "{title}" is done: {link}'),
    # --- facilities (minsheng.facilities) ---
    # to the village's residents, when an activity is announced
    "activity_announced": _('"{title}" in {village}, {when}: sign up on Minsheng: {link}'),
    # to those signed up, when it is cancelled
    "activity_cancelled": _('"{title}" on {when}, which you signed up for, is cancelled: {reason}'),
    # to the owner of an idle facility's follow-up
    "facility_idle": _(
        "{facility} ({place}) looks idle ({causes}): please follow up by {due}. {link}"
    ),
}


class SmsError(Exception):
    """The gateway did not accept the message (the caller may retry)."""


class SmsGateway(Protocol):
    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> str: ...


def render(template: str, params: Mapping[str, str], *, language: str | None = None) -> str:
    """The text a resident reads: the signature, then the template filled in."""
    with translation.override(language or settings.LANGUAGE_CODE):
        body = str(TEMPLATES[template]).format(**params)
        return f"{settings.MINSHENG_SMS_SIGNATURE}{body}"


class ConsoleGateway:
    """Prints each message and appends it to ``MINSHENG_SMS_OUTBOX`` (JSON lines)."""

    _lock = threading.Lock()

    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> str:
        if template not in TEMPLATES:
            raise SmsError(f"unknown SMS template {template!r}")
        message_id = uuid.uuid4().hex
        record = {
            "id": message_id,
            "phone": phone,
            "template": template,
            "params": dict(params),
            "text": render(template, params),
            "at": timezone.now().isoformat(),
        }
        path = outbox_path()
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as outbox:
                outbox.write(json.dumps(record, ensure_ascii=False) + "\n")
        if settings.MINSHENG_SMS_ECHO:
            print(f"[SMS to {phone}] {record['text']}", file=sys.stderr, flush=True)
        return message_id


def outbox_path() -> Path:
    return Path(settings.MINSHENG_SMS_OUTBOX)


def read_outbox(path: Path | None = None) -> list[dict[str, Any]]:
    """What the console gateway has sent, oldest first (empty when nothing was)."""
    path = path or outbox_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as outbox:
        return [json.loads(line) for line in outbox if line.strip()]


def get_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.MINSHENG_SMS_BACKEND)()
    return gateway


def send_sms(*, phone: str, template: str, params: Mapping[str, str]) -> str:
    """Send one message now through the configured gateway; :class:`SmsError` on failure."""
    return get_gateway().send(phone=phone, template=template, params=params)
