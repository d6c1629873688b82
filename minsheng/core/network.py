"""Who is on the other end of a request, for every interface's counters (login lock-outs,
Open311's rate limits)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind a reverse proxy the header the proxy
    sets (``MINSHENG_CLIENT_IP_HEADER``, e.g. ``X-Real-IP``).

    Only a header the proxy overwrites on every request can be trusted; anything else a client
    can forge to pass for many addresses. For a list (``X-Forwarded-For``) the right-most
    entry counts: the one the proxy itself appended.
    """
    header = settings.MINSHENG_CLIENT_IP_HEADER
    if header:
        raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        candidate = raw.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass  # missing or garbled (a request that bypassed the proxy): the peer's address
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote
