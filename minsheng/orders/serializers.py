"""JSON shapes of the order API: parse and check types only; the rules live in services.

The input serializer turns a request body into an :class:`OrderInput` and refuses what is
not even the right shape (a string where a number goes, answers that are not an object,
fields nobody asked for). Whether the place, the service or an answer is *acceptable* is
``order_submit``'s decision, so the web form, the API and Open311 refuse the same things
with the same codes.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minsheng.api.fields import IdField, StrictBooleanField, StrictFloatField, StrictSerializer
from minsheng.core.inputs import storable
from minsheng.orders.models import (
    Audience,
    Channel,
    Order,
    OrderEvent,
    OrderPhoto,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.policy import Contact, Reading, masked_contact
from minsheng.orders.selectors import Entry
from minsheng.orders.services import OrderInput

# Generous bounds on raw input: the service applies the real limits and words them.
MAX_CODE = 100
MAX_FIELD = 10_000
MAX_ANSWERS = 100
MAX_CHOICES = 100


def _text(max_length: int = MAX_FIELD) -> serializers.CharField:
    # trim_whitespace=False: the service strips, and counts the limits itself.
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, trim_whitespace=False
    )


class OrderInputSerializer(StrictSerializer):
    """The body of ``POST /api/v1/orders/``; ``.order_input()`` once it is valid."""

    service = _text(MAX_CODE)
    area = _text(MAX_CODE)
    description = _text()
    region = serializers.CharField(max_length=MAX_CODE)
    latitude = StrictFloatField(required=False, allow_null=True)
    longitude = StrictFloatField(required=False, allow_null=True)
    address = _text()
    answers = serializers.JSONField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    contact_name = _text()
    contact_phone = _text()

    def validate_answers(self, value: Any) -> dict[str, Any]:
        """An object whose values are strings, numbers, null or lists of strings/numbers."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                _("Give the answers as an object of code: value."), code="not_object"
            )
        if len(value) > MAX_ANSWERS:
            raise serializers.ValidationError(_("Too many answers."), code="too_many")
        for key, answer in value.items():
            if not storable(key) or len(key) > MAX_CODE:
                raise serializers.ValidationError(_("Invalid question code."), code="invalid")
            items = answer if isinstance(answer, list) else [answer]
            if isinstance(answer, list) and len(answer) > MAX_CHOICES:
                raise serializers.ValidationError(_("Too many choices."), code="too_many")
            for item in items:
                if item is None and not isinstance(answer, list):
                    continue
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise serializers.ValidationError(
                        _("Each answer is a string, a number or a list of them."),
                        code="invalid",
                    )
                if isinstance(item, str) and (not storable(item) or len(item) > MAX_FIELD):
                    raise serializers.ValidationError(_("Invalid answer text."), code="invalid")
        return value

    def order_input(self, *, default_channel: str = Channel.API) -> OrderInput:
        d = self.validated_data
        return OrderInput(
            region_code=d["region"],
            service_code=d.get("service", ""),
            area_code=d.get("area", ""),
            description=d.get("description", ""),
            answers=d.get("answers") or {},
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            address=d.get("address", ""),
            channel=d.get("channel") or default_channel,
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
        )


# --- what the API answers --------------------------------------------------------------------


def _when(value: datetime | None, zone: tzinfo) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the current zone, UTC as ``Z``."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _code(obj: Any) -> str | None:
    return None if obj is None else str(obj.code)


# What a reader who may not read an order's details gets instead of them (a team that
# handed the order on: see ``orders.policy.Reading``).
# The contact is not among them: such a reader reads it masked, as everyone does who may
# not read it in full (``orders.policy.contact_of``).
WITHHELD = {
    "description": "",
    "address": "",
    "latitude": None,
    "longitude": None,
}


def order_row(
    order: Order, *, details: bool = True, contact: Contact | None = None
) -> dict[str, Any]:
    """What :class:`OrderSerializer` answers for an order, written out.

    Building a ModelSerializer's fields (model introspection, a label translated per
    field) cost more than the rest of ``POST /orders/`` together; the serializer's fields
    stay the schema, and ``test_order_row_is_what_the_serializer_fields_write`` holds the
    two to the same output, key for key. Without ``details`` the resident's words and
    place are withheld (``WITHHELD``). ``contact``: the contact as the reader is shown it
    (``orders.services.contact_views_record``, which logs a view in full); every view of
    this module passes one (None writes the stored values, as the declared fields do).
    """
    zone = timezone.get_current_timezone()
    row = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "service": _code(order.service) if order.service_id is not None else None,
        "area": _code(order.area),
        "category": _code(order.category) if order.category_id is not None else None,
        "urgency": _code(order.urgency),
        "region": _code(order.region),
        "township": _code(order.township),
        "channel": order.channel,
        "provider": order.provider_id,
        "description": order.description,
        "address": order.address,
        "latitude": order.latitude,
        "longitude": order.longitude,
        "contact_name": contact.name if contact is not None else order.contact_name,
        "contact_phone": contact.phone if contact is not None else order.contact_phone,
        "contact_masked": contact is not None and not contact.full,
        "round": order.round,
        "escalated": order.escalated_at is not None,
        "escalation_count": order.escalation_count,
        "created_at": _when(order.created_at, zone),
        "updated_at": _when(order.updated_at, zone),
        "step_deadline": _when(order.step_deadline, zone),
        "resolve_deadline": _when(order.resolve_deadline, zone),
        "escalated_at": _when(order.escalated_at, zone),
        "dispatched_at": _when(order.dispatched_at, zone),
        "accepted_at": _when(order.accepted_at, zone),
        "delivered_at": _when(order.delivered_at, zone),
        "closed_at": _when(order.closed_at, zone),
    }
    if not details:
        row.update(WITHHELD)
    return row


class OrderSerializer(serializers.ModelSerializer):
    """An order in a list (the related rows must already be joined).

    The fields below are the schema; the output is :func:`order_row`'s (see there why).
    """

    number = serializers.CharField(read_only=True, help_text="Date and id, read out on the phone.")
    service = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    urgency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    escalated = serializers.SerializerMethodField(help_text="The current step is overdue.")
    contact_masked = serializers.SerializerMethodField(
        help_text="The contact name and phone are partly hidden (138****5678): only the "
        "order's dispatchers, grid workers and callback staff, and the team it is assigned "
        "to read them in full, and each such answer is logged."
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "service",
            "area",
            "category",
            "urgency",
            "region",
            "township",
            "channel",
            "provider",
            "description",
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "contact_masked",
            "round",
            "escalated",
            "escalation_count",
            "created_at",
            "updated_at",
            "step_deadline",
            "resolve_deadline",
            "escalated_at",
            "dispatched_at",
            "accepted_at",
            "delivered_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_escalated(self, obj: Order) -> bool:
        return obj.escalated_at is not None

    def get_contact_masked(self, obj: Order) -> bool:
        return False  # the schema's; rows are written out by ``order_row``

    def to_representation(self, instance: Order) -> dict[str, Any]:
        """Context ``details``: a callable ``order -> bool`` (default: every detail);
        ``contacts``: ``{order id: Contact}`` as the reader is shown them (default:
        masked, as a reader with no part in the order would read them)."""
        details = self.context.get("details")
        contacts: dict[int, Contact] = self.context.get("contacts") or {}
        contact = contacts.get(instance.pk) or masked_contact(instance)
        return order_row(
            instance,
            details=details(instance) if details is not None else True,
            contact=contact,
        )

    def fields_representation(self, instance: Order) -> dict[str, Any]:
        """DRF's own output from the declared fields (to check :func:`order_row` against)."""
        return dict(super().to_representation(instance))


class EventSerializer(serializers.ModelSerializer):
    """One timeline entry as its reader reads it (``orders.selectors.Entry``)."""

    old_status = serializers.SerializerMethodField(help_text="null for the first step.")
    provider = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    actor = serializers.SerializerMethodField(
        help_text="Who took the step (shown to staff only; else null)."
    )
    note = serializers.CharField(
        read_only=True, help_text="Empty when there is none, or when the reader may not read it."
    )
    audience = serializers.ChoiceField(
        choices=Audience.choices, read_only=True, help_text="Who may read the note."
    )

    class Meta:
        model = OrderEvent
        fields = [
            "id",
            "action",
            "old_status",
            "new_status",
            "actor",
            "provider",
            "note",
            "audience",
            "round",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_old_status(self, obj: OrderEvent) -> str | None:
        return obj.old_status or None

    def get_actor(self, obj: OrderEvent) -> str | None:
        return None  # the schema's; entries are written out by ``entry_row``

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        return entry_row(instance)


def entry_row(entry: Entry) -> dict[str, Any]:
    e = entry.event
    zone = timezone.get_current_timezone()
    return {
        "id": e.pk,
        "action": e.action,
        "old_status": e.old_status or None,
        "new_status": e.new_status,
        "actor": entry.actor or None,
        "provider": e.provider_id,
        "note": entry.note,
        "audience": e.audience,
        "round": e.round,
        "created_at": _when(e.created_at, zone),
    }


class RatingSerializer(serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(read_only=True)
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "order",
            "round",
            "via",
            "contacted",
            "solved",
            "satisfaction",
            "comment",
            "valid",
            "township",
            "provider",
            "created_at",
        ]
        read_only_fields = fields


# --- photos (issue 8) -------------------------------------------------------------------------


class PhotoSerializer(serializers.ModelSerializer):
    """A photo on an order, with where to fetch it (and its thumbnail) through the API."""

    url = serializers.SerializerMethodField(help_text="The photo (GET, with your credentials).")
    thumbnail_url = serializers.SerializerMethodField(
        help_text="Its JPEG thumbnail (GET, with your credentials)."
    )

    class Meta:
        model = OrderPhoto
        fields = [
            "id",
            "kind",
            "content_type",
            "width",
            "height",
            "bytes",
            "created_at",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    def _link(self, name: str, photo: OrderPhoto) -> str:
        path = reverse(name, args=[photo.order_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, obj: OrderPhoto) -> str:
        return self._link("api:order-photo", obj)

    def get_thumbnail_url(self, obj: OrderPhoto) -> str:
        return self._link("api:order-photo-thumb", obj)


class PhotoUploadBody(StrictSerializer):
    """The multipart body of ``POST /api/v1/orders/{id}/photos/``."""

    photo = serializers.FileField(
        help_text="One JPEG, PNG or WebP image (checked by its content, not its name)."
    )


class OrderDetailSerializer(OrderSerializer):
    """One order with its answers, timeline and ratings, as one reader reads it.

    Context: ``reading`` (``orders.policy.Reading``), ``entries`` (the reader's timeline:
    ``orders.selectors.timeline_for``), ``ratings`` (``orders.selectors.ratings_for``) and
    ``contact`` (``orders.services.contact_views_record``'s, for this order).
    """

    answers = serializers.JSONField(read_only=True)
    events = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "answers", "events", "ratings", "photos"]
        read_only_fields = fields

    def to_representation(self, instance: Order) -> dict[str, Any]:
        reading: Reading = self.context["reading"]
        row = order_row(instance, details=reading.details, contact=self.context["contact"])
        row["answers"] = instance.answers if reading.details else {}
        row["events"] = self.get_events(instance)
        row["ratings"] = self.get_ratings(instance)
        row["photos"] = self.get_photos(instance)
        return row

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Order) -> list[dict[str, Any]]:
        return [entry_row(e) for e in self.context["entries"]]

    @extend_schema_field(RatingSerializer(many=True))
    def get_ratings(self, obj: Order) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = RatingSerializer(self.context["ratings"], many=True).data
        return data

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, obj: Order) -> list[dict[str, Any]]:
        """The photos the reader sees (``selectors.photos_for``): none without details."""
        photos = self.context.get("photos", [])
        data: list[dict[str, Any]] = PhotoSerializer(photos, many=True, context=self.context).data
        return data


# --- action bodies ----------------------------------------------------------------------------


def _note(help_text: str) -> serializers.CharField:
    # The service strips, requires and counts: its codes (reason_required, too_long) are
    # the same for the web form and the API.
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=MAX_FIELD,
        trim_whitespace=False,
        help_text=help_text,
    )


class EmptyBody(StrictSerializer):
    """No fields: ``{}`` or no body at all."""


def _audience() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Audience.choices,
        required=False,
        help_text="Who may read the note: staff (the default), resident (the resident and "
        "staff) or public (everyone, Open311's public feed included).",
    )


class NoteBody(StrictSerializer):
    note = _note("Optional note for the timeline.")
    audience = _audience()


class RequiredNoteBody(StrictSerializer):
    note = _note("Required: what was done.")
    audience = _audience()


class CommentBody(StrictSerializer):
    note = _note("Required: the update.")
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        required=False,
        help_text="Staff: who may read it (staff, the default; resident; public). A "
        "resident's updates are read by the resident and staff.",
    )


class ReasonBody(StrictSerializer):
    reason = _note("Required: why.")


class OptionalReasonBody(StrictSerializer):
    reason = _note("Optional: why.")


class DispatchBody(StrictSerializer):
    provider_id = IdField(help_text="The provider to send it to (see candidates).")
    note = _note("Optional note for the timeline.")
    audience = _audience()


class GrabBody(StrictSerializer):
    provider_id = IdField(
        required=False,
        help_text="Which of your teams takes it; default: your first eligible team.",
    )


class RatingBody(StrictSerializer):
    contacted = StrictBooleanField(help_text="Were you (was the resident) contacted?")
    solved = StrictBooleanField(help_text="Was it solved? No reopens the order.")
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = _note("Optional comment.")


class CandidateProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    """A provider that may take the order, best first (see ``orders.dispatch.candidates``)."""

    provider = CandidateProviderSerializer()
    score = serializers.FloatField()
    distance_km = serializers.FloatField(allow_null=True)
    remaining = serializers.IntegerField(help_text="Orders it can still take today.")
    performance = serializers.FloatField(allow_null=True, help_text="Composite of 90 days.")
    declined = serializers.BooleanField(help_text="Declined or let it time out this round.")
    failed_round = serializers.IntegerField(
        allow_null=True,
        help_text="The round in which this provider's service was rated not solved (the "
        "order was reopened); null if never. Such a provider is never chosen automatically "
        "or by a grab again; a dispatcher may still choose it.",
    )
    available = serializers.BooleanField(help_text="Automatic dispatch may choose it.")


# --- whether a rating counts (issue 8) ---------------------------------------------------------


class RatingValidityBody(StrictSerializer):
    valid = StrictBooleanField(
        help_text="false: leave the rating out of the rates (a callback that reached nobody, "
        "a duplicate); true: count it again."
    )
    reason = _note("Required: why (staff only will read it).")


# --- a dispatcher's day (issue 8) ----------------------------------------------------------------


class ReassignBody(StrictSerializer):
    provider_id = IdField(help_text="The provider to send it to (see candidates).")
    reason = _note("Required: why it is reassigned (staff only).")


class UrgeBody(StrictSerializer):
    note = _note("Optional note for the provider (staff only).")


class MergeBody(StrictSerializer):
    keep_id = IdField(help_text="The order this one repeats; it is kept, this one closes.")
    note = _note("Optional note; by default the kept order's number.")
