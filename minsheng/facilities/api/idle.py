"""``/api/v1/idle-flags/``: the idle flags the caller may see (managers the flags of their
scope, keepers and owners their own), through the same selectors and policy as the pages.
Optional filters: ``status`` (open, closed), ``cause`` (a cause code), ``township`` (a
township's code); a bad value is a 400 naming it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase
from minsheng.api.schema import errors
from minsheng.core.errors import Code, PermissionDenied

from ..models import Cause, FlagStatus, IdleFlag
from ..policy import idle as policy
from ..selectors import idle as sel


class IdleCauseSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Cause.choices)
    figure = serializers.FloatField()
    detail = serializers.DictField()


class IdleFlagSerializer(serializers.ModelSerializer):
    facility = serializers.IntegerField(source="facility_id")
    facility_code = serializers.CharField(source="facility.code")
    facility_name = serializers.CharField(source="facility.name")
    township = serializers.SerializerMethodField()
    causes = IdleCauseSerializer(many=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)

    class Meta:
        model = IdleFlag
        fields = [
            "id",
            "facility",
            "facility_code",
            "facility_name",
            "township",
            "computed_on",
            "use_per_resident",
            "peer_median",
            "peer_count",
            "trend",
            "causes",
            "status",
            "owner",
            "due_on",
            "action",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_township(self, obj: IdleFlag) -> str | None:
        town = obj.facility.township
        return town.code if town is not None else None


def _bad(name: str, message: Any) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {name: [exceptions.ErrorDetail(str(message), code="invalid")]}
    )


@extend_schema(tags=["facilities"])
class IdleFlagList(APIBase, generics.ListAPIView):
    serializer_class = IdleFlagSerializer

    def get_queryset(self) -> QuerySet[IdleFlag]:
        params = self.request.query_params
        status = params.get("status", "")
        if status and status not in FlagStatus.values:
            raise _bad("status", _("No such status."))
        cause = params.get("cause", "")
        if cause and cause not in Cause.values:
            raise _bad("cause", _("No such cause."))
        town = None
        code = params.get("township", "").strip()
        if code:
            town = next((t for t in sel.townships() if t.code == code), None)
            if town is None:
                raise _bad("township", _("No such township."))
        filters = sel.Filters(township=town, cause=cause, status=status)
        return sel.flags_for(self.request.user, filters)

    @extend_schema(
        summary="The idle flags you may see (managers: your scope; keepers: your own)",
        parameters=[
            OpenApiParameter("status", str, enum=FlagStatus.values),
            OpenApiParameter("cause", str, enum=Cause.values),
            OpenApiParameter("township", str, description="A township's code."),
        ],
        responses={200: IdleFlagSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_use_idle_pages(request.user):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("You may not see idle flags."), None
            )
        return super().get(request, *args, **kwargs)


urlpatterns: list[URLPattern | URLResolver] = [
    path("idle-flags/", IdleFlagList.as_view(), name="idle-flags"),
]
