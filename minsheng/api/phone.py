"""``/api/v1/auth/code/`` and ``/api/v1/auth/phone-token/``: an app's sign-in by phone.

The same services as the pages (``minsheng.accounts.services``): a code is asked for (and
sent by SMS after commit, throttled per number and per client address in the database),
then exchanged once for the resident's API token. Both endpoints are also throttled per
client address in the cache, like the password token endpoint, so a flood is turned away
before it reaches the database.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.accounts.models import CodePurpose
from minsheng.accounts.services import phone_code_send, phone_sign_in
from minsheng.api.base import APIBase
from minsheng.api.fields import StrictSerializer
from minsheng.api.schema import ErrorsSerializer, errors
from minsheng.api.views import LoginAddressThrottle
from minsheng.core.network import client_address
from minsheng.core.phones import MAX_PHONE, mask_phone

TOO_OFTEN = {
    429: OpenApiResponse(
        ErrorsSerializer,
        description="Too many requests: `code_too_soon` (a code went to this number less than "
        "a minute ago), `number_daily_cap`, `address_daily_cap` (today's codes for this "
        "number, from this address), or `throttled` (requests from this address; try after "
        "`Retry-After` seconds).",
    )
}


class CodeRequestSerializer(StrictSerializer):
    phone = serializers.CharField(
        max_length=4 * MAX_PHONE,
        trim_whitespace=False,
        help_text="A mainland mobile; +86, spaces and dashes are allowed.",
    )
    purpose = serializers.ChoiceField(
        choices=CodePurpose.choices,
        default=CodePurpose.LOGIN,
        help_text="What the code opens: `login` (this API's phone token), `signup` or `reset` "
        "(the web pages).",
    )


class CodeSentSerializer(serializers.Serializer):
    sent_to = serializers.CharField(help_text="The number, masked (138****5678).")
    purpose = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid.")
    resend_after = serializers.IntegerField(help_text="Seconds before another code may go.")


class PhoneCredentialsSerializer(StrictSerializer):
    phone = serializers.CharField(max_length=4 * MAX_PHONE, trim_whitespace=False)
    code = serializers.CharField(max_length=32, help_text="The 6 digits from the SMS.")


class PhoneTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')


@extend_schema(tags=["auth"])
class CodeRequest(APIBase):
    """Send a one-time code by SMS to a resident's mobile."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]
    serializer_class = CodeSentSerializer

    @extend_schema(
        summary="Send a code by SMS",
        request=CodeRequestSerializer,
        responses={200: CodeSentSerializer, **errors(400, 413), **TOO_OFTEN},
    )
    def post(self, request: Request) -> Response:
        body = CodeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = phone_code_send(
            phone=body.validated_data["phone"],
            purpose=body.validated_data["purpose"],
            address=client_address(request._request),
        )
        return Response(
            {
                "sent_to": mask_phone(row.phone),
                "purpose": row.purpose,
                "expires_in": settings.MINSHENG_CODE_TTL_SECONDS,
                "resend_after": settings.MINSHENG_CODE_INTERVAL_SECONDS,
            }
        )


@extend_schema(tags=["auth"])
class PhoneToken(APIBase):
    """Exchange a mobile and the login code sent to it for the resident's API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle]
    serializer_class = PhoneTokenSerializer

    @extend_schema(
        summary="Get your API token with an SMS code",
        request=PhoneCredentialsSerializer,
        responses={200: PhoneTokenSerializer, **errors(400, 413), **TOO_OFTEN},
    )
    def post(self, request: Request) -> Response:
        body = PhoneCredentialsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = phone_sign_in(phone=body.validated_data["phone"], code=body.validated_data["code"])
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
