"""Which of the voice app's staff pages the navigation offers: asked of its policies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.voice.policy import suggestions, surveys, topics


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"voice_nav": {}}
    return {
        "voice_nav": {
            "surveys": surveys.can_build_surveys(user),
            "suggestions": suggestions.can_use_staff_page(user),
            "topics": topics.can_see_candidates(user),
        }
    }
