"""SMS gateways for tests, named by ``MINSHENG_SMS_BACKEND``: they send through the console
gateway (so the outbox shows what went out) after failing as told."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from minsheng.notify.sms import ConsoleGateway, SmsError

_lock = threading.Lock()
_calls: dict[str, int] = {}


def calls(phone: str) -> int:
    with _lock:
        return _calls.get(phone, 0)


def reset() -> None:
    with _lock:
        _calls.clear()


class FailingOnceGateway(ConsoleGateway):
    """Refuses the first message to each phone (as a provider's timeout would), then sends."""

    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> str:
        with _lock:
            _calls[phone] = _calls.get(phone, 0) + 1
            first = _calls[phone] == 1
        if first:
            raise SmsError("gateway timed out")
        return super().send(phone=phone, template=template, params=params)


class AlwaysFailingGateway(ConsoleGateway):
    def send(self, *, phone: str, template: str, params: Mapping[str, str]) -> str:
        with _lock:
            _calls[phone] = _calls.get(phone, 0) + 1
        raise SmsError("gateway down")
