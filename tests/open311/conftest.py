"""Open311 fixtures: the shared ``world`` (its service asks ``questions``), a key, and
XML/JSON readers."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from minsheng.open311 import limits
from minsheng.open311.models import ApiKey
from minsheng.open311.services import api_key_create

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def _open311_limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts in its own namespace (a shared Redis is never cleared), and the
    limits stay out of the way except in the tests about them (they set their own)."""
    monkeypatch.setattr(limits, "PREFIX", f"open311:rate:test:{uuid.uuid4().hex}")
    settings.MINSHENG_OPEN311_ANON_RATE = 100_000
    settings.MINSHENG_OPEN311_KEY_RATE = 100_000
    settings.MINSHENG_OPEN311_JURISDICTION = "minsheng.local"
    settings.MINSHENG_OPEN311_MAX_KM = 10.0


@pytest.fixture
def key(db: Any) -> tuple[ApiKey, str]:
    return api_key_create(name="Test client", contact="dev@example.org")


@pytest.fixture
def raw_key(key: tuple[ApiKey, str]) -> str:
    return key[1]


def xml_root(response: Any) -> ET.Element:
    """Parse an XML response after checking its declaration and content type."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root: ET.Element = fromstring(response.content)
    return root


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def text(element: ET.Element, name: str) -> str | None:
    found = element.find(name)
    assert found is not None, f"<{name}> missing in <{element.tag}>"
    assert len(found) == 0, f"<{name}> should hold text, not elements"
    return found.text


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def post(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(f"{BASE}/{path}", data, **extra)


def counts() -> dict[str, int]:
    """Rows a refused call must leave as they were."""
    from minsheng.open311.models import ServiceRequest
    from minsheng.orders.models import Order, OrderEvent

    return {
        "orders": Order.objects.count(),
        "events": OrderEvent.objects.count(),
        "open311": ServiceRequest.objects.count(),
        "keys": ApiKey.objects.count(),
    }


PERSON_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "media_url",
    "address_id",
)


def create_request(key: ApiKey, *, now: Any = None, **fields: Any) -> Any:
    """A request made the way POST requests makes one (through the service): the order's
    fields, the person's, and the place as a region code."""
    from minsheng.open311.services import Person, request_submit
    from minsheng.orders.services import OrderInput
    from minsheng.regions.selectors import region_by_code

    region = region_by_code(fields.pop("region_code", "V1"))
    fields.setdefault("service_code", "meal-delivery")
    person = Person(**{k: fields.pop(k) for k in PERSON_FIELDS if k in fields})
    return request_submit(
        key=key, order=OrderInput(**fields), region=region, person=person, now=now
    )


def errors_json(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.content
    body = json_of(response)
    assert isinstance(body, list)
    for error in body:
        assert list(error) == ["code", "description"]
        assert isinstance(error["code"], int) and isinstance(error["description"], str)
    return body


def errors_xml(response: Any, status: int) -> list[tuple[int, str]]:
    """An XML errors document as (code, description) pairs, checked element by element."""
    assert response.status_code == status, response.content
    root = xml_root(response)
    assert root.tag == "errors"
    pairs = []
    for error in root:
        assert error.tag == "error"
        assert children(error) == ["code", "description"]
        pairs.append((int(text(error, "code") or ""), text(error, "description") or ""))
    return pairs


def in_chinese(msgid: str, **params: Any) -> str:
    """What the server says by default (Chinese) for one of its messages: tests keep
    passing whether or not the translation has been written yet."""
    from django.utils import translation

    with translation.override("zh-hans"):
        text_ = translation.gettext(msgid)
    return text_ % params if params else text_


def notice_zh(urgency: str = "一般", days: int = 7) -> str:
    from django.utils import translation

    from minsheng.core.durations import natural_duration

    with translation.override("zh-hans"):
        limit = natural_duration(days * 86400)
    return in_chinese(
        "%(urgency)s: to be resolved within %(limit)s of the request.",
        urgency=urgency,
        limit=limit,
    )


def need_zh(area: str) -> str:
    return in_chinese("Other need: %(area)s", area=area)
