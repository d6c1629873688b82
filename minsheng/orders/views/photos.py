"""Photos on the order pages: serving one to a reader the policy admits, and the photo
input of the order form and the provider's delivery form.

No photo has a public URL: ``order_photo`` finds the order as the reader sees it
(``selectors.photo_for`` asks ``policy.photos_q``: those who read the order's details) and
streams the file from the storage; anyone else gets a 404, as for an order they cannot see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _

from minsheng.core.files import private_file
from minsheng.orders import selectors, services
from minsheng.orders.forms import FieldSpec, attach_errors
from minsheng.orders.views.common import Failure

PHOTO_FIELD = "photo"


def _serve(request: HttpRequest, pk: int, photo_id: int, *, thumbnail: bool) -> HttpResponseBase:
    photo = selectors.photo_for(request.user, pk, photo_id)
    if photo is None:
        raise Http404
    served = selectors.photo_file(photo, thumbnail=thumbnail)
    return private_file(
        served.file.open("rb"), content_type=served.content_type, filename=served.filename
    )


# Signed in (anonymous readers go to the login page); the path holds only whole numbers.
@login_required
def order_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    return _serve(request, pk, photo_id, thumbnail=False)


@login_required
def order_photo_thumb(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    return _serve(request, pk, photo_id, thumbnail=True)


# --- the photo input --------------------------------------------------------------------------


def photo_field(*, label: Any, help: Any, prefix: str = "f") -> FieldSpec:
    """The photo input (``orders/_photo_input.html``): optional, several files at once."""
    return FieldSpec(name=PHOTO_FIELD, label=label, kind="file", help=help, prefix=prefix)


def delivery_photo_field(order_id: int, failure: Failure | None) -> FieldSpec:
    """The provider's proof of delivery on the delivery form of one order."""
    spec = photo_field(
        label=_("Photos of the work done (optional)"),
        help=_("Take or choose up to %(count)s photos; where they were taken is removed.")
        % {"count": photo_limit()},
        prefix=f"o{order_id}-deliver",
    )
    if failure is not None and failure.matches("deliver", order_id):
        attach_errors([spec], failure.errors)
    return spec


def photo_limit() -> int:
    limit: int = settings.MINSHENG_PHOTO_MAX_PER_KIND
    return limit


def read_photos(request: HttpRequest) -> list[services.PreparedPhoto]:
    """The form's photos, checked and re-encoded before any transaction opens."""
    return services.photos_read(request.FILES.getlist(PHOTO_FIELD), field=PHOTO_FIELD)


def add_photos(request: HttpRequest, order_id: int, photos: list[services.PreparedPhoto]) -> None:
    """Add photos already read to the order, inside the caller's ``photo_transaction``."""
    for photo in photos:
        services.order_photo_add(order_id=order_id, actor=request.user, upload=photo)
