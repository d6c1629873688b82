"""The reference list and the medicines' rows in the admin: registered, and the change lists
(with a search and a filter) load."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from minsheng.facilities.models import Dispensing, Kind, Medicine, MedicineRequest

from .factories import make_facility
from .medicines_helpers import dispense, small_list

pytestmark = pytest.mark.django_db
MODELS = [Medicine, Dispensing, MedicineRequest]


@pytest.fixture
def client(world):
    small_list()
    clinic = make_facility(world.village_a, Kind.CLINIC)
    dispense(clinic, "insulin")
    MedicineRequest.objects.create(
        facility=clinic,
        medicine=Medicine.objects.get(code="losartan"),
        township=world.town_a,
        requested_on="2026-05-04",
    )
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_load_search_and_filter(client, model):
    assert admin.site.is_registered(model)
    url = reverse(f"admin:facilities_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "胰岛素"}).status_code == 200


def test_an_entry_of_the_reference_list_is_edited_in_the_admin(client):
    medicine = Medicine.objects.get(code="insulin")
    url = reverse("admin:facilities_medicine_change", args=[medicine.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "name_zh": "胰岛素注射液",
            "name_en": "Insulin injection",
            "code": "insulin",
            "group": "chemical",
            "level": "township",
            "essential": "on",
            "keywords": "打胰岛素",
        },
    )
    assert response.status_code == 302
    medicine.refresh_from_db()
    assert (medicine.name_zh, medicine.keywords) == ("胰岛素注射液", "打胰岛素")
    filtered = client.get(reverse("admin:facilities_medicine_changelist"), {"level": "village"})
    assert filtered.status_code == 200
