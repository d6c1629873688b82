"""Shared plumbing of ``/api/v1/``: authentication, parsing, pagination, ordering, errors.

Every refusal has one shape, ``{"errors": [{"code", "field", "message"}]}``, whether it is a
:class:`DomainError` from a service (its own status code), a body that is not JSON or not
the right shape (400), a bad query parameter (400), missing credentials (401) or an object
outside the caller's scope (404).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant as json_strict_constant
from rest_framework.views import set_rollback

from minsheng.accounts.models import Profile
from minsheng.core.errors import DomainError
from minsheng.core.ids import MAX_ID
from minsheng.core.inputs import Invalid, read_bool, read_int, storable
from minsheng.core.refcache import RefCache, invalidate_on_change

MAX_TOKEN = 40  # rest_framework.authtoken keys are 40 hex digits


def _printable(text: str) -> str:
    """Error text may echo the input; lone surrogates in it cannot be encoded as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _row(code: str, field: str | None, message: Any) -> dict[str, Any]:
    return {
        "code": code,
        "field": None if field is None else _printable(field),
        "message": _printable(str(message)),
    }


def _flatten(detail: Any, field: str | None = None) -> Iterator[dict[str, Any]]:
    """DRF's nested error details as flat ``{"code", "field", "message"}`` rows."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "detail", "__all__") else str(key)
            yield from _flatten(value, name if field is None else f"{field}.{name}")
    elif isinstance(detail, list):
        for item in detail:
            yield from _flatten(item, field)
    else:
        yield _row(getattr(detail, "code", None) or "invalid", field, detail)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Word domain and protocol refusals alike; anything else is a bug (and a 500)."""
    if isinstance(exc, DomainError):
        set_rollback()
        rows = [_row(e.code, e.field, e.message) for e in exc.errors]
        return Response({"errors": rows}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):  # Django's own body limit, met reading the body
        exc = PayloadTooLarge()
    if isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = f"{int(wait)}"
        if isinstance(exc.detail, dict | list):
            errors = list(_flatten(exc.detail))
        else:
            errors = [_row(getattr(exc.detail, "code", None) or exc.default_code, None, exc.detail)]
        set_rollback()
        return Response({"errors": errors}, status=exc.status_code, headers=headers)
    return None


# Token → (user, token), per process, like the other reference data read on every request:
# for MINSHENG_REFERENCE_CACHE_SECONDS (0: off). A token, user or profile written in this
# process clears it at once; another process's write (a token revoked, a user deactivated
# in the admin on another worker) reaches this one within that time to live.
_tokens: RefCache[tuple[Any, Any]] = RefCache("api-token")
invalidate_on_change(_tokens, Token, get_user_model(), Profile)


class TokenAuthentication(DRFTokenAuthentication):
    """DRF's token check, with the user's profile and region in the same query, cached.

    ``profile_of`` caches the profile on the user object; priming that cache here saves
    every API request its separate profile query.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # A key that cannot be one (PostgreSQL refuses NUL in a query) is simply wrong.
        if len(key) > MAX_TOKEN or "\x00" in key:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # An unknown key raises inside the loader: refusals are never cached.
        user, token = _tokens.get(key, lambda: self._load(key))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # Each request gets its own copy: per-request attributes stay per request.
        return copy.copy(user), token

    def _load(self, key: str) -> tuple[Any, Any]:
        token = Token.objects.select_related("user__profile__region").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        # No profile (a bare superuser): left to profile_of, which decides what that means.
        with contextlib.suppress(ObjectDoesNotExist):
            user._minsheng_profile = user.profile
        return user, token


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with Django's body size limit, and a depth bomb as a parse error."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            return json.loads(raw.decode(encoding), parse_constant=json_strict_constant)
        except (ValueError, RecursionError, LookupError) as exc:
            # RecursionError: "[[[[…" nested deeper than Python's stack; not a server error.
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (1 to 200); a page past the end is a 404.

    DRF answers a page size it cannot read with its default, silently; a client asking
    for 500 or for "abc" is told instead.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if not raw.strip():
            return self.page_size
        try:
            return read_int(raw, low=1, high=self.max_page_size)
        except Invalid as exc:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        exceptions.ErrorDetail(str(exc.message), code="invalid")
                    ]
                }
            ) from None


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` over the view's whitelist; an unknown field is a 400 naming it.

    DRF silently drops unknown fields, which hides a client's typo behind a plausible
    answer. The primary key breaks ties, so pages never overlap; empty values sort last.
    """

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        valid = self.get_valid_fields(queryset, view, {"request": request})
        allowed = {name for name, _label in valid}
        fields = [p.strip() for p in params.split(",") if p.strip()]
        unknown = [f for f in fields if f.lstrip("-") not in allowed]
        if unknown or not fields:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        exceptions.ErrorDetail(
                            str(
                                _("Order by one of: %(fields)s (prefix - for descending).")
                                % {"fields": ", ".join(sorted(allowed))}
                            ),
                            code="invalid_ordering",
                        )
                    ]
                }
            )
        tie = "-pk" if fields[-1].startswith("-") else "pk"
        # Empty deadlines last either way, on SQLite and PostgreSQL alike.
        return [
            F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
            for f in fields
        ] + [tie]


class StrictBooleanField(forms.Field):
    """``true``/``false`` (``core.inputs.read_bool``); anything else is an error, not "no
    filter"."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        try:
            return read_bool(value)
        except Invalid:
            raise forms.ValidationError(_("Give true or false."), code="invalid") from None


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number that a bigint column can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class APIBase(GenericAPIView):
    """Shared policies: token or session login, JSON in and out, one error shape."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes: Sequence[Any] = [IsAuthenticated]
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class: type[Pagination] | None = Pagination
    filter_backends: Sequence[Any] = []

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return api_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # No row is named with a NUL (PostgreSQL refuses it in any text): not found.
        if any(isinstance(v, str) and not storable(v) for v in kwargs.values()):
            raise exceptions.NotFound()
        # PostgreSQL refuses NUL in any text it is given: a bad parameter, not a crash.
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise exceptions.ValidationError(
                    {
                        _printable(key.replace("\x00", "")): [
                            exceptions.ErrorDetail(str(_("Invalid character.")), code="invalid")
                        ]
                    }
                )


class PublicReadBase(APIBase):
    """Reads anyone may make, as on the public portal (a bad token is still a 401)."""

    permission_classes = [AllowAny]
