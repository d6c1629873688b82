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
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase, BooleanFilter, IdFilter, StrictOrderingFilter
from minsheng.api.fields import StrictSerializer
from minsheng.api.schema import READ_ERRORS, WRITE_ERRORS, errors
from minsheng.core.ids import MAX_ID
from minsheng.core.inputs import Invalid, read_datetime, read_month
from minsheng.orders import candidates, policy, selectors, services
from minsheng.orders.models import OPEN_STATUSES, Channel, Order, Rating, Status
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
    RatingBody,
    RatingSerializer,
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
    context = {
        "request": request,
        "reading": policy.reading_of(user, order),
        "entries": selectors.timeline_for(user, order),
        "ratings": selectors.ratings_for(user, order),
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
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


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
