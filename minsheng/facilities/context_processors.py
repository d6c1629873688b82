"""What the navigation offers of the facilities app: asked of ``facilities.policy``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.facilities.policy import register as policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    console = bool(
        user is not None and user.is_authenticated and policy.uses_facility_console(user)
    )
    return {"facilities_nav": {"console": console}}
