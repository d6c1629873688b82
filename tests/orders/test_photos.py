"""Photos on an order (``orders.services.photos``): checked by content, stored upright and
without metadata, with a thumbnail; every refusal names its code and field and writes
nothing, neither a row nor a file."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image

from minsheng.core.errors import Conflict, DomainError, PermissionDenied
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Audience, OrderPhoto, PhotoKind, Status
from tests.helpers import advance, order_at, submit
from tests.orders.conftest import refused
from tests.photos import (
    COMMENT,
    HTML,
    MAKER,
    SCRIPT,
    gif,
    noisy_jpeg,
    phone_jpeg,
    png,
    png_bomb,
    stored_files,
    upload,
    webp,
)

pytestmark = pytest.mark.django_db


def stored(name: str) -> bytes:
    with default_storage.open(name) as f:
        data: bytes = f.read()
    return data


def add(world: Any, order: Any, data: bytes, *, actor: Any = None, **kw: Any) -> OrderPhoto:
    return s.order_photo_add(
        order_id=order.pk, actor=actor or world.resident, upload=upload(data, **kw)
    )


def nothing_written(
    media: Path,
    call: Callable[[], object],
    *,
    errors: list[tuple[str, str | None]],
    error: type[DomainError] = DomainError,
) -> DomainError:
    """``refused`` (exact code and field, no order, event or rating written), and no photo
    row and no file in the storage either."""
    rows, files = OrderPhoto.objects.count(), stored_files(media)
    refusal = refused(call, error=error, errors=errors)
    assert OrderPhoto.objects.count() == rows
    assert stored_files(media) == files
    return refusal


# --- what is kept -----------------------------------------------------------------------------


def test_a_phone_photo_is_stored_upright_without_its_location_or_any_metadata(world, media):
    order = submit(world)
    raw = phone_jpeg((64, 32), orientation=6)
    assert b"Exif" in raw and COMMENT in raw and b"xmpmeta" in raw  # the test's own premise

    photo = add(world, order, raw)

    assert (photo.kind, photo.audience, photo.uploaded_by) == (
        PhotoKind.NEED,
        Audience.RESIDENT,
        world.resident,
    )
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 32, 64)
    data = stored(photo.image.name)
    assert photo.bytes == len(data)
    for secret in (b"Exif", b"GPS", MAKER.encode(), COMMENT, b"xmpmeta", b"http://ns.adobe"):
        assert secret not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (32, 64)
        assert dict(image.getexif()) == {}
        assert not {"exif", "comment", "xmp", "icc_profile"} & set(image.info)
        # Orientation 6: the camera's left (red) is the photo's top once turned upright.
        top, bottom = (
            image.convert("RGB").getpixel((16, 8)),
            image.convert("RGB").getpixel((16, 56)),
        )
    assert top[0] > 180 and top[2] < 80
    assert bottom[2] > 180 and bottom[0] < 80


def test_stored_photo_and_thumbnail_are_scaled_down_to_their_settings(world, media, settings):
    settings.MINSHENG_PHOTO_MAX_EDGE = 400
    settings.MINSHENG_PHOTO_THUMB_EDGE = 320
    photo = add(world, submit(world), phone_jpeg((800, 600), orientation=1))

    assert (photo.width, photo.height) == (400, 300)
    with Image.open(io.BytesIO(stored(photo.thumbnail.name))) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (320, 240))
        assert dict(thumb.getexif()) == {}


def test_names_are_random_and_say_nothing_of_the_upload(world, media):
    order = submit(world)
    first = add(world, order, png(), name="li-xiuying-home.png", content_type="image/png")
    second = add(world, order, png(), name="li-xiuying-home.png", content_type="image/png")

    assert re.fullmatch(r"photos/\d{4}/\d{2}/[\w-]{32}\.png", first.image.name)
    assert first.thumbnail.name == first.image.name.removesuffix(".png") + "-thumb.jpg"
    assert "li-xiuying" not in first.image.name
    assert first.image.name != second.image.name
    assert stored_files(media) == sorted(
        [first.image.name, first.thumbnail.name, second.image.name, second.thumbnail.name]
    )


@pytest.mark.parametrize(
    ("data", "content_type", "mode"),
    [
        (png(alpha=False), "image/png", "RGB"),
        (png(alpha=True), "image/png", "RGBA"),
        (webp(), "image/webp", "RGB"),
    ],
    ids=["png", "png-with-transparency", "webp"],
)
def test_png_and_webp_are_kept_in_their_own_format(world, media, data, content_type, mode):
    # Named .jpg and sent as JPEG: the content decides, not the name or the header.
    photo = add(world, submit(world), data, name="x.jpg", content_type="image/jpeg")

    assert (photo.content_type, photo.width, photo.height) == (content_type, 40, 30)
    assert photo.image.name.endswith("." + content_type.split("/")[1])
    with Image.open(io.BytesIO(stored(photo.image.name))) as image:
        assert image.mode == mode
    with Image.open(io.BytesIO(stored(photo.thumbnail.name))) as thumb:
        assert (thumb.format, thumb.mode, thumb.size) == ("JPEG", "RGB", (40, 30))


def test_the_provider_adds_proof_of_delivery_while_delivering_and_after(world, media):
    order = order_at(world, Status.IN_SERVICE)
    first = add(world, order, webp(), actor=world.provider_staff)
    advance(world, order, Status.DELIVERED)
    second = add(world, order, webp(), actor=world.provider_staff)

    assert [p.kind for p in (first, second)] == [PhotoKind.DELIVERY, PhotoKind.DELIVERY]
    assert first.uploaded_by == world.provider_staff


def test_a_grid_worker_who_ordered_for_a_resident_adds_the_need_photo(world, media):
    order = submit(
        world,
        actor=world.grid_worker,
        channel="grid_worker",
        contact_name="李秀英",
        contact_phone="13800138000",
    )
    assert add(world, order, png(), actor=world.grid_worker).kind == PhotoKind.NEED


# --- refusals: the file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [(SCRIPT, "photo.jpg"), (HTML, "photo.jpg"), (gif(), "photo.jpg"), (b"", "empty.jpg")],
    ids=["shell-script", "html-script", "gif", "empty"],
)
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(
    world, media, data, name
):
    order = submit(world)
    with translation.override("en"):
        refusal = nothing_written(
            media, lambda: add(world, order, data, name=name), errors=[("photo_not_image", "photo")]
        )
    assert str(refusal.errors[0].message) == (
        f"“{name}” is not a photo: send a JPEG, PNG or WebP image."
    )


def test_a_truncated_photo_is_refused_as_damaged(world, media):
    order = submit(world)
    whole = phone_jpeg((400, 300), orientation=1)
    nothing_written(
        media,
        lambda: add(world, order, whole[: len(whole) // 2]),
        errors=[("photo_damaged", "photo")],
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, media, settings):
    settings.MINSHENG_PHOTO_MAX_BYTES = 10_000
    order = submit(world)
    data = noisy_jpeg()
    assert len(data) > 10_000
    with translation.override("en"):
        refusal = nothing_written(
            media, lambda: add(world, order, data), errors=[("photo_too_large", "photo")]
        )
    assert str(refusal.errors[0].message) == (
        f"“photo.jpg” is {len(data) / 1048576:.1f} MB: a photo may be at most 0.00954 MB."
    )


def test_an_image_of_too_many_pixels_is_refused(world, media, settings):
    settings.MINSHENG_PHOTO_MAX_PIXELS = 1000
    order = submit(world)
    nothing_written(
        media, lambda: add(world, order, png((40, 30))), errors=[("photo_too_many_pixels", "photo")]
    )


@pytest.mark.parametrize("side", [8_000, 100_000], ids=["over-our-limit", "over-pillows-own"])
def test_a_decompression_bomb_is_refused_from_its_header(world, media, side):
    order = submit(world)
    bomb = png_bomb(side)
    assert len(bomb) < 1000
    nothing_written(
        media,
        lambda: add(world, order, bomb, name="bomb.png"),
        errors=[("photo_too_many_pixels", "photo")],
    )


def test_more_photos_than_the_limit_are_refused(world, media, settings):
    settings.MINSHENG_PHOTO_MAX_PER_KIND = 2
    order = order_at(world, Status.IN_SERVICE)
    add(world, order, png())
    add(world, order, png())
    # The limit is per kind: the provider's proof still has room.
    add(world, order, png(), actor=world.provider_staff)
    nothing_written(media, lambda: add(world, order, png()), errors=[("photo_too_many", "photo")])


# --- refusals: who and when -------------------------------------------------------------------


def test_nobody_adds_a_photo_to_a_closed_order(world, media):
    order = order_at(world, Status.DELIVERED)
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied"),
    )
    nothing_written(
        media, lambda: add(world, order, png()), error=Conflict, errors=[("order_final", "order")]
    )
    nothing_written(
        media,
        lambda: add(world, order, png(), actor=world.provider_staff),
        error=Conflict,
        errors=[("order_final", "order")],
    )


def test_the_need_is_photographed_until_delivery_and_the_proof_once_service_started(world, media):
    delivered = order_at(world, Status.DELIVERED)
    nothing_written(
        media,
        lambda: add(world, delivered, png()),
        error=Conflict,
        errors=[("photos_closed", "photo")],
    )
    accepted = order_at(world, Status.ACCEPTED)
    nothing_written(
        media,
        lambda: add(world, accepted, png(), actor=world.provider_staff),
        error=Conflict,
        errors=[("photos_closed", "photo")],
    )


def test_someone_else_is_refused_before_the_file_is_read(world, media):
    order = submit(world)
    # Not even a photo: the refusal is who they are, not what they sent.
    nothing_written(
        media,
        lambda: add(world, order, SCRIPT, actor=world.resident2),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
    )


# --- files of a transaction that does not commit ----------------------------------------------


def test_files_written_in_a_transaction_that_fails_later_are_deleted(world, media):
    order = submit(world)

    def photo_then_failure() -> None:
        with s.photo_transaction():
            add(world, order, png())
            add(world, order, png())
            assert len(stored_files(media)) == 4
            add(world, order, SCRIPT)  # refused: the two photos before it go too

    nothing_written(media, photo_then_failure, errors=[("photo_not_image", "photo")])
    assert stored_files(media) == []


def test_photos_are_seen_by_those_who_read_the_orders_details(world, media):
    order = order_at(world, Status.IN_SERVICE)
    photo = add(world, order, png())
    readers = {
        "resident": True,
        "resident2": False,
        "grid_worker": True,
        "dispatcher_a": True,
        "dispatcher_b": False,
        "county_admin": True,
        "provider_staff": True,
        "provider2_staff": False,
    }
    for name, sees in readers.items():
        user = getattr(world, name)
        assert policy.can_see_photos(user, order) is sees, name
        q = policy.photos_q(user, order)
        assert (q is not None and OrderPhoto.objects.filter(q).filter(pk=photo.pk).exists()) is (
            sees
        ), name


def test_a_form_with_more_photos_than_an_order_takes_is_refused_before_any_is_read(
    world, media, settings
):
    settings.MINSHENG_PHOTO_MAX_PER_KIND = 2
    uploads = [upload(SCRIPT, f"{i}.jpg") for i in range(3)]

    # Not three "not a photo" refusals: none of them was opened.
    with pytest.raises(DomainError) as info:
        s.photos_read(uploads)
    assert [(e.code, e.field) for e in info.value.errors] == [("photo_too_many", "photo")]


def test_a_form_gets_every_photos_refusal_at_once(world, media):
    with pytest.raises(DomainError) as info:
        s.photos_read([upload(SCRIPT, "a.jpg"), upload(png()), upload(HTML, "b.jpg")])
    assert [(e.code, e.field) for e in info.value.errors] == [
        ("photo_not_image", "photo"),
        ("photo_not_image", "photo"),
    ]


def test_a_nested_photo_transaction_rolled_back_takes_only_its_own_files(world, media):
    order = submit(world)

    with s.photo_transaction():
        kept = add(world, order, png())
        try:
            with s.photo_transaction():
                add(world, order, png())
                raise RuntimeError("the caller gives up on this part")
        except RuntimeError:
            pass

    assert list(OrderPhoto.objects.values_list("pk", flat=True)) == [kept.pk]
    assert stored_files(media) == sorted([kept.image.name, kept.thumbnail.name])
