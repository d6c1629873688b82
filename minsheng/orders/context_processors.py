"""What every page's navigation offers the signed-in user: asked of ``orders.policy``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.orders import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav": {
            "order": policy.can_order(user),
            "for_others": policy.orders_for_others(user),
            "dispatch": policy.can_dispatch_anything(user),
            "provide": policy.can_work_as_provider(user),
        }
    }
