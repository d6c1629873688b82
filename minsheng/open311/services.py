"""Writes for Open311: client applications' keys, requests and residents' updates."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import DomainError, NotFound
from minsheng.open311 import policy
from minsheng.open311.models import ApiKey, ServiceRequest
from minsheng.orders import services as order_services
from minsheng.orders.models import Channel, Order, OrderEvent
from minsheng.orders.services import OrderInput
from minsheng.regions.models import Region


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
class Person:
    """What a POST requests call says of the person and device, beyond the order itself."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    address_id: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def request_submit(
    *,
    key: ApiKey,
    order: OrderInput,
    region: Region,
    person: Person = Person(),
    now: datetime | None = None,
) -> ServiceRequest:
    """An order from a client application and its Open311 row, in one transaction.

    ``order`` is the request's order as the adapter received it, ``region`` the place the
    adapter resolved from its point or address; the order's contact is the person's name
    and phone. Raises DomainError (from ``order_submit``) with nothing written.
    """
    data = replace(
        order, channel=Channel.OPEN311, contact_name=person.name, contact_phone=person.phone
    )
    with transaction.atomic():
        placed = order_services.order_submit(actor=None, data=data, region=region, now=now)
        return ServiceRequest.objects.create(
            order=placed,
            api_key=key,
            token=secrets.token_hex(16),
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            # As the order stores it (read_phone's normal form): one number, one spelling.
            phone=placed.contact_phone,
            device_id=person.device_id,
            account_id=person.account_id,
            media_url=person.media_url,
            address_id=person.address_id,
        )


def update_submit(
    *, key: ApiKey, order_id: int, description: str, now: datetime | None = None
) -> OrderEvent:
    """A client application's public update to a request (mySociety's
    ``servicerequestupdates``): only to a request its key created, and only where this
    server takes updates from keys at all (``open311.policy``)."""
    refusal = policy.update_refusal(key, order_id)
    if refusal is not None:
        raise refusal
    return order_services.client_comment(order_id=order_id, note=description, now=now)


def request_import(
    *,
    order: Order,
    token: str,
    source: str,
    source_id: str,
    address_id: str = "",
    zipcode: str = "",
    media_url: str = "",
) -> ServiceRequest:
    """The Open311 row of an order imported from another server (its token kept where it
    is still free here)."""
    if not token or len(token) > 64 or ServiceRequest.objects.filter(token=token).exists():
        token = secrets.token_hex(16)
    return ServiceRequest.objects.create(
        order=order,
        token=token,
        source=source,
        source_id=source_id,
        address_id=address_id[:100],
        zipcode=zipcode[:20],
        media_url=media_url[:500],
    )
