"""``/api/v1/auth/token/`` and ``/api/v1/me/``: logging in from an app, and who am I."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.accounts.selectors import profile_of
from minsheng.api.base import APIBase
from minsheng.api.fields import StrictSerializer
from minsheng.api.regions import RegionSerializer
from minsheng.api.schema import errors
from minsheng.core.errors import DomainError
from minsheng.orders.policy import provider_ids_of


class CredentialsSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')


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
    serializer_class = TokenSerializer

    @extend_schema(
        summary="Get your API token",
        request=CredentialsSerializer,
        responses={200: TokenSerializer, **errors(400, 413)},
    )
    def post(self, request: Request) -> Response:
        body = CredentialsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
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


@csrf_exempt  # it writes nothing; a POST to a wrong path is told 404, not CSRF 403
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under ``/api/v1/`` (a negative id, a typo): a 404 in the API's shape,
    not the portal's HTML page."""
    message = str(_("Not found."))
    return JsonResponse(
        {"errors": [{"code": "not_found", "field": None, "message": message}]}, status=404
    )
