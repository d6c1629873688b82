"""Photos on an order: the resident's of the need, the provider's proof of delivery.

An upload is trusted for nothing it says about itself: neither its name nor its
Content-Type is read. ``photo_read`` opens it with Pillow, restricted to JPEG, PNG and WebP
(HEIC is not accepted: Pillow reads it only through a plug-in, and phones' browsers send
JPEG from an ``accept="image/*"`` input), refuses it when it is too large, declares too
many pixels (checked from the header, before anything is decoded: a decompression bomb
is a small file that declares a huge image), or cannot be decoded to the end. Then it is
turned upright (EXIF orientation), scaled down to a stored size and re-encoded from its
pixels alone: the stored file carries no EXIF (no GPS position, no camera, no time), no
XMP, no comment and no colour profile. A JPEG thumbnail is made from the same pixels.

``order_photo_add`` asks ``orders.policy`` who may add a photo now (which also decides its
kind), counts the order's photos of that kind under the order's lock, writes both files
under random names through Django's storage API (local files, or object storage: see
``STORAGES`` in settings) and appends the row.

Nothing is written when any check fails. Files are written before the row, inside the
transaction; if that transaction does not commit, they are deleted again: by
``order_photo_add`` itself when its own transaction fails, and, when a caller puts it in a
larger transaction (an order placed with its photos, a delivery with its proof), by
``photo_transaction``, which that caller opens instead of ``transaction.atomic`` and which
deletes every photo file written inside it unless it commits. Only a process that dies
between writing a file and committing leaves a file behind, never a row without its file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import DomainError, ErrorDetail, NotFound
from minsheng.core.ids import as_id
from minsheng.core.photos import (
    FORMATS,
    PHOTO_FIELD,
    QUALITY,
    PreparedPhoto,
    photo_read,
    photo_store,
    photo_transaction,
)
from minsheng.orders import policy
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Order, OrderPhoto
from minsheng.orders.services.steps import lock, moment

__all__ = [
    "FORMATS",
    "PHOTO_FIELD",
    "QUALITY",
    "PreparedPhoto",
    "order_photo_add",
    "photo_read",
    "photo_transaction",
    "photos_read",
]


def photos_read(uploads: list[Any], *, field: str = PHOTO_FIELD) -> list[PreparedPhoto]:
    """The photos of one form, each read with ``photo_read``, every refusal at once. More
    than an order takes of one kind are refused before any is decoded."""
    if len(uploads) > settings.MINSHENG_PHOTO_MAX_PER_KIND:
        raise _too_many(field)
    prepared: list[PreparedPhoto] = []
    errors: list[ErrorDetail] = []
    for upload in uploads:
        try:
            prepared.append(photo_read(upload, field=field))
        except DomainError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    return prepared


def _too_many(field: str) -> DomainError:
    return DomainError.single(
        OrderCode.PHOTO_TOO_MANY,
        _("An order takes at most %(count)s photos of each kind.")
        % {"count": settings.MINSHENG_PHOTO_MAX_PER_KIND},
        field,
    )


def order_photo_add(
    *, order_id: int, actor: Actor, upload: Any, now: datetime | None = None
) -> OrderPhoto:
    """Add a photo to the order: the resident's (or their orderer's) of the need, or the
    team's proof of delivery, as ``policy.photo_kind`` says. Nothing is written on error.

    ``upload``: an uploaded file, or a ``PreparedPhoto`` that ``photo_read`` made of one
    (a form reads all its photos before it opens its transaction).
    """
    # Who may, before the file is read at all; the file is decoded outside the transaction
    # (seconds of work must not hold the order's lock, nor SQLite's write lock).
    _require(order_id, actor)
    prepared = upload if isinstance(upload, PreparedPhoto) else photo_read(upload)
    with photo_transaction():
        order = lock(order_id)
        # Again under the lock (the order may have moved on meanwhile); then the count, so
        # two uploads at once cannot both take the last place.
        policy.require("photo", actor, order)
        kind = policy.photo_kind(actor, order)
        if kind is None or not isinstance(actor, User):  # refused by require() already
            raise policy.not_permitted()
        most = settings.MINSHENG_PHOTO_MAX_PER_KIND
        if OrderPhoto.objects.filter(order_id=order.pk, kind=kind).count() >= most:
            raise _too_many(PHOTO_FIELD)
        at = moment(order, now)
        image, thumbnail = photo_store(prepared, at)
        return OrderPhoto.objects.create(
            order=order,
            kind=kind,
            image=image,
            thumbnail=thumbnail,
            content_type=prepared.content_type,
            width=prepared.width,
            height=prepared.height,
            bytes=len(prepared.data),
            uploaded_by=actor,
            audience=policy.PHOTO_AUDIENCE,
            created_at=at,
        )


def _require(order_id: int, actor: Actor) -> None:
    pk = as_id(order_id)
    order = Order.objects.filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise NotFound.single(OrderCode.ORDER_NOT_FOUND, _("No such order."), "order")
    policy.require("photo", actor, order)
