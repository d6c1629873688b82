"""Writes for Open311: client applications' keys, requests and residents' updates."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import DomainError, NotFound
from minsheng.open311.models import ApiKey, ServiceRequest
from minsheng.orders import services as order_services
from minsheng.orders.models import Channel


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def api_key_create(
    *, name: str, contact: str = "", rate_limit: int | None = None, now: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key; the raw key is returned once and only its digest is kept."""
    name, contact = _clean_key_fields(name, contact, rate_limit)
    now = now or timezone.now()
    # Eight hex characters of prefix can collide (1 in 4 billion per pair): draw again.
    for _attempt in range(5):
        raw = secrets.token_hex(20)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name,
                    contact=contact,
                    prefix=raw[:8],
                    digest=key_digest(raw),
                    rate_limit=rate_limit,
                    created_at=now,
                )
        except IntegrityError:
            continue
        return key, raw
    raise DomainError.single("key_collision", _("Could not draw a unique key."), None)


def _clean_key_fields(name: str, contact: str, rate_limit: int | None) -> tuple[str, str]:
    name, contact = name.strip(), contact.strip()
    if not name:
        raise DomainError.single("name_required", _("Give the key a name."), "name")
    if len(name) > 100:
        raise DomainError.single("too_long", _("At most 100 characters."), "name")
    if len(contact) > 200:
        raise DomainError.single("too_long", _("At most 200 characters."), "contact")
    if rate_limit is not None and rate_limit < 1:
        raise DomainError.single(
            "rate_invalid", _("A rate is at least one request a minute."), "rate_limit"
        )
    return name, contact


def api_key_change(
    *, key_id: int, name: str, contact: str = "", rate_limit: int | None = None
) -> ApiKey:
    """Rename a key or change its contact or rate; the key itself never changes."""
    name, contact = _clean_key_fields(name, contact, rate_limit)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound.single("key_not_found", _("No such API key."), "key")
        key.name, key.contact, key.rate_limit = name, contact, rate_limit
        key.save(update_fields=["name", "contact", "rate_limit"])
    return key


def api_key_revoke(*, key_id: int, now: datetime | None = None) -> ApiKey:
    """Revoke a key (idempotent: a revoked key keeps its first revocation time)."""
    now = now or timezone.now()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound.single("key_not_found", _("No such API key."), "key")
        if key.revoked_at is None:
            key.revoked_at = now
            key.save(update_fields=["revoked_at"])
    return key


@dataclass(frozen=True)
class RequestInput:
    """A POST requests call, its arguments already read and typed by the view."""

    region_code: str
    service_code: str = ""
    area_code: str = ""
    description: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""


def request_submit(
    *, key: ApiKey, data: RequestInput, now: datetime | None = None
) -> ServiceRequest:
    """An order from a client application and its Open311 row, in one transaction.

    Raises DomainError (from ``order_submit``) with nothing written.
    """
    contact_name = " ".join(p for p in (data.first_name, data.last_name) if p)
    with transaction.atomic():
        order = order_services.order_submit(
            actor=None,
            data=order_services.OrderInput(
                channel=Channel.OPEN311,
                region_code=data.region_code,
                service_code=data.service_code,
                area_code=data.area_code,
                description=data.description,
                answers=data.answers,
                latitude=data.latitude,
                longitude=data.longitude,
                address=data.address,
                contact_name=contact_name,
                contact_phone=data.phone,
            ),
            now=now,
        )
        return ServiceRequest.objects.create(
            order=order,
            api_key=key,
            token=secrets.token_hex(16),
            email=data.email,
            first_name=data.first_name,
            last_name=data.last_name,
            phone=data.phone,
            device_id=data.device_id,
            account_id=data.account_id,
            media_url=data.media_url,
            address_id=data.address_id,
        )
