"""The admin lists what was sent, read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from minsheng.notify.models import Delivery, Message, Preference
from minsheng.orders.models import Status
from tests.helpers import order_at


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Delivery, Message, Preference], ids=lambda m: m.__name__)
def test_changelists_load_read_only(phones, django_capture_on_commit_callbacks, model):
    with django_capture_on_commit_callbacks(execute=True):
        order_at(phones, Status.DELIVERED)
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")
    client = Client()
    client.force_login(user)
    name = f"admin:notify_{model._meta.model_name}"
    page = client.get(reverse(f"{name}_changelist"), {"q": "138"})
    assert page.status_code == 200
    assert client.get(reverse(f"{name}_add")).status_code == 403
    if model is Delivery:
        assert "13812345678" in page.content.decode()
