"""``/api/v1/activities/``: the announced and held activities, public to read; a resident
signs up through the same service and policy as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase, PublicReadBase
from minsheng.api.schema import WRITE_ERRORS, errors
from minsheng.core.ids import as_id
from minsheng.regions.models import Region

from ..models import Activity
from ..policy import activities as policy
from ..selectors import activities as sel
from ..services import activities as svc


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    kind_name = serializers.SerializerMethodField()
    village = serializers.SerializerMethodField()
    township = serializers.SerializerMethodField()
    facility = serializers.SerializerMethodField()
    signups = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "kind_name",
            "village",
            "township",
            "facility",
            "description",
            "custom",
            "starts_at",
            "ends_at",
            "capacity",
            "signups",
            "status",
            "attendance",
            "announced_at",
        ]
        read_only_fields = fields

    def get_kind(self, obj: Activity) -> str:
        return obj.kind.code

    def get_kind_name(self, obj: Activity) -> str:
        return obj.kind.name

    def get_village(self, obj: Activity) -> str:
        return obj.village.code

    def get_township(self, obj: Activity) -> str:
        return obj.township.code

    def get_facility(self, obj: Activity) -> int | None:
        return obj.facility_id

    def get_signups(self, obj: Activity) -> int:
        return int(getattr(obj, "signup_count", 0))


class ActivityDetailSerializer(ActivitySerializer):
    signed_up = serializers.SerializerMethodField()
    cancel_reason = serializers.CharField(read_only=True)

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "cancel_reason", "signed_up"]
        read_only_fields = fields

    def get_signed_up(self, obj: Activity) -> bool:
        return sel.signup_of(self.context.get("user"), obj) is not None


class ActivityFilter(django_filters.FilterSet):
    township = django_filters.CharFilter(method="by_region", max_length=20)
    village = django_filters.CharFilter(method="by_region", max_length=20)
    kind = django_filters.CharFilter(field_name="kind__code", max_length=40)
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in sorted(policy.PUBLIC_STATUSES)]
    )

    class Meta:
        model = Activity
        fields = ["township", "village", "kind", "status"]

    def by_region(self, qs: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
        level = Region.Level.TOWNSHIP if name == "township" else Region.Level.VILLAGE
        region = Region.objects.filter(code=value, level=level).first()
        if region is None:
            raise exceptions.ValidationError({name: [_("No such place.")]})
        return qs.filter(**{name: region})


@extend_schema(tags=["activities"])
class ActivityList(PublicReadBase, ListAPIView):
    """The announced and held activities (anyone), the latest start first."""

    serializer_class = ActivitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        return sel.public_activities()

    @extend_schema(
        summary="List the activities",
        responses={200: ActivitySerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _answer(request: Request, pk: Any, code: int = status.HTTP_200_OK) -> Response:
    activity = sel.activity_by_id(pk) if as_id(pk) is not None else None
    if activity is None or not policy.can_see(request.user, activity):
        raise exceptions.NotFound()
    data = ActivityDetailSerializer(activity, context={"user": request.user}).data
    return Response(data, status=code)


@extend_schema(tags=["activities"])
class ActivityDetail(PublicReadBase):
    """One activity (announced, held or cancelled after announcing; drafts to organisers)."""

    serializer_class = ActivityDetailSerializer
    pagination_class = None

    @extend_schema(responses={200: ActivityDetailSerializer, **errors(401, 404)})
    def get(self, request: Request, activity_id: int) -> Response:
        return _answer(request, activity_id)


@extend_schema(tags=["activities"])
class ActivitySignup(APIBase):
    """Sign up for an announced activity (a resident, before it starts, once)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ActivityDetailSerializer
    pagination_class = None

    @extend_schema(
        summary="Sign up for an activity",
        request=None,
        responses={201: ActivityDetailSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        svc.signup_create(actor=request.user, activity_id=activity_id)
        return _answer(request, activity_id, status.HTTP_201_CREATED)


urlpatterns: list[URLPattern | URLResolver] = [
    path("activities/", ActivityList.as_view(), name="activities"),
    path("activities/<int:activity_id>/", ActivityDetail.as_view(), name="activity"),
    path(
        "activities/<int:activity_id>/signup/",
        ActivitySignup.as_view(),
        name="activity-signup",
    ),
]
