"""accounts.services.user_set_password: the one place a password changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from minsheng.accounts.services import user_set_password

pytestmark = pytest.mark.django_db


def test_a_new_password_revokes_only_that_users_tokens(world: Any) -> None:
    Token.objects.create(user=world.resident)
    other = Token.objects.create(user=world.resident2)

    user_set_password(user=world.resident, password="a-new-pass-word-456")

    fresh = get_user_model().objects.get(pk=world.resident.pk)
    assert fresh.check_password("a-new-pass-word-456")
    assert list(Token.objects.values_list("key", flat=True)) == [other.key]


def test_no_password_disables_password_login_and_revokes_the_tokens(world: Any) -> None:
    Token.objects.create(user=world.resident)

    user_set_password(user=world.resident, password=None)

    fresh = get_user_model().objects.get(pk=world.resident.pk)
    assert fresh.has_usable_password() is False
    assert Token.objects.count() == 0
