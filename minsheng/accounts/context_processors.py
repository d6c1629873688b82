from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.accounts.selectors import profile_of


def role(request: HttpRequest) -> dict[str, Any]:
    profile = profile_of(getattr(request, "user", None))
    return {"profile": profile, "role": profile.role if profile else None}
