"""What a map on a page needs to know, as ``data-`` attributes for ``minsheng/map.js``:
where the boundaries and the locator are, and the tile server when one is set (pages carry
no inline script, so settings reach the script through the markup)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def map_attributes() -> SafeString:
    return format_html(
        'data-boundaries-url="{}" data-locate-url="{}" data-tile-url="{}" '
        'data-tile-attribution="{}"',
        reverse("api:region-boundaries"),
        reverse("api:region-locate"),
        settings.MINSHENG_MAP_TILE_URL,
        settings.MINSHENG_MAP_TILE_ATTRIBUTION,
    )
