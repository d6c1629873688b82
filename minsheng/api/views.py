"""``/api/v1/auth/token/`` and ``/api/v1/me/``: logging in from an app, who am I, and a new
password.

Logging in is throttled twice: per client address and per account in the cache (cheap, so a
flood is turned away before it reaches the database), and by the login lock-out
(``minsheng.accounts.lockout``: failed attempts counted in the database, refused before any
password is hashed). Both answer 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from minsheng.accounts.lockout import (
    cool_off_seconds,
    counted_username,
    is_locked_out,
    lockout_message,
    password_matches,
)
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.services import user_set_password
from minsheng.api.base import APIBase
from minsheng.api.fields import StrictSerializer
from minsheng.api.regions import RegionSerializer
from minsheng.api.schema import ErrorsSerializer, errors
from minsheng.core.errors import DomainError
from minsheng.core.network import client_address
from minsheng.orders.policy import provider_ids_of

logger = logging.getLogger(__name__)

TOO_MANY = {
    429: OpenApiResponse(
        ErrorsSerializer,
        description="Too many attempts: `locked_out` (failed logins from this address or for "
        "this account; lifted after `Retry-After` seconds or by an administrator) or "
        "`throttled` (too many requests; try after `Retry-After` seconds).",
    )
}


class LockedOut(exceptions.APIException):
    """The login lock-out refused the attempt (or this failure locked it)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(lockout_message(), self.default_code)
        self.wait = cool_off_seconds()  # the API's exception handler sends it as Retry-After


class LoginThrottle(SimpleRateThrottle):
    """A login rate in the cache (Redis in production: shared by every worker). Its rate is
    read from settings on each request; an unreachable cache lets logins through, uncounted,
    since the database lock-out still guards them."""

    rate_setting = ""

    def get_rate(self) -> str:
        rate: str = getattr(settings, self.rate_setting)
        return rate

    def allow_request(self, request: Request, view: Any) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # A body that cannot be read is refused as usual (400, 415), not counted.
        self.get_cache_key(request, view)
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("Login throttle not counted: the cache is unreachable", exc_info=True)
            return True


class LoginAddressThrottle(LoginThrottle):
    scope = "login_address"
    rate_setting = "MINSHENG_LOGIN_ADDRESS_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        address = client_address(request._request)
        return self.cache_format % {"scope": self.scope, "ident": address or "unknown"}


class LoginAccountThrottle(LoginThrottle):
    scope = "login_account"
    rate_setting = "MINSHENG_LOGIN_ACCOUNT_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username:
            return None  # no account named: the body is refused anyway
        name = counted_username(username)
        ident = hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CredentialsSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    new_password = serializers.CharField(
        max_length=4096,
        trim_whitespace=False,
        help_text="Checked against the server's password rules (length, common passwords).",
    )

    def validate_new_password(self, value: str) -> str:
        # Django's ValidationError, codes and all, becomes this field's error rows.
        password_validation.validate_password(value, self.context["user"])
        return value


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField(allow_null=True, help_text="null: no role (no profile).")
    region = RegionSerializer(allow_null=True, help_text="Home (residents) or scope (staff).")
    provider_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The active providers you work for."
    )


@extend_schema(tags=["auth"])
class TokenObtain(APIBase):
    """Exchange a username and password for the user's API token (created on first use)."""

    # Credentials in the body are the whole check: no session (so no CSRF), and a stale
    # token header must not stand in the way of getting a new one.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]
    serializer_class = TokenSerializer

    @extend_schema(
        summary="Get your API token",
        request=CredentialsSerializer,
        responses={200: TokenSerializer, **errors(400, 413), **TOO_MANY},
    )
    def post(self, request: Request) -> Response:
        body = CredentialsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=counted_username(body.validated_data["username"]),
            password=body.validated_data["password"],
        )
        if is_locked_out(request._request):
            raise LockedOut()
        if user is None or not user.is_active:
            raise DomainError.single(
                "invalid_credentials", _("Wrong username or password."), "password"
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


@extend_schema(tags=["auth"])
class Me(APIBase):
    """The signed-in user: role, region and provider teams."""

    serializer_class = MeSerializer

    @extend_schema(summary="Who am I", responses={200: MeSerializer, **errors(401, 403)})
    def get(self, request: Request) -> Response:
        user = request.user
        profile = profile_of(user)
        region = profile.region if profile is not None else None
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "display_name": (profile.display_name if profile is not None else "")
            or user.get_username(),
            "role": profile.role if profile is not None else None,
            "region": region,
            "provider_ids": provider_ids_of(user),
        }
        return Response(MeSerializer(data).data)


@extend_schema(tags=["auth"])
class MePassword(APIBase):
    """Change your password. Every API token you hold is revoked: get a new one with the new
    password. A session stays signed in."""

    serializer_class = PasswordChangeSerializer
    pagination_class = None

    @extend_schema(
        summary="Change your password",
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(description="Changed; your API tokens are revoked."),
            **errors(400, 401, 403, 413),
            **TOO_MANY,
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        body = PasswordChangeSerializer(data=request.data, context={"user": user})
        body.is_valid(raise_exception=True)
        old = body.validated_data["old_password"]
        # Checked as a login is: wrong guesses count towards the lock-out, and a locked
        # account cannot change its password either.
        if not password_matches(request=request._request, user=user, password=old):
            if is_locked_out(request._request):
                raise LockedOut()
            message = PasswordChangeForm.error_messages["password_incorrect"]
            raise DomainError.single("password_incorrect", message, "old_password")
        user_set_password(user=user, password=body.validated_data["new_password"])
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt  # it writes nothing; a POST to a wrong path is told 404, not CSRF 403
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under ``/api/v1/`` (a negative id, a typo): a 404 in the API's shape,
    not the portal's HTML page."""
    message = str(_("Not found."))
    return JsonResponse(
        {"errors": [{"code": "not_found", "field": None, "message": message}]}, status=404
    )
