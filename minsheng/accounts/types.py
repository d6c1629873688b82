"""The type of whoever acts: a signed-in user, an anonymous visitor, or nobody (a client
application that an interface has already checked, the sweep, an import)."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = User | AnonymousUser | None
