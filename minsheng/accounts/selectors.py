from __future__ import annotations

from django.contrib.auth.models import User

from minsheng.accounts import policy
from minsheng.accounts.models import PhoneCode, Profile, Role
from minsheng.accounts.types import Actor
from minsheng.regions.models import Region


def profile_of(user: Actor) -> Profile | None:
    """The user's profile (cached on the user object), or None for anonymous users.

    A superuser without a profile works as a county administrator of the county (the root
    of the region tree): every staff role has a region, and none means nothing.
    """
    if user is None or not user.is_authenticated:
        return None
    if hasattr(user, "_minsheng_profile"):
        cached: Profile | None = user._minsheng_profile
        return cached
    profile = Profile.objects.select_related("region").filter(user=user).first()
    if profile is None and getattr(user, "is_superuser", False):
        counties = list(Region.objects.filter(level=Region.Level.COUNTY)[:2])
        county = counties[0] if len(counties) == 1 else None
        profile = Profile(user=user, role=Role.COUNTY_ADMIN, region=county)
    user._minsheng_profile = profile  # type: ignore[attr-defined]
    return profile


def role_of(user: Actor) -> str | None:
    profile = profile_of(user)
    return profile.role if profile else None


def home_region(user: Actor) -> Region | None:
    """Where the user lives (a resident) or works (staff): the place forms start from."""
    profile = profile_of(user)
    return profile.region if profile is not None else None


def account_by_mobile(phone: str) -> User | None:
    """The active account that signs in with this stored mobile (``policy.PHONE_SIGN_IN_ROLES``),
    or None. One resident account per mobile is a database constraint, so there is at most
    one."""
    profile = (
        Profile.objects.select_related("user", "region")
        .filter(role__in=policy.PHONE_SIGN_IN_ROLES, phone=phone, user__is_active=True)
        .first()
    )
    if profile is None:
        return None
    user = profile.user
    user._minsheng_profile = profile  # type: ignore[attr-defined]
    return user


def latest_code(phone: str, purpose: str) -> PhoneCode | None:
    """The newest code sent to ``phone`` for ``purpose`` (the only one that counts)."""
    return (
        PhoneCode.objects.filter(phone=phone, purpose=purpose)
        .order_by("-created_at", "-pk")
        .first()
    )
