"""View decorators shared by every app's pages: who may open a page, and refusing input no
database can store."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict

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


# --- A form kept across a re-login (issue 8) ---------------------------------------------------

KEPT_FORM = "kept_form"
# A kept form is text a person typed: a few kilobytes. Anything larger is not kept (the
# session would carry it on every request until the login).
MAX_KEPT_FORM = 20_000
_NOT_KEPT = {"csrfmiddlewaretoken"}


def keep_form_across_login(view: View) -> View:
    """A form sent after the session expired is kept in the (new) session, and the person
    goes to the login page; back on the page after logging in, ``kept_form`` gives the
    form its values again. Nothing is submitted on their behalf: they check it and send it.
    Put it above the view's ``allowed``/``signed_in``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            fields = {k: v for k, v in request.POST.lists() if k not in _NOT_KEPT}
            size = sum(len(k) + sum(len(v) for v in vs) for k, vs in fields.items())
            if not _has_nul(request) and size <= MAX_KEPT_FORM:
                request.session[KEPT_FORM] = {"path": request.path, "fields": fields}
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def kept_form(request: HttpRequest) -> QueryDict | None:
    """The form kept for this page before a login, once (it is then forgotten)."""
    kept = request.session.get(KEPT_FORM)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[KEPT_FORM]
    data = QueryDict(mutable=True)
    for key, values in (kept.get("fields") or {}).items():
        data.setlist(str(key), [str(v) for v in values])
    data._mutable = False
    return data
