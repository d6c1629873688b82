"""The OpenAPI schema and its Swagger UI page, with the shared error shape.

No ReDoc page: drf-spectacular's ReDoc template loads Google fonts, and the docs must work
without any network access. Swagger UI comes from drf-spectacular-sidecar's static files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from minsheng.api.base import api_exception_handler


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return api_exception_handler


class DocsView(SpectacularSwaggerView):
    permission_classes = [AllowAny]


# Included at /api/: no namespace, so the docs pages find the schema by its plain name.
urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
