"""``POST /api/v1/orders/{id}/photos/`` (multipart), the photos in the order's detail, and
their files: the same checks and rules as the web, in the API's error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage

from minsheng.orders.models import OrderPhoto, Status
from tests.api.conftest import token_client
from tests.helpers import order_at
from tests.photos import SCRIPT, noisy_jpeg, phone_jpeg, stored_files, upload

pytestmark = pytest.mark.django_db


def photos_url(order: Any) -> str:
    return f"/api/v1/orders/{order.pk}/photos/"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_resident_uploads_a_photo_and_finds_it_in_the_order(world, media):
    order = order_at(world, Status.SUBMITTED)
    api = token_client(world.resident)

    response = api.post(
        photos_url(order), {"photo": upload(phone_jpeg(), "roof.jpg")}, format="multipart"
    )

    assert response.status_code == 201, response.content
    photo = OrderPhoto.objects.get()
    base = f"http://testserver/api/v1/orders/{order.pk}/photos/{photo.pk}/"
    row = response.json()
    assert row == {
        "id": photo.pk,
        "kind": "need",
        "content_type": "image/jpeg",
        "width": 32,
        "height": 64,
        "bytes": photo.bytes,
        "created_at": row["created_at"],
        "url": base,
        "thumbnail_url": base + "thumb/",
    }
    assert api.get(f"/api/v1/orders/{order.pk}/").json()["photos"] == [row]


@pytest.mark.parametrize("accept", ["*/*", "image/*", "image/jpeg"])
def test_a_photo_file_is_served_to_a_reader_as_the_image_it_is(world, media, accept):
    order = order_at(world, Status.IN_SERVICE)
    api = token_client(world.provider_staff)
    api.post(photos_url(order), {"photo": upload(phone_jpeg())}, format="multipart")
    photo = OrderPhoto.objects.get()

    response = api.get(f"/api/v1/orders/{order.pk}/photos/{photo.pk}/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "image/jpeg",
        "nosniff",
    )
    assert response["Cache-Control"] == "private, max-age=3600"
    with default_storage.open(photo.image.name) as f:
        assert body(response) == f.read()


@pytest.mark.parametrize("accept", ["*/*", "image/*"])
def test_a_photo_of_an_order_one_cannot_see_is_a_json_404(world, media, accept):
    order = order_at(world, Status.SUBMITTED)
    token_client(world.resident).post(
        photos_url(order), {"photo": upload(phone_jpeg())}, format="multipart"
    )
    photo = OrderPhoto.objects.get()

    response = token_client(world.resident2).get(
        f"/api/v1/orders/{order.pk}/photos/{photo.pk}/thumb/", HTTP_ACCEPT=accept
    )

    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["errors"][0]["code"] == "photo_not_found"


def test_a_script_named_jpg_is_refused_naming_the_field_and_nothing_is_written(world, media):
    order = order_at(world, Status.SUBMITTED)

    response = token_client(world.resident).post(
        photos_url(order),
        {"photo": upload(SCRIPT, "evil.jpg")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "photo_not_image",
                "field": "photo",
                "message": "“evil.jpg” is not a photo: send a JPEG, PNG or WebP image.",
            }
        ]
    }
    assert (OrderPhoto.objects.count(), stored_files(media)) == (0, [])


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        ({}, [{"code": "required", "field": "photo"}]),
        (
            {"photo": upload(phone_jpeg()), "kind": "delivery"},
            [{"code": "unknown_field", "field": "kind"}],
        ),
    ],
    ids=["no-photo", "unknown-field"],
)
def test_the_upload_body_is_one_photo_field(world, media, data, rows):
    order = order_at(world, Status.SUBMITTED)
    response = token_client(world.resident).post(photos_url(order), data, format="multipart")

    assert response.status_code == 400
    assert [{"code": r["code"], "field": r["field"]} for r in response.json()["errors"]] == rows
    assert (OrderPhoto.objects.count(), stored_files(media)) == (0, [])


def test_a_json_body_is_refused_as_unsupported(world, media):
    order = order_at(world, Status.SUBMITTED)
    response = token_client(world.resident).post(photos_url(order), {}, format="json")

    assert response.status_code == 415
    assert OrderPhoto.objects.count() == 0


def test_an_oversized_photo_is_refused_by_the_service_and_a_far_larger_body_unread(
    world, media, settings
):
    order = order_at(world, Status.SUBMITTED)
    api = token_client(world.resident)
    data = noisy_jpeg((800, 600))
    settings.MINSHENG_PHOTO_MAX_BYTES = len(data) - 1

    over = api.post(photos_url(order), {"photo": upload(data)}, format="multipart")
    settings.MINSHENG_PHOTO_MAX_BYTES = 1000
    assert len(data) > 1000 + 64 * 1024
    far_over = api.post(photos_url(order), {"photo": upload(data)}, format="multipart")

    assert over.status_code == 400
    assert [(e["code"], e["field"]) for e in over.json()["errors"]] == [
        ("photo_too_large", "photo")
    ]
    assert far_over.status_code == 413
    assert far_over.json()["errors"][0]["code"] == "too_large"
    assert (OrderPhoto.objects.count(), stored_files(media)) == (0, [])


def test_a_photo_on_a_closed_order_is_a_409(world, media):
    order = order_at(world, Status.SUBMITTED)
    api = token_client(world.resident)
    api.post(f"/api/v1/orders/{order.pk}/cancel/", {}, format="json")

    response = api.post(photos_url(order), {"photo": upload(phone_jpeg())}, format="multipart")

    assert response.status_code == 409
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("order_final", "order")
    ]
    assert (OrderPhoto.objects.count(), stored_files(media)) == (0, [])
