"""Photos people upload (an order's, a facility's): read by their content, re-encoded from
their pixels alone, stored under random names.

An upload is trusted for nothing it says about itself: neither its name nor its
Content-Type is read. ``photo_read`` opens it with Pillow, restricted to JPEG, PNG and WebP
(HEIC is not accepted: Pillow reads it only through a plug-in, and phones' browsers send
JPEG from an ``accept="image/*"`` input), refuses it when it is too large, declares too
many pixels (checked from the header, before anything is decoded: a decompression bomb
is a small file that declares a huge image), or cannot be decoded to the end. Then it is
turned upright (EXIF orientation), scaled down to a stored size and re-encoded from its
pixels alone: the stored file carries no EXIF (no GPS position, no camera, no time), no
XMP, no comment and no colour profile. A JPEG thumbnail is made from the same pixels.

Files are written (``photo_store``) before the row that names them, inside the caller's
``photo_transaction``, which deletes every photo file written inside it unless it commits.
Shared by ``orders.services.photos`` and ``facilities.services.register``.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from minsheng.core.errors import DomainError


class PhotoCode(StrEnum):
    """Refusals of a photo itself (the same values as ``orders.errors.OrderCode``'s)."""

    PHOTO_TOO_LARGE = "photo_too_large"
    PHOTO_NOT_IMAGE = "photo_not_image"
    PHOTO_DAMAGED = "photo_damaged"
    PHOTO_TOO_MANY_PIXELS = "photo_too_many_pixels"


PHOTO_FIELD = "photo"
# What Pillow may open an upload as; each is stored again in its own format.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
QUALITY = 85
_NAME_SHOWN = 60


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo read and re-encoded, not yet stored."""

    data: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _shown(upload: Any) -> str:
    """The upload's own name, as the person chose it, for a message (never for storage)."""
    name = str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:_NAME_SHOWN] or str(_("the file"))


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    stream: IO[bytes] = upload
    stream.seek(0, io.SEEK_END)
    end = stream.tell()
    stream.seek(0)
    return end


def photo_read(upload: Any, *, field: str = PHOTO_FIELD) -> PreparedPhoto:
    """Check ``upload`` by its content and re-encode it (see the module's docstring);
    raise a ``DomainError`` naming ``field`` if it is not a photo this site keeps."""
    name = _shown(upload)
    limit = settings.MINSHENG_PHOTO_MAX_BYTES
    size = _size_of(upload)
    if size > limit:
        raise DomainError.single(
            PhotoCode.PHOTO_TOO_LARGE,
            _("“%(name)s” is %(size)s MB: a photo may be at most %(limit)s MB.")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.3g}"},
            field,
        )
    not_image = DomainError.single(
        PhotoCode.PHOTO_NOT_IMAGE,
        _("“%(name)s” is not a photo: send a JPEG, PNG or WebP image.") % {"name": name},
        field,
    )
    if size == 0:
        raise not_image
    upload.seek(0)
    try:
        image = Image.open(upload, formats=tuple(FORMATS))
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, field) from None
    except Exception:
        # Image.open reads only the header; whatever it fails on (UnidentifiedImageError,
        # a malformed header's ValueError or struct.error) means the same: not a photo.
        raise not_image from None
    with image:
        if image.width * image.height > settings.MINSHENG_PHOTO_MAX_PIXELS:
            raise _too_many_pixels(name, field)
        content_type, extension = FORMATS[str(image.format)]
        try:
            return _reencode(image, content_type=content_type, extension=extension)
        except Image.DecompressionBombError:
            raise _too_many_pixels(name, field) from None
        except Exception:
            # Decoding untrusted data: a truncated or corrupt file fails in many ways
            # (OSError "image file is truncated", SyntaxError, ValueError...), all one answer.
            raise DomainError.single(
                PhotoCode.PHOTO_DAMAGED,
                _("“%(name)s” is damaged or incomplete: it could not be read to the end.")
                % {"name": name},
                field,
            ) from None


def _too_many_pixels(name: str, field: str) -> DomainError:
    return DomainError.single(
        PhotoCode.PHOTO_TOO_MANY_PIXELS,
        _("“%(name)s” is too large an image: at most %(limit)s megapixels.")
        % {"name": name, "limit": f"{settings.MINSHENG_PHOTO_MAX_PIXELS / 1_000_000:g}"},
        field,
    )


def _reencode(image: Image.Image, *, content_type: str, extension: str) -> PreparedPhoto:
    edge = settings.MINSHENG_PHOTO_MAX_EDGE
    if image.format == "JPEG":
        # Decode a large JPEG at a reduced scale straight away (less memory, less time).
        image.draft("RGB", (edge, edge))
    image.load()
    upright = ImageOps.exif_transpose(image)
    alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    mode = "RGBA" if alpha and image.format != "JPEG" else "RGB"
    pixels = upright.convert(mode)
    pixels.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no info dictionary (EXIF, XMP, comments, ICC
    # profile, PNG text chunks) can reach the encoder.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if image.format == "PNG":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format=str(image.format), quality=QUALITY)
    thumb = clean.copy()
    side = settings.MINSHENG_PHOTO_THUMB_EDGE
    thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
    if thumb.mode == "RGBA":
        # Thumbnails are JPEG: transparency over white, as a page shows it.
        flat = Image.new("RGB", thumb.size, (255, 255, 255))
        flat.paste(thumb, mask=thumb.getchannel("A"))
        thumb = flat
    small = io.BytesIO()
    thumb.save(small, format="JPEG", quality=QUALITY)
    return PreparedPhoto(
        data=out.getvalue(),
        thumbnail=small.getvalue(),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )


# --- files written in a transaction -----------------------------------------------------------

_written: ContextVar[list[str] | None] = ContextVar("minsheng_photo_files", default=None)


@contextmanager
def photo_transaction() -> Iterator[None]:
    """``transaction.atomic()`` for a caller that adds photos among other writes: every
    photo file written inside is deleted again unless the transaction commits.

    Nested, it is a savepoint: the files written inside it go with it if it is rolled back,
    and are handed to the enclosing one if it is not (to go if that one is rolled back).
    """
    enclosing = _written.get()
    names: list[str] = []
    token = _written.set(names)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete(names)
        raise
    else:
        if enclosing is not None:
            enclosing.extend(names)
    finally:
        _written.reset(token)


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
    names.clear()


def photo_store(
    prepared: PreparedPhoto, at: datetime, *, folder: str = "photos"
) -> tuple[str, str]:
    """Write the photo and its thumbnail under one random name in ``folder``; return the
    stored names (deleted again if the enclosing ``photo_transaction`` does not commit)."""
    stem = f"{folder}/{at:%Y/%m}/{secrets.token_urlsafe(24)}"
    written = _written.get()
    image = default_storage.save(f"{stem}.{prepared.extension}", ContentFile(prepared.data))
    if written is not None:
        written.append(image)
    thumbnail = default_storage.save(f"{stem}-thumb.jpg", ContentFile(prepared.thumbnail))
    if written is not None:
        written.append(thumbnail)
    return image, thumbnail
