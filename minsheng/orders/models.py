from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.orders.titles import first_words


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # 点单: waiting for review (审单)
    APPROVED = "approved", _("Awaiting dispatch")  # reviewed; waiting for 派单 or a grab
    DISPATCHED = "dispatched", _("Dispatched")  # 派单: waiting for the provider to take it
    ACCEPTED = "accepted", _("Accepted")  # 接单
    IN_SERVICE = "in_service", _("In service")
    DELIVERED = "delivered", _("Delivered")  # waiting for the rating (评单)
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")  # not solved: back to dispatch
    # issue 8, a dispatcher's day: a duplicate (重复件) closed into the order it repeats.
    MERGED = "merged", _("Merged into another order")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Ordered")
    APPROVE = "approve", _("Approved at review")
    REJECT = "reject", _("Rejected at review")
    DISPATCH = "dispatch", _("Dispatched")
    REDISPATCH = "redispatch", _("Re-dispatched")
    DECLINE = "decline", _("Declined by the provider")
    ACCEPT_TIMEOUT = "accept_timeout", _("Not taken in time")
    GRAB = "grab", _("Grabbed by a provider")
    ACCEPT = "accept", _("Accepted")
    START = "start", _("Service started")
    DELIVER = "deliver", _("Delivered")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Reopened: not solved")
    AUTO_CLOSE = "auto_close", _("Closed automatically (not rated in time)")
    CANCEL = "cancel", _("Cancelled")
    ESCALATE = "escalate", _("Escalated: step overdue")
    COMMENT = "comment", _("Update added")
    IMPORT = "import", _("Imported from another system")
    # whether a rating counts (issue 8)
    RATING_INVALID = "rating_invalid", _("Rating marked not valid")
    RATING_VALID = "rating_valid", _("Rating counted again")
    # issue 8, a dispatcher's day (see the block at the end of TRANSITIONS below).
    URGE = "urge", _("Urged")
    REASSIGN = "reassign", _("Reassigned to another provider")
    ESCALATE_COUNTY = "escalate_county", _("Escalated to the county")
    MERGE = "merge", _("Merged as a duplicate")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.APPROVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.IN_SERVICE,
        Status.REOPENED,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.CANCELLED, Status.MERGED})
# Orders waiting for a dispatcher (or a grab).
DISPATCH_QUEUE_STATUSES = frozenset({Status.APPROVED, Status.REOPENED})


class Audience(models.TextChoices):
    """Who may read a step of an order's history, narrowest last: everyone (the public, and
    Open311's public feed), the order's resident (and staff), staff only.

    Every event is written with the audience of its note; whether the step itself shows
    is the action's (``STEP_AUDIENCE``). ``orders.policy`` decides what each reader sees.
    """

    PUBLIC = "public", _("Everyone (public)")
    RESIDENT = "resident", _("The resident and staff")
    STAFF = "staff", _("Staff only")


# Who may see that a step happened (its note has the event's own audience). What was
# decided about the order and what the resident or a client app added is public; internal
# steps (a provider declining, a time-out, an escalation) stay with the staff. A comment is
# nothing but its note: it shows to its own audience (see ``NOTE_ACTIONS``).
STEP_AUDIENCE: dict[str, str] = {
    Action.SUBMIT: Audience.PUBLIC,
    Action.APPROVE: Audience.PUBLIC,
    Action.REJECT: Audience.PUBLIC,
    Action.DISPATCH: Audience.PUBLIC,
    Action.REDISPATCH: Audience.PUBLIC,
    Action.DECLINE: Audience.STAFF,
    Action.ACCEPT_TIMEOUT: Audience.STAFF,
    Action.GRAB: Audience.PUBLIC,
    Action.ACCEPT: Audience.PUBLIC,
    Action.START: Audience.PUBLIC,
    Action.DELIVER: Audience.PUBLIC,
    Action.RATE: Audience.PUBLIC,
    Action.REOPEN: Audience.PUBLIC,
    Action.AUTO_CLOSE: Audience.PUBLIC,
    Action.CANCEL: Audience.PUBLIC,
    Action.ESCALATE: Audience.STAFF,
    Action.COMMENT: Audience.PUBLIC,
    Action.IMPORT: Audience.PUBLIC,
    Action.RATING_INVALID: Audience.STAFF,
    Action.RATING_VALID: Audience.STAFF,
    # issue 8, a dispatcher's day: urging and escalating are internal; a reassignment and a
    # merge are decisions about the order, as a re-dispatch and a rejection are.
    Action.URGE: Audience.STAFF,
    Action.REASSIGN: Audience.PUBLIC,
    Action.ESCALATE_COUNTY: Audience.STAFF,
    Action.MERGE: Audience.PUBLIC,
}
NOTE_ACTIONS = frozenset({Action.COMMENT})

# The one transition table. Escalation is a flag and an event, not a state change.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.CANCELLED}),
    Status.REOPENED: frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.CANCELLED}),
    Status.DISPATCHED: frozenset(
        {Status.DISPATCHED, Status.APPROVED, Status.ACCEPTED, Status.CANCELLED}
    ),
    Status.ACCEPTED: frozenset({Status.IN_SERVICE, Status.CANCELLED}),
    Status.IN_SERVICE: frozenset({Status.DELIVERED, Status.CANCELLED}),
    Status.DELIVERED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.MERGED: frozenset(),
}
# issue 8, a dispatcher's day: an order taken or in service can be reassigned (back to
# dispatched, with another provider), and any open order can be merged into the one it
# repeats (merged is final, as cancelled is).
TRANSITIONS[Status.ACCEPTED] |= {Status.DISPATCHED}
TRANSITIONS[Status.IN_SERVICE] |= {Status.DISPATCHED}
for _status in OPEN_STATUSES:
    TRANSITIONS[_status] |= {Status.MERGED}
del _status

# Which (from → to) each action may perform.
ACTION_TRANSITIONS: dict[str, frozenset[tuple[str, str]]] = {
    Action.APPROVE: frozenset({(Status.SUBMITTED, Status.APPROVED)}),
    Action.REJECT: frozenset({(Status.SUBMITTED, Status.REJECTED)}),
    Action.DISPATCH: frozenset(
        {(Status.APPROVED, Status.DISPATCHED), (Status.REOPENED, Status.DISPATCHED)}
    ),
    Action.REDISPATCH: frozenset({(Status.DISPATCHED, Status.DISPATCHED)}),
    Action.DECLINE: frozenset({(Status.DISPATCHED, Status.APPROVED)}),
    Action.ACCEPT_TIMEOUT: frozenset({(Status.DISPATCHED, Status.APPROVED)}),
    Action.GRAB: frozenset(
        {(Status.APPROVED, Status.ACCEPTED), (Status.REOPENED, Status.ACCEPTED)}
    ),
    Action.ACCEPT: frozenset({(Status.DISPATCHED, Status.ACCEPTED)}),
    Action.START: frozenset({(Status.ACCEPTED, Status.IN_SERVICE)}),
    Action.DELIVER: frozenset({(Status.IN_SERVICE, Status.DELIVERED)}),
    Action.RATE: frozenset({(Status.DELIVERED, Status.CLOSED)}),
    Action.REOPEN: frozenset({(Status.DELIVERED, Status.REOPENED)}),
    Action.AUTO_CLOSE: frozenset({(Status.DELIVERED, Status.CLOSED)}),
    Action.CANCEL: frozenset({(s, Status.CANCELLED) for s in OPEN_STATUSES}),
    # issue 8, a dispatcher's day
    Action.REASSIGN: frozenset(
        {(Status.ACCEPTED, Status.DISPATCHED), (Status.IN_SERVICE, Status.DISPATCHED)}
    ),
    Action.MERGE: frozenset({(s, Status.MERGED) for s in OPEN_STATUSES}),
}
# Open orders held by a provider: the ones a dispatcher may urge (催办).
WITH_PROVIDER_STATUSES = frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE})


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    GRID_WORKER = "grid_worker", _("Grid worker")
    HOTLINE = "hotline", _("Hotline agent")
    VISIT = "visit", _("Door-to-door visit")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 client")
    IMPORT = "import", _("Imported")


class Order(models.Model):
    """A resident's order: a menu item, or a free-form need in a service area.

    Orders are written many times a second, so only the foreign keys that queries filter
    on are indexed (region, resident, service); township and provider are covered by the
    composite indexes in Meta, and the reference keys (area, category, urgency, entered
    by) are never filtered on alone.
    """

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    service = models.ForeignKey(
        "catalog.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        db_index=False,
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    urgency = models.ForeignKey(
        "catalog.UrgencyClass",
        verbose_name=_("urgency class"),
        on_delete=models.PROTECT,
        db_index=False,
    )
    description = models.TextField(_("description"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    # Where: the region is a village (or a township); ``township`` is its township, kept
    # on the row because every scoped query filters by it.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="township_orders",
        db_index=False,
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    # Who
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    provider = models.ForeignKey(
        "catalog.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        db_index=False,
    )

    # When
    created_at = models.DateTimeField(_("ordered at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    step_deadline = models.DateTimeField(_("current step due"), null=True, blank=True)
    resolve_deadline = models.DateTimeField(_("resolution due"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Incremented on every reopening: a rating belongs to one round.
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    # issue 8, a dispatcher's day: a township dispatcher hands the order up to the county
    # (a flag, as escalation is); a duplicate points at the order it was merged into, whose
    # resident view its own resident then follows (``orders.policy``).
    county_escalated_at = models.DateTimeField(
        _("escalated to the county at"), null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["township", "status"], name="order_township_status"),
            models.Index(fields=["provider", "status"], name="order_provider_status"),
            models.Index(fields=["status", "step_deadline"], name="order_status_deadline"),
            models.Index(fields=["provider", "dispatched_at"], name="order_provider_dispatched"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="order_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE]
                )
                | models.Q(provider__isnull=False),
                name="order_assigned_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The reference a resident reads out on the phone: date + id."""
        from django.utils import timezone

        return f"{timezone.localtime(self.created_at):%Y%m%d}-{self.pk:06d}"

    @property
    def title(self) -> str:
        """A menu item's service; a free-form need's own first words (its area when it has
        none: an imported need may come without a description). See ``orders.titles``."""
        if self.service_id is not None:
            return self.service.name  # type: ignore[union-attr]
        return first_words(self.description) or self.area.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


_Row = TypeVar("_Row", bound=models.Model)


class ImmutableQuerySet(models.QuerySet[_Row]):
    """The manager of an append-only table: no update or delete in bulk."""

    def update(self, **kwargs: object) -> int:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only")


class AppendOnly(models.Model):
    """A row written once and never changed or removed (order history, access logs)."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only")


class OrderEvent(AppendOnly):
    """One step of an order's history. Rows are only ever appended."""

    # Indexed by event_order_time (order, created_at) below.
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    old_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    provider = models.ForeignKey(
        "catalog.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # Who may read the note (and, for a comment, the whole entry); set when it is written.
    audience = models.CharField(
        _("who may read it"), max_length=8, choices=Audience.choices, default=Audience.STAFF
    )
    round = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["OrderEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        indexes = [models.Index(fields=["order", "created_at"], name="event_order_time")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.old_status} → {self.new_status} ({self.action})"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Rating(models.Model):
    """评单: the resident's rating, or a staff callback answered on their behalf.

    One per order and round: the unique constraint is what makes rating twice impossible
    under concurrency; the order lock makes the refusal a clean error.
    """

    class Via(models.TextChoices):
        RESIDENT = "resident", _("By the resident")
        CALLBACK = "callback", _("Staff callback")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveSmallIntegerField()
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    contacted = models.BooleanField(_("were you contacted"))
    solved = models.BooleanField(_("was it solved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Denormalised from the order at rating time, for the monthly rates.
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    # A callback that reached nobody, or a duplicate/malicious one, is not valid and is
    # left out of every rate (12345 practice: rates are over valid callbacks).
    valid = models.BooleanField(_("valid callback"), default=True)
    created_at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["order", "round"], name="rating_once_per_round")
        ]
        indexes = [
            models.Index(fields=["township", "created_at"], name="rating_township_time"),
            models.Index(fields=["provider", "created_at"], name="rating_provider_time"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.round}: {self.satisfaction}"


# --- who saw a resident's phone (PIPL: access to personal data is logged) ---------------------


class ContactView(AppendOnly):
    """One time a staff member was shown an order's contact phone in full.

    Written by ``orders.services.contact_views_record`` whenever a page, a REST answer or
    an export shows the number (``orders.policy.can_see_contact``); rows are only ever
    appended.
    """

    class Where(models.TextChoices):
        STAFF_PAGE = "staff_page", _("Staff order page")
        PROVIDER_CONSOLE = "provider_console", _("Provider console")
        ORDER_PAGE = "order_page", _("Order page (callback)")
        REST = "rest", _("REST API")
        EXPORT = "export", _("Export")
        ADMIN = "admin", _("Admin site")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="contact_views", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    where = models.CharField(_("where"), max_length=16, choices=Where.choices)
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["ContactView"].as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact view")
        verbose_name_plural = _("contact views")
        indexes = [models.Index(fields=["order", "created_at"], name="contactview_order_time")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.user_id} ({self.where})"


# --- photos (issue 8) --------------------------------------------------------------------------


class PhotoKind(models.TextChoices):
    """Whose photo it is: the one the resident (or whoever ordered for them) took of the
    need, or the provider's proof of delivery. Who adds which is ``policy.photo_kind``."""

    NEED = "need", _("Photo of the need")
    DELIVERY = "delivery", _("Proof of delivery")


class PhotoQuerySet(models.QuerySet["OrderPhoto"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("Order photos are append-only")


class OrderPhoto(models.Model):
    """A photo on an order, as stored: re-encoded from the upload's pixels (upright, without
    any metadata), with a thumbnail, under random names in the default storage.

    Rows are only appended, like the order's history; ``orders.services.photos`` writes
    them. ``audience``: who may see it besides staff, set when it is written.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices)
    image = models.FileField(_("photo"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    bytes = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    audience = models.CharField(
        _("who may see it"), max_length=8, choices=Audience.choices, default=Audience.RESIDENT
    )
    created_at = models.DateTimeField(_("uploaded at"))

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order photo")
        verbose_name_plural = _("order photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in PhotoKind]),
                name="photo_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind} {self.width}×{self.height}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Order photos are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
