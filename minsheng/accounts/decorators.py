"""View decorators shared by every app's pages: who may open a page, and refusing input no
database can store."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def _has_nul(request: HttpRequest) -> bool:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
    return False


def clean_request(view: View) -> View:
    """Refuse (400) a query or form carrying NUL characters, which no database stores."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _has_nul(request):
            raise BadRequest("NUL character in the request")
        return view(request, *args, **kwargs)

    return wrapped


def allowed(may: Callable[[Any], bool]) -> Callable[[View], View]:
    """A page for those ``may(user)`` admits (a rule of the owning app's policy module):
    anonymous users go to the login page; a logged-in user it refuses gets 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return clean_request(login_required(wrapped))

    return decorator


def signed_in(view: View) -> View:
    """Any logged-in user (anonymous users go to the login page)."""
    return clean_request(login_required(view))
