"""Whether the navigation offers the demand analysis: asked of ``insights.policy``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.insights import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "demand_nav": bool(
            user is not None and user.is_authenticated and policy.can_see_demand(user)
        )
    }
