"""Who may see what of the catalog: the one place that answers it.

Everyone reads the published menu and the active providers' public fields (the portal,
``/api/v1/services/``, ``/api/v1/providers/``). Those who plan and dispatch — dispatchers
and county administrators — also see unpublished services, inactive providers and the
providers' capacity, phone and base point.
"""

from __future__ import annotations

from minsheng.accounts.models import DISPATCH_ROLES
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor


def can_see_whole_catalog(user: Actor) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in DISPATCH_ROLES and profile.region is not None
