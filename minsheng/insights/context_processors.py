"""Whether the navigation offers the demand analysis and the planning pages: asked of
``insights.policy``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.insights import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "demand_nav": bool(signed_in and policy.can_see_demand(user)),
        "planning_nav": bool(signed_in and policy.can_see_planning(user)),
    }
