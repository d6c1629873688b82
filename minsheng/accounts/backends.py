"""Authentication backends: the login throttle's check, and a resident's mobile number in
place of the username."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from minsheng.accounts.selectors import account_by_mobile
from minsheng.core.inputs import Invalid
from minsheng.core.phones import read_mobile


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


class MobilePasswordBackend(ModelBackend):
    """A resident's mobile number in place of the username, with their password (if they set
    one). After axes' check and Django's own backend (a username that happens to be the number
    is found there first); only accounts that sign in by phone (``policy.signs_in_by_phone``)
    are found by number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        try:
            mobile = read_mobile(username)
        except Invalid:
            return None
        user = account_by_mobile(mobile)
        if user is None:
            # Hash anyway: an unknown number takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
