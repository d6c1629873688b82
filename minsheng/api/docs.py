"""The OpenAPI schema and its Swagger UI page, with the shared error shape.

No ReDoc page: drf-spectacular's ReDoc template loads Google fonts, and the docs must work
without any network access. Swagger UI comes from drf-spectacular-sidecar's static files.

Under the site's Content-Security-Policy (no inline script or style): the page loads its
start-up script as a file of its own (drf-spectacular's split view, ``?script``), and its
one inline ``<style>`` is allowed by hash, on this page only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from django.template.loader import get_template
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from minsheng.api.base import api_exception_handler


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return api_exception_handler


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]


STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def inline_style_hashes(template_name: str) -> list[str]:
    """CSP sources for the ``<style>`` blocks written in a template (no variables in them, so
    the page serves them exactly as written)."""
    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    digests = (hashlib.sha256(css.encode()).digest() for css in re.findall(STYLE, source))
    return [f"'sha256-{base64.b64encode(d).decode()}'" for d in digests]


# Included at /api/: no namespace, so the docs pages find the schema by its plain name.
urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "docs/",
        csp_update({"style-src": inline_style_hashes(DocsView.template_name)})(
            DocsView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
