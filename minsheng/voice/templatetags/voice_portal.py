"""``{% voice_portal %}``: the people's voice on the portal's front page."""

from __future__ import annotations

from typing import Any

from django import template

from minsheng.voice.selectors.portal import portal_digest
from minsheng.voice.selectors.topics import progress_of

register = template.Library()


@register.inclusion_tag("voice/_portal.html")
def voice_portal() -> dict[str, Any]:
    digest = portal_digest()
    return {
        "surveys": digest.surveys,
        "replies": digest.replies,
        "topics": [{"topic": t, "progress": progress_of(t)} for t in digest.topics],
    }
