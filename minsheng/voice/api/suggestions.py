"""``/api/v1/suggestions/``: the suggestions, public to read; posting, support, reports and
official replies for the signed-in, through the same services and policy as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase, StrictOrderingFilter
from minsheng.api.schema import WRITE_ERRORS, errors
from minsheng.core.ids import as_id
from minsheng.voice.models import Suggestion, SuggestionEvent, SuggestionKind, SuggestionStatus
from minsheng.voice.policy import suggestions as policy
from minsheng.voice.selectors import suggestions as sel
from minsheng.voice.services import suggestions as svc


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionEvent
        fields = ["action", "old_status", "new_status", "note", "audience", "created_at"]
        read_only_fields = fields


class SuggestionSerializer(serializers.ModelSerializer):
    """A suggestion as the caller may read it: a hidden one's title and text are empty
    for everyone but its moderators (``hidden_reason`` says why)."""

    place = serializers.SerializerMethodField()
    township = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    service = serializers.SerializerMethodField()
    result_service = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "place",
            "township",
            "area",
            "service",
            "status",
            "support_count",
            "support_counted",
            "created_at",
            "support_until",
            "threshold_reached_at",
            "reply_due",
            "replied_at",
            "reply",
            "result_service",
            "result_url",
            "hidden",
            "hidden_reason",
        ]
        read_only_fields = fields

    def _readable(self, obj: Suggestion) -> bool:
        return policy.can_read_text(self.context.get("user"), obj)

    def get_title(self, obj: Suggestion) -> str:
        return obj.title if self._readable(obj) else ""

    def get_body(self, obj: Suggestion) -> str:
        return obj.body if self._readable(obj) else ""

    def get_hidden(self, obj: Suggestion) -> bool:
        return obj.hidden_at is not None

    def get_place(self, obj: Suggestion) -> str:
        return obj.region.code

    def get_township(self, obj: Suggestion) -> str | None:
        region = obj.region
        if region.level == "township":
            return region.code
        return region.parent.code if region.parent is not None else None

    def get_area(self, obj: Suggestion) -> str | None:
        return obj.area.code if obj.area is not None else None

    def get_service(self, obj: Suggestion) -> str | None:
        return obj.service.code if obj.service is not None else None

    def get_result_service(self, obj: Suggestion) -> str | None:
        return obj.result_service.code if obj.result_service is not None else None


class SuggestionDetailSerializer(SuggestionSerializer):
    history = serializers.SerializerMethodField()

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "history"]
        read_only_fields = fields

    def get_history(self, obj: Suggestion) -> list[dict[str, Any]]:
        events = sel.history_for(self.context.get("user"), obj)
        return list(EventSerializer(events, many=True).data)


class PostSerializer(serializers.Serializer):
    """What a resident (or a grid worker, for a resident) posts."""

    kind = serializers.ChoiceField(choices=SuggestionKind.choices)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=2000)
    place = serializers.CharField(help_text="A village's or township's code.")
    area = serializers.CharField(required=False, help_text="A service area's code.")
    service = serializers.CharField(required=False, help_text="A menu service's code.")
    resident = serializers.IntegerField(
        required=False, help_text="Grid workers: the id of the resident it is posted for."
    )


class FlagSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    reply = serializers.CharField(required=False, max_length=2000)
    reason = serializers.CharField(required=False, max_length=2000)
    result_service = serializers.CharField(required=False)
    result_url = serializers.CharField(required=False, max_length=300)
    note = serializers.CharField(required=False, max_length=2000)


def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent (the services read and check each field)."""
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"body": [_("Send a JSON object.")]})
    return request.data


class SuggestionFilter(django_filters.FilterSet):
    place = django_filters.CharFilter(method="by_place", max_length=20, help_text="A region code.")
    status = django_filters.ChoiceFilter(choices=SuggestionStatus.choices)
    area = django_filters.CharFilter(field_name="area__code", max_length=40)

    class Meta:
        model = Suggestion
        fields = ["place", "status", "area"]

    def by_place(self, qs: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        from minsheng.regions.models import Region

        region = Region.objects.filter(code=value).first()
        if region is None:
            raise exceptions.ValidationError({"place": [_("No such place.")]})
        return qs.filter(sel.place_q(region))


def _context(request: Request) -> dict[str, Any]:
    return {"user": request.user}


@extend_schema(tags=["suggestions"])
class SuggestionListCreate(APIBase, generics.ListAPIView):
    """``GET``: the suggestions not hidden (anyone). ``POST``: post one (signed in)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = SuggestionSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = SuggestionFilter
    ordering_fields = ["support_count", "created_at"]
    ordering = ["-support_count", "-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Suggestion]:
        return sel.public_suggestions()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **_context(self.request)}

    @extend_schema(
        summary="List the suggestions",
        responses={200: SuggestionSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Post a suggestion",
        request=PostSerializer,
        responses={201: SuggestionDetailSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        s = svc.suggestion_post(
            actor=request.user,
            data=svc.SuggestionInput(
                kind=data.get("kind", ""),
                title=data.get("title", ""),
                body=data.get("body", ""),
                place=data.get("place", ""),
                area=data.get("area", ""),
                service=data.get("service", ""),
                resident=data.get("resident"),
            ),
        )
        return _answer(request, s.pk, status.HTTP_201_CREATED)


def _answer(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    s = sel.suggestion_by_id(pk)
    if s is None:
        raise exceptions.NotFound()
    return Response(SuggestionDetailSerializer(s, context=_context(request)).data, status=code)


@extend_schema(tags=["suggestions"])
class SuggestionDetail(APIBase):
    """One suggestion and the steps of its history the caller may read."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = SuggestionDetailSerializer
    pagination_class = None

    @extend_schema(responses={200: SuggestionDetailSerializer, **errors(401, 404)})
    def get(self, request: Request, suggestion_id: int) -> Response:
        if as_id(suggestion_id) is None:
            raise exceptions.NotFound()
        return _answer(request, suggestion_id)


class _Action(APIBase):
    permission_classes = [IsAuthenticated]
    serializer_class = SuggestionDetailSerializer
    pagination_class = None


@extend_schema(tags=["suggestions"])
class SuggestionSupport(_Action):
    @extend_schema(
        summary="Support a suggestion",
        request=None,
        responses={200: SuggestionDetailSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        svc.suggestion_support(actor=request.user, suggestion_id=suggestion_id)
        return _answer(request, suggestion_id)


@extend_schema(tags=["suggestions"])
class SuggestionFlag(_Action):
    @extend_schema(
        summary="Report a suggestion",
        request=FlagSerializer,
        responses={200: SuggestionDetailSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        data = _body(request)
        svc.suggestion_flag(
            actor=request.user, suggestion_id=suggestion_id, reason=data.get("reason", "")
        )
        return _answer(request, suggestion_id)


@extend_schema(tags=["suggestions"])
class SuggestionReply(_Action):
    @extend_schema(
        summary="Give the official reply and change the status",
        request=ReplySerializer,
        responses={200: SuggestionDetailSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        data = _body(request)
        svc.suggestion_reply(
            actor=request.user,
            suggestion_id=suggestion_id,
            data=svc.ReplyInput(
                status=data.get("status", ""),
                reply=data.get("reply", ""),
                reason=data.get("reason", ""),
                result_service=data.get("result_service", ""),
                result_url=data.get("result_url", ""),
                note=data.get("note", ""),
            ),
        )
        return _answer(request, suggestion_id)
