"""The OpenAPI schema and its Swagger UI / ReDoc pages, with the shared error shape."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from minsheng.api.base import api_exception_handler


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]

    def get_exception_handler(self):
        return api_exception_handler


class DocsView(SpectacularSwaggerView):
    permission_classes = [AllowAny]


class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]


# Included at /api/: no namespace, so the docs pages find the schema by its plain name.
urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
