"""Replies residents send to our SMS, and who answers them.

Notifications do not know what a reply is about: an app that sends SMS inviting a reply
registers its handler (``orders`` rates an order with 1/2/3) in its ``AppConfig.ready``.
A handler gets the sender's stored mobile and the text, does its work in its own
transaction, and says which SMS template answers the sender (and with which parameters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    template: str
    params: dict[str, str] = field(default_factory=dict)
    handled: bool = False  # whether the text was acted on (anything written)


Handler = Callable[[str, str], "Reply | None"]

_handlers: list[Handler] = []
FALLBACK = Reply("reply_unknown")


def register(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def handle(phone: str, text: str) -> Reply:
    """The first registered handler's answer (None from a handler: not its business)."""
    for handler in _handlers:
        reply = handler(phone, text)
        if reply is not None:
            return reply
    return FALLBACK
