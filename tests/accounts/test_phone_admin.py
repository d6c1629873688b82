"""The admin and sign-in by phone: the codes sent, view only and masked, never their hash;
a resident's mobile taken by another resident is refused on the profile form."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from minsheng.accounts import services as s
from minsheng.accounts.models import PhoneCode, Profile, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: Any) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_codes_sent_are_listed_masked_and_read_only(admin_client, settings, tmp_path):
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms.jsonl")
    row = s.phone_code_send(phone="13900000001", purpose="signup", address="10.0.0.1")
    html = admin_client.get("/admin/accounts/phonecode/").content.decode()
    assert "139****0001" in html
    assert row.code_hash not in html
    page = admin_client.get(f"/admin/accounts/phonecode/{row.pk}/change/").content.decode()
    assert row.code_hash not in page
    assert admin_client.get("/admin/accounts/phonecode/add/").status_code == 403
    response = admin_client.post(f"/admin/accounts/phonecode/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert PhoneCode.objects.filter(pk=row.pk).exists()


def test_the_profile_form_refuses_a_second_resident_with_one_mobile(admin_client, world):
    Profile.objects.filter(user=world.resident).update(phone="13900000001")
    other = make_user(Role.RESIDENT, world.village_b, username="other")
    profile = Profile.objects.get(user=other)
    response = admin_client.post(
        f"/admin/accounts/profile/{profile.pk}/change/",
        {
            "user": other.pk,
            "role": Role.RESIDENT,
            "region": world.village_b.pk,
            "display_name": "other",
            "phone": "13900000001",
        },
    )
    assert response.status_code == 200
    # The page speaks Chinese (the site's first language).
    assert "已有另一个居民账号使用此手机号。" in response.content.decode()
    assert Profile.objects.get(pk=profile.pk).phone == ""
