from __future__ import annotations

from typing import Any

from minsheng.accounts.models import Profile, Role


def profile_of(user: Any) -> Profile | None:
    """The user's profile (cached on the user object), or None for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_minsheng_profile"):
        cached: Profile | None = user._minsheng_profile
        return cached
    profile = Profile.objects.select_related("region").filter(user=user).first()
    if profile is None and user.is_superuser:
        profile = Profile(user=user, role=Role.COUNTY_ADMIN)
    user._minsheng_profile = profile
    return profile


def role_of(user: Any) -> str | None:
    profile = profile_of(user)
    return profile.role if profile else None
