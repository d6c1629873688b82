"""Writes about accounts."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def user_set_password(*, user: AbstractBaseUser, password: str | None) -> None:
    """Give ``user`` a new password (``None``: none at all, so no password login) and revoke
    every API token they hold: whoever knew the old password may have taken one.

    Every path that changes a password comes here: the password page, ``POST
    /api/v1/me/password/``, the admin's two password forms and ``minsheng changepassword``.
    Callers check the password against ``AUTH_PASSWORD_VALIDATORS`` first (each words the
    refusal for its own field); the user's other sessions end by themselves, since their
    session hash no longer matches, and the caller keeps its own session if it wants with
    ``update_session_auth_hash``.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    # Deleted row by row (with signals), so this process's token cache forgets them at once.
    Token.objects.filter(user=user).delete()
