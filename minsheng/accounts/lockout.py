"""Login throttling: django-axes counts failed logins in the database and locks an account,
and a client address, after ``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``.

Every way in calls ``django.contrib.auth.authenticate`` (the login page, the admin's, the
REST token endpoint, the old-password check of a password change), and axes' backend comes
first: a locked attempt is refused there, before any password is hashed. The way in then
words the refusal itself (a form error, the API's error rows); ``lockout_response`` (axes'
``AXES_LOCKOUT_CALLABLE``) only gives that answer axes' status and ``Retry-After``.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import ngettext

from minsheng.core.inputs import Invalid
from minsheng.core.phones import read_mobile


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(cool_off_seconds() / 60)
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute, or ask a county "
        "administrator to lift the lock.",
        "Too many failed logins. Try again in %(minutes)d minutes, or ask a county "
        "administrator to lift the lock.",
        minutes,
    ) % {"minutes": minutes}


def counted_username(username: str) -> str:
    """The name a password login is made and counted under: a mobile number (which residents
    give in place of their username) in its stored form, however it was written, so that
    "138 0000 0001" and "+8613800000001" are one account to the lock; else the name as typed."""
    try:
        return read_mobile(username)
    except Invalid:
        return username


def is_locked_out(request: HttpRequest) -> bool:
    """Whether axes refused (or has just locked) this request's login attempt."""
    return bool(getattr(request, "axes_locked_out", False))


def password_matches(*, request: HttpRequest, user: Any, password: str) -> bool:
    """Whether ``password`` is ``user``'s, asked the way a login is, so that axes counts a
    wrong one and refuses while the account or address is locked (see ``is_locked_out``)."""
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponseBase | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """axes' answer to a locked attempt: the view's own answer (which already says why),
    with axes' status and when to try again."""
    response = original_response
    if response is None:  # a way in that did not answer: say it plainly
        response = HttpResponse(lockout_message(), content_type="text/plain; charset=utf-8")
    response.status_code = settings.AXES_HTTP_RESPONSE_CODE
    response["Retry-After"] = str(cool_off_seconds())
    return response
