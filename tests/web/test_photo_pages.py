"""Photos on the web pages: attached when ordering and when delivering, shown as thumbnails
on the resident's and the staff order pages, served only to those who read the order's
details, never from a public URL."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.storage import default_storage

from minsheng.orders.models import Order, OrderPhoto, PhotoKind, Status
from tests.helpers import advance, order_at
from tests.photos import SCRIPT, phone_jpeg, png, stored_files, upload, webp
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

NEED = "/need/"


def need_form(**extra: Any) -> dict[str, Any]:
    return {"area": "elderly", "description": "屋顶漏水", "region": "V1", **extra}


def body(response: Any) -> str:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_order_form_takes_photos_by_phone_camera_or_gallery(world, media):
    page = logged_in(world.resident).get(NEED).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert (
        '<input type="file" id="f-photo" name="photo" accept="image/*" multiple '
        'aria-describedby="f-photo-help">'
    ) in page
    assert '<label for="f-photo">Photos (optional)</label>' in page


def test_a_resident_orders_with_photos_and_sees_their_thumbnails(world, media):
    client = logged_in(world.resident)
    response = client.post(
        NEED,
        need_form(photo=[upload(phone_jpeg(), "roof.jpg"), upload(png(), "b.png", "image/png")]),
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/orders/{order.pk}/"
    photos = list(OrderPhoto.objects.filter(order=order).order_by("pk"))
    assert [(p.kind, p.uploaded_by, p.content_type) for p in photos] == [
        (PhotoKind.NEED, world.resident, "image/jpeg"),
        (PhotoKind.NEED, world.resident, "image/png"),
    ]
    page = client.get(response["Location"]).content.decode()
    first, second = photos
    assert (
        f'<a href="/orders/{order.pk}/photos/{first.pk}/">\n'
        f'        <img src="/orders/{order.pk}/photos/{first.pk}/thumb/" '
        f'alt="Photo of the need, photo 1" loading="lazy">'
    ) in page
    assert f'src="/orders/{order.pk}/photos/{second.pk}/thumb/"' in page


def test_a_photo_is_streamed_with_its_own_type_privately_and_never_sniffed(world, media):
    client = logged_in(world.resident)
    client.post(NEED, need_form(photo=upload(webp(), "x.jpg")))
    photo = OrderPhoto.objects.get()
    order = photo.order

    full = client.get(f"/orders/{order.pk}/photos/{photo.pk}/")
    thumb = client.get(f"/orders/{order.pk}/photos/{photo.pk}/thumb/")

    assert full.status_code == 200
    assert full["Content-Type"] == "image/webp"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert full["Cache-Control"] == "private, max-age=3600"
    assert full["Cross-Origin-Resource-Policy"] == "same-origin"
    assert full["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    assert full["Content-Disposition"] == (
        f'inline; filename="order-{order.pk}-photo-{photo.pk}.webp"'
    )
    with default_storage.open(photo.image.name) as f:
        assert body(full) == f.read()
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/jpeg")
    with default_storage.open(photo.thumbnail.name) as f:
        assert body(thumb) == f.read()


def test_a_script_named_jpg_is_refused_on_the_order_form_and_nothing_is_written(world, media):
    response = logged_in(world.resident).post(
        NEED, need_form(photo=[upload(png()), upload(SCRIPT, "evil.jpg")])
    )

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    message = "“evil.jpg” is not a photo: send a JPEG, PNG or WebP image."
    assert f'<li><a href="#f-photo">{message}</a></li>' in page
    assert (
        f'<p class="field-error" id="f-photo-error">{message} Please choose the photos again.</p>'
    ) in page
    assert (
        '<input type="file" id="f-photo" name="photo" accept="image/*" multiple '
        'aria-describedby="f-photo-help f-photo-error" aria-invalid="true">'
    ) in page
    assert (Order.objects.count(), OrderPhoto.objects.count(), stored_files(media)) == (0, 0, [])


def test_too_many_photos_on_the_order_form_places_no_order(world, media, settings):
    settings.MINSHENG_PHOTO_MAX_PER_KIND = 1
    response = logged_in(world.resident).post(NEED, need_form(photo=[upload(png()), upload(png())]))

    assert response.status_code == 400
    assert "An order takes at most 1 photos of each kind." in response.content.decode()
    assert (Order.objects.count(), OrderPhoto.objects.count(), stored_files(media)) == (0, 0, [])


def test_the_provider_delivers_with_proof_taken_by_the_camera(world, media):
    order = order_at(world, Status.IN_SERVICE)
    client = logged_in(world.provider_staff)
    page = client.get("/staff/provider/").content.decode()
    assert (
        f'<input type="file" id="o{order.pk}-deliver-photo" name="photo" accept="image/*" '
        f'multiple capture="environment" aria-describedby="o{order.pk}-deliver-photo-help">'
    ) in page

    response = client.post(
        f"/staff/provider/orders/{order.pk}/deliver/",
        {"note": "修好了", "photo": upload(phone_jpeg(), "done.jpg")},
    )

    order.refresh_from_db()
    assert (response.status_code, order.status) == (302, Status.DELIVERED)
    photo = OrderPhoto.objects.get()
    assert (photo.kind, photo.uploaded_by) == (PhotoKind.DELIVERY, world.provider_staff)
    staff_page = logged_in(world.dispatcher_a).get(f"/staff/orders/{order.pk}/").content.decode()
    assert f'src="/orders/{order.pk}/photos/{photo.pk}/thumb/"' in staff_page
    assert 'alt="Proof of delivery, photo 1"' in staff_page


def test_a_delivery_with_a_disguised_photo_is_not_delivered(world, media):
    order = order_at(world, Status.IN_SERVICE)
    response = logged_in(world.provider_staff).post(
        f"/staff/provider/orders/{order.pk}/deliver/",
        {"note": "修好了", "photo": upload(SCRIPT, "proof.jpg")},
    )

    order.refresh_from_db()
    assert (response.status_code, order.status) == (400, Status.IN_SERVICE)
    assert (
        f'<p class="field-error" id="o{order.pk}-deliver-photo-error">' in response.content.decode()
    )
    assert (OrderPhoto.objects.count(), stored_files(media)) == (0, [])


def test_photo_urls_of_another_orders_photo_are_404(world, media):
    client = logged_in(world.resident)
    client.post(NEED, need_form(photo=upload(png())))
    client.post(NEED, need_form())
    photo = OrderPhoto.objects.get()
    other = Order.objects.exclude(pk=photo.order_id).get()

    assert client.get(f"/orders/{other.pk}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/orders/{photo.order_id}/photos/{photo.pk + 1}/").status_code == 404


def test_the_provider_sees_the_residents_photos_on_each_work_order(world, media):
    client = logged_in(world.resident)
    client.post(NEED, need_form(photo=upload(png())))
    client.post(NEED, need_form(photo=[upload(png()), upload(webp())]))
    first, second = Order.objects.order_by("pk")
    for order in (first, second):
        advance(world, order, Status.DISPATCHED, provider=world.provider)

    page = logged_in(world.provider_staff).get("/staff/provider/").content.decode()

    for order in (first, second):
        photos = OrderPhoto.objects.filter(order=order).order_by("pk")
        assert f'<h4 id="photos-{order.pk}-h">Photos</h4>' in page
        for photo in photos:
            assert f'src="/orders/{order.pk}/photos/{photo.pk}/thumb/"' in page
    assert page.count('class="panel order-photos"') == 2


def test_the_admin_links_an_orders_photos_to_the_checked_view_not_to_the_storage(world, media):
    from tests.factories import UserFactory

    logged_in(world.resident).post(NEED, need_form(photo=upload(png())))
    photo = OrderPhoto.objects.get()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    page = logged_in(root).get(f"/admin/orders/order/{photo.order_id}/change/").content.decode()

    assert f'<a href="/orders/{photo.order_id}/photos/{photo.pk}/">Open</a>' in page
    assert photo.image.name not in page
    served = logged_in(root).get(f"/orders/{photo.order_id}/photos/{photo.pk}/")
    assert served.status_code == 200


def test_a_delivery_whose_proof_is_one_too_many_is_not_delivered_and_leaves_no_file(
    world, media, settings
):
    from minsheng.orders import services

    settings.MINSHENG_PHOTO_MAX_PER_KIND = 2
    order = order_at(world, Status.IN_SERVICE)
    services.order_photo_add(order_id=order.pk, actor=world.provider_staff, upload=upload(png()))
    files = stored_files(media)

    response = logged_in(world.provider_staff).post(
        f"/staff/provider/orders/{order.pk}/deliver/",
        {"note": "修好了", "photo": [upload(webp(), "second.webp"), upload(png(), "third.png")]},
    )

    order.refresh_from_db()
    assert (response.status_code, order.status) == (400, Status.IN_SERVICE)
    assert "An order takes at most 2 photos of each kind." in response.content.decode()
    # The delivery and the second photo (its row and both its files) were written, and
    # undone together when the third was refused.
    assert (OrderPhoto.objects.count(), stored_files(media)) == (1, files)
