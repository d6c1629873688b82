"""System checks of our own (``minsheng check``; ``--deploy`` runs the deploy ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# The development key in settings starts with this; so must any other published key.
INSECURE_KEY_PREFIX = "minsheng-insecure-"


@register(Tags.security, deploy=True)
def check_secret_key_is_not_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The development key is in the source code: with it anyone can forge sessions, password
    reset links and signed values. Django's own check (security.W009) lets it pass."""
    keys = [("SECRET_KEY", settings.SECRET_KEY)] + [
        (f"SECRET_KEY_FALLBACKS[{i}]", key) for i, key in enumerate(settings.SECRET_KEY_FALLBACKS)
    ]
    return [
        Error(
            f"{name} is the public development key.",
            hint="Set SECRET_KEY in the environment to a long random string of your own "
            "(docs/deployment.md).",
            id="minsheng.E001",
        )
        for name, key in keys
        if str(key).startswith(INSECURE_KEY_PREFIX)
    ]
