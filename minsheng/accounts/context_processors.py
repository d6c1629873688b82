from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.accounts.selectors import profile_of


def profile(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's profile, for the header's "logged in as". What a page may show
    or offer is asked of the owning app's policy (``nav``, ``may``), never read off the
    role in a template."""
    return {"profile": profile_of(getattr(request, "user", None))}
