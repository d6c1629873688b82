"""The login throttle's authentication backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """axes' check (first in ``AUTHENTICATION_BACKENDS``): refuses a locked-out attempt before
    any password is hashed.

    Every way in from the network passes its request to ``authenticate()`` (the login pages,
    the REST token endpoint, the current-password check). A call without one is no login
    from the network — Django's test client ``login()``, a script — and has no address to
    count: axes would raise; here the next backend decides, as without throttling.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None
