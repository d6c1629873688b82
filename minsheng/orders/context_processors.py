"""What every page's navigation offers the signed-in user: asked of ``orders.policy``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.orders import policy, selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    may_order = policy.can_order(user)
    return {
        "nav": {
            "order": may_order,
            "for_others": policy.orders_for_others(user),
            "dispatch": policy.can_dispatch_anything(user),
            "provide": policy.can_work_as_provider(user),
            # How many of the reader's delivered orders wait for their rating (a badge).
            "to_rate": selectors.to_rate_count(user) if may_order else 0,
        }
    }
