"""OpenAPI pieces the generator cannot infer: the error envelope and which statuses carry it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable reason.")
    field = serializers.CharField(
        allow_null=True, help_text="The input refused (a body field or query parameter)."
    )
    message = serializers.CharField(help_text="A sentence for people, in the request language.")


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorRowSerializer(many=True)


_MEANING = {
    400: "Invalid input: the rows name each field refused.",
    401: "Missing or invalid credentials.",
    403: "Not permitted for this user (role or region scope), or a session write without CSRF.",
    404: "No such object in the caller's scope, or a page past the end.",
    409: "The object is not in a state that allows this (illegal transition, already rated).",
    413: "The request body is too large.",
}


def errors(*codes: int) -> dict[int, Any]:
    """``responses=`` entries for these error statuses, all in the one error shape."""
    return {c: OpenApiResponse(ErrorsSerializer, description=_MEANING[c]) for c in codes}


# What any authenticated endpoint may answer besides its own statuses.
READ_ERRORS = (400, 401, 403, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413)
