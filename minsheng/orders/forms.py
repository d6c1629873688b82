"""Web forms for the order loop: what a page shows (field specs) and how a POST is parsed.

Fields are described by :class:`FieldSpec` and rendered by one template
(``orders/_field.html``), so every input has its label, its required mark and its errors
tied to it with ``aria-describedby``. Parsing turns a POST into the services' input
dataclasses; anything that cannot even be parsed (a latitude that is not a number) becomes
an :class:`ErrorDetail` for the same field, and the service is not called.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import Service, ServiceArea, ServiceAttribute
from minsheng.core.errors import ErrorDetail
from minsheng.orders.attributes import date_bounds, describe_bounds, figure
from minsheng.orders.models import Audience, Channel, Satisfaction, Status
from minsheng.orders.policy import STAFF_CHANNELS
from minsheng.orders.queue import SORT_CHOICES
from minsheng.orders.services import OrderInput, RatingInput
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_choices_tree

Label = str | Promise
ChoiceList = list[tuple[str, Label]]
GroupedChoices = list[tuple[Label, ChoiceList]]

# A singlevaluelist with more choices than this is a select instead of radio buttons.
MAX_RADIOS = 5

_ID_CLEAN = re.compile(r"[^a-zA-Z0-9_-]+")


@dataclass
class FieldSpec:
    """One input (or group of inputs) of a form, ready for ``orders/_field.html``."""

    name: str
    label: Label
    kind: str  # text, tel, number, datetime, textarea, radio, select, checkbox, hidden, map
    required: bool = False
    value: str | list[str] = ""
    choices: ChoiceList = field(default_factory=list)
    groups: GroupedChoices = field(default_factory=list)
    help: Label = ""
    errors: list[str] = field(default_factory=list)
    maxlength: int | None = None
    step: str = ""
    # The input's min and max attributes (numbers, or datetime-local values): a hint the
    # browser gives at once; the server checks the same bounds (orders.attributes).
    min: str = ""
    max: str = ""
    autocomplete: str = ""
    prefix: str = "f"

    @property
    def id(self) -> str:
        return f"{self.prefix}-" + _ID_CLEAN.sub("-", self.name).strip("-")

    @property
    def values(self) -> list[str]:
        return self.value if isinstance(self.value, list) else [self.value]

    @property
    def describedby(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.id}-help")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def errors_by_field(errors: Iterable[ErrorDetail]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.field or "", []).append(str(e.message))
    return out


def attach_errors(fields: Sequence[FieldSpec], errors: Iterable[ErrorDetail]) -> list[str]:
    """Put each message next to its field; return the messages that have no field here."""
    by_name = {f.name: f for f in fields}
    loose: list[str] = []
    for e in errors:
        target = by_name.get(e.field or "")
        if target is None:
            loose.append(str(e.message))
        else:
            target.errors.append(str(e.message))
    return loose


def error_links(
    fields: Sequence[FieldSpec], errors: Iterable[ErrorDetail]
) -> list[tuple[str, str]]:
    """(message, id of its input or "") for an error summary that links to each field."""
    ids = {f.name: f.id for f in fields}
    return [(str(e.message), ids.get(e.field or "", "")) for e in errors]


# --- places -----------------------------------------------------------------------------------


def place_groups(
    tree: list[tuple[Region, list[Region]]], *, allowed: set[int] | None = None
) -> GroupedChoices:
    """Villages grouped by township (the picker of the order forms)."""
    groups: GroupedChoices = []
    for town, villages in tree:
        options: ChoiceList = [
            (v.code, v.name) for v in villages if allowed is None or v.pk in allowed
        ]
        if options:
            groups.append((town.name, options))
    return groups


def offered_village_ids(
    tree: list[tuple[Region, list[Region]]],
    offered: set[int] | None,
    may_order_at: Callable[[Region], bool],
) -> set[int]:
    """Villages where a service offered at ``offered`` regions (None: everywhere) is
    available, and where the person may order (``policy.can_order_at``)."""
    return {
        v.pk
        for town, villages in tree
        for v in villages
        if (offered is None or {v.pk, town.pk, town.parent_id} & offered) and may_order_at(v)
    }


# --- ordering (点单) --------------------------------------------------------------------------


def attribute_field(attr: ServiceAttribute, data: QueryDict | None) -> FieldSpec:
    name = f"attribute[{attr.code}]"
    D = ServiceAttribute.Datatype
    kinds: dict[str, str] = {
        D.STRING: "text",
        D.NUMBER: "number",
        D.DATETIME: "datetime",
        D.TEXT: "textarea",
        D.MULTIVALUELIST: "checkbox",
    }
    kind = kinds.get(attr.datatype, "text")
    choices: ChoiceList = list(attr.choice_pairs()) if attr.is_list else []
    if attr.datatype == D.SINGLEVALUELIST:
        kind = "radio" if len(choices) <= MAX_RADIOS else "select"
    value: str | list[str] = ""
    if data is not None:
        value = data.getlist(name) if kind == "checkbox" else data.get(name, "")
    elif kind == "checkbox":
        value = []
    low = high = ""
    if attr.datatype == D.NUMBER:
        low = figure(attr.minimum) if attr.minimum is not None else ""
        high = figure(attr.maximum) if attr.maximum is not None else ""
    elif attr.datatype == D.DATETIME:
        earliest, latest = date_bounds(attr, timezone.localdate())
        low = f"{earliest.isoformat()}T00:00" if earliest else ""
        high = f"{latest.isoformat()}T23:59" if latest else ""
    return FieldSpec(
        name=name,
        label=attr.label,
        kind=kind,
        required=attr.required,
        value=value,
        choices=choices,
        help=describe_bounds(attr),
        maxlength=200 if attr.datatype == D.STRING else None,
        step=("1" if attr.whole_number else "any") if attr.datatype == D.NUMBER else "",
        min=low,
        max=high,
    )


def place_fields(
    *, groups: GroupedChoices, data: QueryDict | None, default_region: str = ""
) -> list[FieldSpec]:
    """The village list (the accessible control), the map that marks a point and chooses
    the village in the list (an enhancement: ``minsheng/map.js``), the address, and the
    point the map fills in (hidden inputs)."""
    get = (lambda k: data.get(k, "")) if data is not None else (lambda k: "")
    return [
        FieldSpec(
            name="region",
            label=_("Place (village)"),
            kind="select",
            required=True,
            value=get("region") if data is not None else default_region,
            groups=groups,
        ),
        FieldSpec(
            name="map",
            label=_("Or mark the place on the map"),
            kind="map",
            help=_(
                "Tap the map where help is needed, or use your location: the village is chosen for you."
            ),
        ),
        FieldSpec(
            name="address",
            label=_("Address"),
            kind="text",
            value=get("address"),
            maxlength=300,
            autocomplete="street-address",
            help=_("Optional: house number, group, landmark."),
        ),
        FieldSpec(name="latitude", label=_("Latitude"), kind="hidden", value=get("latitude")),
        FieldSpec(name="longitude", label=_("Longitude"), kind="hidden", value=get("longitude")),
    ]


def staff_fields(data: QueryDict | None) -> list[FieldSpec]:
    get = (lambda k: data.get(k, "")) if data is not None else (lambda k: "")
    return [
        FieldSpec(
            name="channel",
            label=_("How the resident reached you"),
            kind="radio",
            required=True,
            value=get("channel"),
            choices=[(c.value, c.label) for c in Channel if c.value in STAFF_CHANNELS],
        ),
        FieldSpec(
            name="contact_name",
            label=_("Resident's name"),
            kind="text",
            required=True,
            value=get("contact_name"),
            maxlength=100,
        ),
        FieldSpec(
            name="contact_phone",
            label=_("Resident's phone"),
            kind="tel",
            required=True,
            value=get("contact_phone"),
            maxlength=30,
        ),
    ]


def own_contact_fields(data: QueryDict | None, *, name: str, phone: str) -> list[FieldSpec]:
    """A resident's own contact on her order: her profile's name and phone to start with;
    she may give others (who to call about this order)."""
    get = (
        (lambda k: data.get(k, ""))
        if data is not None
        else {"contact_name": name, "contact_phone": phone}.get
    )
    return [
        FieldSpec(
            name="contact_name",
            label=_("Your name"),
            kind="text",
            value=get("contact_name") or "",
            maxlength=100,
            autocomplete="name",
        ),
        FieldSpec(
            name="contact_phone",
            label=_("Phone to reach you"),
            kind="tel",
            value=get("contact_phone") or "",
            maxlength=30,
            autocomplete="tel",
            help=_(
                "A mobile number, or a landline with its area code. Only the dispatcher, the "
                "team serving you and callback staff see it in full. Empty: your profile's."
            ),
        ),
    ]


def description_field(data: QueryDict | None, *, required: bool) -> FieldSpec:
    return FieldSpec(
        name="description",
        label=_("What do you need?") if required else _("Anything else we should know?"),
        kind="textarea",
        required=required,
        value=data.get("description", "") if data is not None else "",
        maxlength=4000,
    )


def area_field(
    areas: Iterable[ServiceArea], data: QueryDict | None, initial: str = ""
) -> FieldSpec:
    return FieldSpec(
        name="area",
        label=_("Service area"),
        kind="select",
        required=True,
        value=data.get("area", "") if data is not None else initial,
        choices=[(a.code, a.name) for a in areas],
    )


def parse_order(
    data: QueryDict,
    *,
    service_code: str = "",
    staff: bool,
    attributes: Iterable[ServiceAttribute] = (),
) -> OrderInput:
    """An :class:`OrderInput` from a POST, as given: the service reads and checks every
    value (``core.inputs``), so the form refuses exactly what the REST API refuses."""
    multi = {a.code for a in attributes if a.datatype == ServiceAttribute.Datatype.MULTIVALUELIST}
    answers: dict[str, Any] = {}
    for key in data:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") : -1]
            answers[code] = data.getlist(key) if code in multi else data.get(key, "")
    return OrderInput(
        region_code=data.get("region", "").strip(),
        service_code=service_code,
        area_code="" if service_code else data.get("area", "").strip(),
        description=data.get("description", ""),
        answers=answers,
        latitude=data.get("latitude", ""),
        longitude=data.get("longitude", ""),
        address=data.get("address", ""),
        channel=data.get("channel", "") if staff else Channel.WEB,
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
    )


# --- rating (评单) and callbacks --------------------------------------------------------------

YES_NO: ChoiceList = [("yes", _("Yes")), ("no", _("No"))]


def rating_fields(data: QueryDict | None, *, callback: bool = False) -> list[FieldSpec]:
    get = (lambda k: data.get(k, "")) if data is not None else (lambda k: "")
    return [
        FieldSpec(
            name="contacted",
            label=_("Was the resident contacted?") if callback else _("Were you contacted?"),
            kind="radio",
            required=True,
            value=get("contacted"),
            choices=YES_NO,
            prefix="rate",
        ),
        FieldSpec(
            name="solved",
            label=_("Was the problem solved?") if callback else _("Was your problem solved?"),
            kind="radio",
            required=True,
            value=get("solved"),
            choices=YES_NO,
            prefix="rate",
        ),
        FieldSpec(
            name="satisfaction",
            label=_("How satisfied is the resident?") if callback else _("How satisfied are you?"),
            kind="radio",
            required=True,
            value=get("satisfaction"),
            choices=[(s.value, s.label) for s in Satisfaction],
            prefix="rate",
        ),
        FieldSpec(
            name="comment",
            label=_("Comment"),
            kind="textarea",
            value=get("comment"),
            maxlength=4000,
            prefix="rate",
        ),
    ]


def parse_rating(data: QueryDict) -> RatingInput:
    """The rating form's answers as given ("yes"/"no" are read by the service)."""
    return RatingInput(
        contacted=data.get("contacted"),
        solved=data.get("solved"),
        satisfaction=data.get("satisfaction", "").strip(),
        comment=data.get("comment", ""),
    )


# --- who will read a note ---------------------------------------------------------------------

AUDIENCE_CHOICES: ChoiceList = [
    (Audience.STAFF.value, Audience.STAFF.label),
    (Audience.RESIDENT.value, Audience.RESIDENT.label),
    (Audience.PUBLIC.value, Audience.PUBLIC.label),
]


def audience_field(data: QueryDict | None, *, prefix: str) -> FieldSpec:
    """Who will read a staff member's note: staff only unless they choose otherwise."""
    return FieldSpec(
        name="audience",
        label=_("Who will read this note"),
        kind="radio",
        value=data.get("audience", Audience.STAFF) if data is not None else Audience.STAFF,
        choices=AUDIENCE_CHOICES,
        help=_(
            "Staff only: the dispatchers and the team doing the work. The resident: also "
            "the resident on their order page. Everyone: also the public, on the open data "
            "feed."
        ),
        prefix=prefix,
    )


# --- the dispatcher's queue and search (issue 8) -------------------------------------------------


def queue_fields(
    data: QueryDict,
    *,
    scope: Region | None,
    county_wide: bool,
    search: bool,
    errors: Iterable[ErrorDetail] = (),
) -> list[FieldSpec]:
    """The queue's filters (a plain GET form), and with ``search`` the search fields.

    ``scope`` is the reader's region: its villages are offered (grouped by township for the
    county); the township filter is offered to those who see the whole county.
    """

    def spec(name: str, label: Label, kind: str = "select", **more: Any) -> FieldSpec:
        value = str(data.get(name, "") or "")
        if kind == "checkbox":
            more["choices"] = [("yes", more.pop("option"))]
        return FieldSpec(
            name, label, kind, value=[value] if kind == "checkbox" else value, prefix="q", **more
        )

    specs: list[FieldSpec] = []
    if search:
        specs += [
            spec("number", _("Order number"), "text", maxlength=30,
                 help=_("For example 20260504-000123, or 123.")),
            spec("name", _("Resident's name"), "text", maxlength=100),
            spec("phone", _("Phone"), "tel", maxlength=30,
                 help=_("The whole number, or at least four of its digits.")),
            spec("since", _("Ordered from"), "text", maxlength=30,
                 help=_("A date, such as 2026-05-01.")),
            spec("until", _("Ordered until"), "text", maxlength=30,
                 help=_("A date, such as 2026-05-31 (the whole day counts).")),
        ]  # fmt: skip
    tree = region_choices_tree()
    if county_wide:
        specs.append(spec("township", _("Township"), choices=[(t.code, t.name) for t, _v in tree]))
        groups: GroupedChoices = [(t.name, [(v.code, v.name) for v in vs]) for t, vs in tree]
        specs.append(spec("village", _("Village"), groups=groups))
    elif scope is not None:
        villages: ChoiceList = [
            (v.code, v.name) for t, vs in tree for v in vs if scope.pk in (t.pk, v.pk)
        ]
        specs.append(spec("village", _("Village"), choices=villages))
    areas: ChoiceList = [(a.code, a.name) for a in ServiceArea.objects.all()]
    services: ChoiceList = [(sv.code, sv.name) for sv in Service.objects.order_by("code")]
    specs += [
        spec("area", _("Service area"), choices=areas),
        spec("service", _("Service"), choices=services),
        spec("status", _("State"), choices=list(Status.choices)),
        spec("channel", _("How it was ordered"), choices=list(Channel.choices)),
        spec("overdue", _("Overdue"), "checkbox", option=_("Only overdue orders")),
        spec("escalated", _("Escalated"), "checkbox", option=_("Only escalated orders")),
    ]
    sort = spec("sort", _("Sort"), choices=list(SORT_CHOICES))
    sort.value = sort.value or ("created" if search else "deadline")
    specs.append(sort)
    attach_errors(specs, errors)
    return specs
