"""REST adapter for orders (``/api/v1/orders/``, ``/api/v1/ratings/``): parse, call one
service or selector, render.

Scopes are the web's: ``selectors.orders_visible_to`` decides what a caller may list and
``selectors.order_for`` what they may open; any other id is a 404, as if it did not exist.
Each lifecycle step is its own ``POST`` and answers with the updated order; a service's
refusal keeps its code and status (403 not permitted, 409 not in this state).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import (
    APIBase,
    BooleanFilter,
    IdFilter,
    PayloadTooLarge,
    StrictOrderingFilter,
)
from minsheng.api.fields import StrictSerializer
from minsheng.api.schema import READ_ERRORS, WRITE_ERRORS, errors
from minsheng.core.files import private_file
from minsheng.core.ids import MAX_ID, as_id
from minsheng.core.inputs import Invalid, read_datetime, read_month
from minsheng.orders import candidates, policy, selectors, services
from minsheng.orders.models import OPEN_STATUSES, Channel, ContactView, Order, Rating, Status
from minsheng.orders.serializers import (
    CandidateSerializer,
    CommentBody,
    DispatchBody,
    EmptyBody,
    GrabBody,
    MergeBody,
    NoteBody,
    OptionalReasonBody,
    OrderDetailSerializer,
    OrderInputSerializer,
    OrderSerializer,
    PhotoSerializer,
    PhotoUploadBody,
    RatingBody,
    RatingSerializer,
    RatingValidityBody,
    ReasonBody,
    ReassignBody,
    RequiredNoteBody,
    UrgeBody,
)
from minsheng.regions.selectors import region_by_code

CODE = 100
_MONTH_HELP = "YYYY-MM"


# --- query parameters -------------------------------------------------------------------------


class InstantField(forms.Field):
    """An ISO 8601 date-time, or a date meaning its first instant, in the local time zone
    (``core.inputs.read_datetime``)."""

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            return read_datetime(value)
        except Invalid as exc:
            raise forms.ValidationError(str(exc.message), code="invalid") from None


class InstantFilter(django_filters.Filter):
    field_class = InstantField


class MonthField(forms.Field):
    def to_python(self, value: Any) -> date | None:
        if value in (None, ""):
            return None
        try:
            return read_month(value)
        except Invalid as exc:
            raise forms.ValidationError(str(exc.message), code="invalid") from None


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs: QuerySet[Any], value: date | None) -> QuerySet[Any]:
        if value is None:
            return qs
        start, end = selectors.month_bounds(value)
        return qs.filter(created_at__gte=start, created_at__lt=end)


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="Repeat for several: ?status=approved&status=reopened"
    )
    service = django_filters.CharFilter(field_name="service__code", max_length=CODE)
    area = django_filters.CharFilter(field_name="area__code", max_length=CODE)
    township = django_filters.CharFilter(field_name="township__code", max_length=CODE)
    region = django_filters.CharFilter(
        method="within", max_length=CODE, help_text="A region code: orders placed in it or below."
    )
    provider = IdFilter(field_name="provider_id", help_text="The provider holding the order.")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    escalated = BooleanFilter(
        method="filter_escalated", help_text="The current step was escalated as overdue."
    )
    overdue = BooleanFilter(
        method="filter_overdue", help_text="Open, and the current step's time limit has passed."
    )
    created_after = InstantFilter(
        field_name="created_at", lookup_expr="gte", help_text="Ordered at or after this."
    )
    created_before = InstantFilter(
        field_name="created_at", lookup_expr="lt", help_text="Ordered before this."
    )

    class Meta:
        model = Order
        fields = [
            "status",
            "service",
            "area",
            "township",
            "region",
            "provider",
            "channel",
            "escalated",
            "overdue",
            "created_after",
            "created_before",
        ]

    def within(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        region = region_by_code(value)
        if region is None:
            return queryset.none()
        return queryset.filter(policy.region_scope_q(region))

    def filter_escalated(
        self, queryset: QuerySet[Order], name: str, value: bool | None
    ) -> QuerySet[Order]:
        if value is None:
            return queryset
        return queryset.filter(escalated_at__isnull=not value)

    def filter_overdue(
        self, queryset: QuerySet[Order], name: str, value: bool | None
    ) -> QuerySet[Order]:
        if value is None:
            return queryset
        late = Q(status__in=OPEN_STATUSES, step_deadline__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


class RatingFilter(django_filters.FilterSet):
    township = django_filters.CharFilter(field_name="township__code", max_length=CODE)
    provider = IdFilter(field_name="provider_id")
    month = MonthFilter(help_text="Rated in this month (YYYY-MM, local time).")

    class Meta:
        model = Rating
        fields = ["township", "provider", "month"]


# --- reads ------------------------------------------------------------------------------------


def _not_found() -> exceptions.NotFound:
    return exceptions.NotFound(_("No such order."), code="order_not_found")


def _visible(request: Request, order_id: int) -> Order:
    # Beyond a bigint the database would refuse the query itself: no such order.
    order = selectors.order_for(request.user, order_id) if order_id <= MAX_ID else None
    if order is None:
        raise _not_found()
    return order


def order_detail(request: Request, order: Order) -> dict[str, Any]:
    """One order as the caller reads it: the same timeline the web and Open311 show."""
    user = request.user
    shown = services.contact_views_record(user=user, orders=[order], where=ContactView.Where.REST)
    context = {
        "request": request,
        "contact": shown[order.pk],
        "reading": policy.reading_of(user, order),
        "entries": selectors.timeline_for(user, order),
        "ratings": selectors.ratings_for(user, order),
        "photos": selectors.photos_for(user, order),
    }
    data: dict[str, Any] = OrderDetailSerializer(order, context=context).data
    return data


@extend_schema(tags=["orders"])
class OrderListCreate(APIBase, generics.ListAPIView):
    """``GET``: the caller's visible orders. ``POST``: order (点单)."""

    serializer_class = OrderSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "updated_at", "step_deadline", "resolve_deadline"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.orders_visible_to(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "details": lambda order: policy.reading_of(user, order).details,
        }

    @extend_schema(
        summary="List the orders you may see",
        responses={200: OrderSerializer(many=True), **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # ListAPIView's, with the page's contacts shown (and logged) as the caller reads them.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates
        shown = services.contact_views_record(
            user=request.user, orders=page, where=ContactView.Where.REST
        )
        context = {**self.get_serializer_context(), "contacts": shown}
        return self.get_paginated_response(OrderSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Order a service or a free-form need (点单)",
        request=OrderInputSerializer,
        responses={201: OrderSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.order_submit(actor=request.user, data=serializer.order_input())
        # The list shape, from the rows order_submit already holds: ordering is the hot
        # write path, and the timeline (one submit step) is a GET away.
        shown = services.contact_views_record(
            user=request.user, orders=[order], where=ContactView.Where.REST
        )
        data = OrderSerializer(order, context={"contacts": shown}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orders"])
class OrderDetail(APIBase):
    """One order the caller may see, with its timeline and ratings."""

    serializer_class = OrderDetailSerializer

    @extend_schema(
        summary="One order, with its timeline and ratings",
        responses={200: OrderDetailSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, order_id: int) -> Response:
        return Response(order_detail(request, _visible(request, order_id)))


@extend_schema(tags=["orders"])
class OrderCandidates(APIBase):
    """Providers that may take the order, best first: for its dispatchers."""

    serializer_class = CandidateSerializer
    pagination_class = None

    @extend_schema(
        summary="Candidate providers for dispatch (派单)",
        responses={200: CandidateSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = _visible(request, order_id)
        policy.require("candidates", request.user, order)
        rows = [
            {
                "provider": {"id": c.provider.pk, "name": c.provider.name, "kind": c.provider.kind},
                "score": c.score,
                "distance_km": c.distance_km,
                "remaining": c.remaining,
                "performance": c.performance,
                "declined": c.declined,
                "failed_round": c.failed_round,
                "available": c.available,
            }
            for c in candidates.candidates(order)
        ]
        return Response(CandidateSerializer(rows, many=True).data)


@extend_schema(tags=["ratings"])
class RatingList(APIBase, generics.ListAPIView):
    """Ratings and callbacks: staff within their scope, residents their own."""

    serializer_class = RatingSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = RatingFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Rating]:
        return selectors.ratings_visible_to(self.request.user)

    @extend_schema(
        summary="Ratings and callbacks (评单)",
        responses={200: RatingSerializer(many=True), **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- lifecycle actions ------------------------------------------------------------------------


class OrderAction(APIBase):
    """``POST /orders/{id}/<action>/``: one service call; answers with the updated order.

    The order must be visible to the caller (else 404); whether they may take this step
    and whether the order is in a state that allows it is the service's decision.
    """

    body: type[StrictSerializer] = EmptyBody
    serializer_class = OrderDetailSerializer

    def find(self, request: Request, order_id: int) -> Order:
        return _visible(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, order_id: int) -> Response:
        order = self.find(request, order_id)
        # No body at all is an empty object: actions without fields need none.
        raw = request.data if request.data or request.content_type else {}
        body = self.body(data=raw)
        body.is_valid(raise_exception=True)
        self.perform(request, order, dict(body.validated_data))
        fresh = selectors.order_for(request.user, order.pk)
        if fresh is None:
            # A step that moves the order out of the caller's sight (a provider's staff
            # declining it) still succeeded: answer with what they last saw, updated.
            fresh = Order.objects.select_related(*selectors.ORDER_JOINS).get(pk=order.pk)
        return Response(order_detail(request, fresh))


def _action(
    name: str, summary: str, body: type[StrictSerializer], codes: tuple[int, ...] = WRITE_ERRORS
) -> Any:
    return extend_schema(
        tags=["order actions"],
        operation_id=f"orders_{name}",
        summary=summary,
        request=body,
        responses={200: OrderDetailSerializer, **errors(*codes)},
    )


class OrderApprove(OrderAction):
    body = NoteBody

    @_action("approve", "Approve at review (审单); dispatchers", NoteBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_approve(
            order_id=order.pk,
            actor=request.user,
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderReject(OrderAction):
    body = ReasonBody

    @_action("reject", "Reject at review, with a reason; dispatchers", ReasonBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_reject(
            order_id=order.pk, actor=request.user, reason=data.get("reason") or ""
        )


class OrderDispatch(OrderAction):
    body = DispatchBody

    @_action(
        "dispatch",
        "Dispatch a queued order to a provider (派单); dispatchers. An order already "
        "dispatched is a 409 (already_dispatched): re-dispatch it explicitly.",
        DispatchBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_dispatch(
            order_id=order.pk,
            actor=request.user,
            provider_id=data["provider_id"],
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderRedispatch(OrderAction):
    body = DispatchBody

    @_action(
        "redispatch",
        "Take a dispatched order from its provider and send it to another; dispatchers",
        DispatchBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_redispatch(
            order_id=order.pk,
            actor=request.user,
            provider_id=data["provider_id"],
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderDecline(OrderAction):
    body = ReasonBody

    @_action("decline", "Give a dispatched order back, with a reason; provider staff", ReasonBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_decline(
            order_id=order.pk, actor=request.user, reason=data.get("reason") or ""
        )


class OrderAccept(OrderAction):
    body = EmptyBody

    @_action("accept", "Accept a dispatched order (接单); provider staff", EmptyBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_accept(order_id=order.pk, actor=request.user)


class OrderGrab(OrderAction):
    body = GrabBody

    @_action("grab", "Grab a queued grab-mode order; provider staff", GrabBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def find(self, request: Request, order_id: int) -> Order:
        order = selectors.order_for_grab(request.user, order_id) if order_id <= MAX_ID else None
        if order is None:
            raise _not_found()
        return order

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_grab(
            order_id=order.pk, actor=request.user, provider_id=data.get("provider_id")
        )


class OrderStart(OrderAction):
    body = NoteBody

    @_action("start", "Start the service; provider staff", NoteBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_start(
            order_id=order.pk,
            actor=request.user,
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderDeliver(OrderAction):
    body = RequiredNoteBody

    @_action("deliver", "Deliver, saying what was done; provider staff", RequiredNoteBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_deliver(
            order_id=order.pk,
            actor=request.user,
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderCancel(OrderAction):
    body = OptionalReasonBody

    @_action("cancel", "Cancel an open order; the resident or staff", OptionalReasonBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_cancel(
            order_id=order.pk, actor=request.user, reason=data.get("reason") or ""
        )


class OrderRate(OrderAction):
    body = RatingBody

    @_action("rate", "Rate a delivered order (评单); the resident", RatingBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_rate(order_id=order.pk, actor=request.user, data=_rating(data))


class OrderCallback(OrderAction):
    body = RatingBody

    @_action("callback", "Record a callback rating for the resident; staff", RatingBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_callback(order_id=order.pk, actor=request.user, data=_rating(data))


class OrderComment(OrderAction):
    body = CommentBody

    @_action("comment", "Add an update to the timeline; the resident or staff", CommentBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_comment(
            order_id=order.pk,
            actor=request.user,
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


def _rating(data: dict[str, Any]) -> services.RatingInput:
    return services.RatingInput(
        contacted=data["contacted"],
        solved=data["solved"],
        satisfaction=data["satisfaction"],
        comment=data.get("comment") or "",
    )


# --- a dispatcher's day (issue 8) ----------------------------------------------------------------


class OrderApproveDispatch(OrderAction):
    body = DispatchBody

    @_action(
        "approve_dispatch",
        "Approve a submitted order and dispatch it to a provider in one step (审单+派单); "
        "dispatchers. All or nothing: a provider that may not take it leaves it submitted.",
        DispatchBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_approve_dispatch(
            order_id=order.pk,
            actor=request.user,
            provider_id=data["provider_id"],
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderReassign(OrderAction):
    body = ReassignBody

    @_action(
        "reassign",
        "Take an accepted or in-service order from its provider and dispatch it to another; "
        "dispatchers",
        ReassignBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_reassign(
            order_id=order.pk,
            actor=request.user,
            provider_id=data["provider_id"],
            reason=data.get("reason") or "",
        )


class OrderUrge(OrderAction):
    body = UrgeBody

    @_action(
        "urge",
        "Urge (催办) the provider holding an open order; dispatchers. A closed order is a "
        "409 (order_final), one no provider holds a 409 (not_with_provider).",
        UrgeBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_urge(order_id=order.pk, actor=request.user, note=data.get("note") or "")


class OrderNote(OrderAction):
    body = CommentBody

    @_action("note", "Add an internal note (staff only by default); staff", CommentBody)
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_note(
            order_id=order.pk,
            actor=request.user,
            note=data.get("note") or "",
            audience=data.get("audience"),
        )


class OrderEscalateCounty(OrderAction):
    body = ReasonBody

    @_action(
        "escalate_county",
        "Hand an open order up to the county, with a reason; township dispatchers",
        ReasonBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_escalate_county(
            order_id=order.pk, actor=request.user, reason=data.get("reason") or ""
        )


class OrderMerge(OrderAction):
    body = MergeBody

    @_action(
        "merge",
        "Close this order as a duplicate (重复件) of keep_id; dispatchers. Refused: the same "
        "order (merge_same_order), two townships (merge_across_townships), an ended order "
        "(order_final).",
        MergeBody,
    )
    def post(self, request: Request, order_id: int) -> Response:
        return super().post(request, order_id)

    def perform(self, request: Request, order: Order, data: dict[str, Any]) -> None:
        services.order_merge(
            duplicate_id=order.pk,
            keep_id=data["keep_id"],
            actor=request.user,
            note=data.get("note") or "",
        )


ACTIONS: dict[str, type[OrderAction]] = {
    "approve": OrderApprove,
    "reject": OrderReject,
    "dispatch": OrderDispatch,
    "redispatch": OrderRedispatch,
    "decline": OrderDecline,
    "accept": OrderAccept,
    "grab": OrderGrab,
    "start": OrderStart,
    "deliver": OrderDeliver,
    "cancel": OrderCancel,
    "rate": OrderRate,
    "callback": OrderCallback,
    "comment": OrderComment,
    # a dispatcher's day (issue 8)
    "approve-dispatch": OrderApproveDispatch,
    "reassign": OrderReassign,
    "urge": OrderUrge,
    "note": OrderNote,
    "escalate-county": OrderEscalateCounty,
    "merge": OrderMerge,
}


# --- whether a rating counts (issue 8) ---------------------------------------------------------


@extend_schema(tags=["ratings"])
class RatingValidity(APIBase):
    """``POST /ratings/{id}/validity/``: mark a rating as counting in the rates or not.

    The rating must be one the caller may list (else 404); whether they may change it is
    ``policy.rating_validity_refusal`` (dispatchers in the order's region and county
    administrators; 409 ``rating_validity_unchanged`` when it already is so).
    """

    serializer_class = RatingSerializer

    @extend_schema(
        operation_id="ratings_validity",
        summary="Count a rating in the rates, or leave it out; dispatchers",
        request=RatingValidityBody,
        responses={200: RatingSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, rating_id: int) -> Response:
        found = (
            selectors.ratings_visible_to(request.user).filter(pk=rating_id).first()
            if rating_id <= MAX_ID
            else None
        )
        if found is None:
            raise exceptions.NotFound(_("No such rating."), code="rating_not_found")
        body = RatingValidityBody(data=request.data)
        body.is_valid(raise_exception=True)
        rating = services.rating_set_valid(
            rating_id=found.pk,
            actor=request.user,
            valid=body.validated_data["valid"],
            reason=body.validated_data.get("reason") or "",
        )
        return Response(RatingSerializer(rating).data)


# --- photos (issue 8) -------------------------------------------------------------------------

# Room for the multipart envelope around one photo of the largest size allowed.
_ENVELOPE = 64 * 1024


class ImageRenderer(BaseRenderer):
    """Lets a client ask for an image (``Accept: image/*``); the view streams the file."""

    media_type = "image/*"
    format = "image"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        raise NotImplementedError  # only file responses, never rendered (see finalize_response)


@extend_schema(tags=["orders"])
class OrderPhotos(APIBase):
    """Add a photo to an order: the resident's (or their orderer's) of the need while the
    order is open; the provider's proof of delivery while delivering. Which kind it is
    follows from who sends it."""

    parser_classes = [MultiPartParser]
    serializer_class = PhotoSerializer
    pagination_class = None

    @extend_schema(
        operation_id="orders_photos_create",
        summary="Add a photo (multipart, field photo)",
        request={"multipart/form-data": PhotoUploadBody},
        responses={201: PhotoSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, order_id: int) -> Response:
        order = _visible(request, order_id)
        length = as_id(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > settings.MINSHENG_PHOTO_MAX_BYTES + _ENVELOPE:
            # Refused before the body is read: an 8 MB limit is not checked after 8 GB.
            raise PayloadTooLarge()
        body = PhotoUploadBody(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.order_photo_add(
            order_id=order.pk, actor=request.user, upload=body.validated_data["photo"]
        )
        return Response(
            PhotoSerializer(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class _PhotoFile(APIBase):
    renderer_classes = [JSONRenderer, ImageRenderer]
    pagination_class = None
    thumbnail = False

    def get(self, request: Request, order_id: int, photo_id: int) -> HttpResponseBase:
        photo = selectors.photo_for(request.user, order_id, photo_id)
        if photo is None:
            raise exceptions.NotFound(_("No such photo."), code="photo_not_found")
        served = selectors.photo_file(photo, thumbnail=self.thumbnail)
        return private_file(
            served.file.open("rb"), content_type=served.content_type, filename=served.filename
        )

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if isinstance(response, Response):
            # Refusals are JSON, whatever image type the client asked for.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        result: HttpResponseBase = super().finalize_response(request, response, *args, **kwargs)
        return result


_IMAGES = {(200, t): OpenApiTypes.BINARY for t in ("image/jpeg", "image/png", "image/webp")}
# Refusals are JSON whatever was asked for (see _PhotoFile.finalize_response).
_FILE_ERRORS = {(code, "application/json"): r for code, r in errors(400, 401, 404).items()}


@extend_schema(tags=["orders"])
class OrderPhotoFile(_PhotoFile):
    """One photo of an order, for those who read the order's details; 404 for others."""

    @extend_schema(
        operation_id="orders_photo_file",
        summary="A photo of an order (JPEG, PNG or WebP)",
        responses={**_IMAGES, **_FILE_ERRORS},
    )
    def get(self, request: Request, order_id: int, photo_id: int) -> HttpResponseBase:
        return super().get(request, order_id, photo_id)


@extend_schema(tags=["orders"])
class OrderPhotoThumb(_PhotoFile):
    """A photo's JPEG thumbnail."""

    thumbnail = True

    @extend_schema(
        operation_id="orders_photo_thumbnail",
        summary="A photo's thumbnail (JPEG)",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **_FILE_ERRORS},
    )
    def get(self, request: Request, order_id: int, photo_id: int) -> HttpResponseBase:
        return super().get(request, order_id, photo_id)
