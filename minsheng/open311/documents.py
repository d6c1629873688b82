"""What each GeoReport v2 element holds, as plain data for :mod:`minsheng.open311.render`.

Keys are in the order of the spec's tables (XML keeps element order). Identifiers and codes
are strings, datetimes W3C with an offset, lat/long numbers; a field with no value is
``null`` in JSON and an empty element in XML, as in the spec's examples.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from minsheng.catalog.models import Service, ServiceArea, ServiceAttribute, UrgencyClass
from minsheng.core.durations import natural_duration
from minsheng.open311.render import w3c
from minsheng.open311.selectors import CLOSED_STATUSES, NEED_PREFIX, RequestView
from minsheng.orders import policy
from minsheng.orders.attributes import describe_bounds
from minsheng.orders.models import Action, Audience, OrderEvent, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's interface last changed (discovery's changeset).
CHANGESET = "2026-11-27T00:00:00+00:00"

# Our lifecycle as mySociety's update statuses (FixMyStreet's open311-update-reports).
UPDATE_STATUS = {
    Status.SUBMITTED: "OPEN",
    Status.APPROVED: "OPEN",
    Status.REOPENED: "OPEN",
    Status.DISPATCHED: "ACTION_SCHEDULED",
    Status.ACCEPTED: "IN_PROGRESS",
    Status.IN_SERVICE: "IN_PROGRESS",
    Status.DELIVERED: "FIXED",
    Status.CLOSED: "CLOSED",
    Status.REJECTED: "NO_FURTHER_ACTION",
    Status.CANCELLED: "CLOSED",
    Status.MERGED: "DUPLICATE",
}

Row = dict[str, Any]
# The public's reading of a step (which notes show does not depend on the order).
PUBLIC = policy.Reading(Audience.PUBLIC, details=False)


def discovery(url: str) -> Row:
    return {
        "changeset": CHANGESET,
        "contact": settings.MINSHENG_OPEN311_CONTACT,
        "key_service": _("Ask the county's Open311 administrator for an API key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_row(service: Service, *, has_attributes: bool) -> Row:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description or None,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": ",".join(k.strip() for k in service.keywords.split(",") if k.strip()) or None,
        "group": service.category.name,
    }


def need_name(area: ServiceArea) -> str:
    return _("Other need: %(area)s") % {"area": area.name}


def need_row(area: ServiceArea) -> Row:
    return {
        "service_code": NEED_PREFIX + area.code,
        "service_name": need_name(area),
        "description": _(
            "A need that no menu item covers, in this area; describe it in the description."
        ),
        "metadata": False,
        "type": "realtime",
        "keywords": None,
        "group": area.name,
    }


def attribute_row(attr: ServiceAttribute, order: int) -> Row:
    row: Row = {
        "variable": True,
        "code": attr.code,
        "datatype": attr.datatype,
        "required": attr.required,
        # GeoReport v2 has no bounds: they are told in words where the standard puts
        # help with the input (checked on submission all the same).
        "datatype_description": " ".join(
            part for part in (str(attr.get_datatype_display()), describe_bounds(attr)) if part
        ),
        "order": order,
        "description": attr.label,
    }
    if attr.is_list:
        row["values"] = [{"key": key, "name": name} for key, name in attr.choice_pairs()]
    return row


def definition(code: str, attributes: list[ServiceAttribute]) -> Row:
    return {
        "service_code": code,
        "attributes": [attribute_row(a, i) for i, a in enumerate(attributes, start=1)],
    }


def service_notice(urgency: UrgencyClass) -> str:
    return _("%(urgency)s: to be resolved within %(limit)s of the request.") % {
        "urgency": urgency.name,
        "limit": natural_duration(urgency.resolve_limit.total_seconds()),
    }


def event_text(event: OrderEvent) -> str:
    """What the public reads of an event: its note where it was written for everyone,
    else only what kind of step it was (``orders.policy.note_for``)."""
    return policy.note_for(PUBLIC, event) or str(Action(event.action).label)


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


class _Names:
    """Names and notices of the few services, areas, providers, places and urgency classes
    a list of requests refers to, worked out once per list (one language per response)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int], str] = {}

    def get(self, kind: str, obj: Any, make: Any) -> str:
        key = (kind, obj.pk)
        if key not in self._memo:
            self._memo[key] = make(obj)
        return self._memo[key]


def request_rows(views: list[RequestView], *, extensions: bool = False) -> list[Row]:
    names = _Names()
    return [_request_row(view, names, extensions) for view in views]


def request_row(view: RequestView, *, extensions: bool = False) -> Row:
    return request_rows([view], extensions=extensions)[0]


def _request_row(view: RequestView, names: _Names, extensions: bool) -> Row:
    order = view.order
    closed = is_closed(order.status)
    if closed:
        ended = order.delivered_at if order.status == Status.DELIVERED else order.closed_at
        updated = ended or order.updated_at
        expected = None
    else:
        updated = order.updated_at
        expected = order.step_deadline or order.resolve_deadline
    extra = view.open311
    service = order.service
    provider = order.provider
    public = policy.public_reading(order).details
    place = names.get("region", order.region, lambda r: r.name)
    row: Row = {
        "service_request_id": str(order.pk),
        "status": "closed" if closed else "open",
        "status_notes": event_text(view.latest) if view.latest is not None else None,
        "service_name": (
            names.get("service", service, lambda s: s.name)
            if service is not None
            else names.get("need", order.area, need_name)
        ),
        "service_code": service.code if service is not None else NEED_PREFIX + order.area.code,
        "description": (order.description or None) if public else None,
        "agency_responsible": (
            names.get("provider", provider, lambda p: p.name) if provider is not None else None
        ),
        "service_notice": names.get("notice", order.urgency, service_notice),
        "requested_datetime": w3c(order.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(expected),
        "address": (order.address or place) if public else place,
        "address_id": order.region.code,
        "zipcode": (extra.zipcode or None) if extra is not None else None,
        "lat": order.latitude if public else None,
        "long": order.longitude if public else None,
        "media_url": (extra.media_url or None) if extra is not None else None,
    }
    if extensions:
        row["token"] = extra.token if extra is not None else None
        row["detailed_status"] = order.status
        row["channel"] = order.channel
        row["notes"] = [
            {
                "datetime": w3c(e.created_at),
                "type": e.action,
                "summary": str(Action(e.action).label),
                "description": policy.note_for(PUBLIC, e) or None,
            }
            for e in view.events
        ]
    return row


def update_row(event: OrderEvent) -> Row:
    return {
        "update_id": str(event.pk),
        "service_request_id": str(event.order_id),
        "status": UPDATE_STATUS[Status(event.new_status)],
        "updated_datetime": w3c(event.created_at),
        "description": event_text(event),
        "media_url": None,
        "external_status_code": event.new_status,
    }
