"""Api: the collections part (issue 10), public read.

- ``GET /api/v1/facilities/<id>/collection/``: a public library's figures in the current year
  (docs/collections.md) and its classes with their share of the copies;
- ``GET /api/v1/facilities/<id>/collection/titles/``: its titles, paginated (``?page=``,
  ``?page_size=``), searchable (``?q=`` in title or author).

A facility that is not public or holds no collection is a 404 to everyone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import PublicReadBase
from minsheng.api.schema import errors
from minsheng.core.errors import Code, NotFound

from ..models import Facility, Title
from ..policy import collections as policy
from ..selectors import collections as selectors
from ..services.collections import this_year


def _public_library(facility_id: Any) -> Facility:
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None or not policy.can_read_collection(None, facility):
        raise NotFound.single(Code.INVALID, _("There is no such public library."), "facility_id")
    return facility


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@extend_schema(
    tags=["facilities"],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="See docs/collections.md."),
        **errors(404),
    },
)
class CollectionFigures(PublicReadBase):
    """A public library's collection: its freshness and diversity figures in the current
    year (``median_age``, ``share_under_5``, ``shannon``, ``largest_share`` exactly as the
    ``collection`` command prints them, rounded to 4 places) and its classes."""

    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = _public_library(kwargs["facility_id"])
        year = this_year()
        f = selectors.collection_figures([facility.pk], year)[facility.pk]
        return Response(
            {
                "facility": facility.pk,
                "as_of": year,
                "titles": f.titles,
                "copies": f.copies,
                "figures": {k: _num(v) for k, v in f.as_json().items()},
                "largest_class": f.largest_class,
                "evenness": _num(f.evenness),
                "circulation_per_title": _num(f.circulation_per_title),
                "classes": [
                    {
                        "letter": c.letter,
                        "name_zh": c.name_zh,
                        "name_en": c.name_en,
                        "titles": c.titles,
                        "copies": c.copies,
                        "share": _num(c.share),
                    }
                    for c in selectors.class_breakdown(facility, year)
                ],
            }
        )


class TitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Title
        fields = ["id", "title", "author", "isbn", "subject", "year", "copies", "loans"]
        read_only_fields = fields


@extend_schema(
    tags=["facilities"],
    parameters=[OpenApiParameter("q", str, description="Text in the title, author or ISBN.")],
    responses={200: TitleSerializer(many=True), **errors(400, 404)},
)
class CollectionTitles(PublicReadBase, generics.ListAPIView):
    """A public library's titles by class, then title."""

    serializer_class = TitleSerializer

    def get_queryset(self) -> QuerySet[Title]:
        facility = _public_library(self.kwargs["facility_id"])
        search = str(self.request.query_params.get("q", "")).strip()[:100]
        return selectors.titles_of(facility, search)


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "facilities/<int:facility_id>/collection/",
        CollectionFigures.as_view(),
        name="facility-collection",
    ),
    path(
        "facilities/<int:facility_id>/collection/titles/",
        CollectionTitles.as_view(),
        name="facility-collection-titles",
    ),
]
