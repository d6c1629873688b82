from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import PhoneCode, Profile
from minsheng.catalog.models import Category, Provider, Service, ServiceArea, UrgencyClass
from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent, Rating, Status
from minsheng.regions.models import Region
from tests.helpers import DELIVERY_NOTE, order_at

pytestmark = pytest.mark.django_db

MODELS = [
    Region,
    ServiceArea,
    Category,
    UrgencyClass,
    Service,
    Provider,
    Order,
    OrderEvent,
    Rating,
    PhoneCode,
]


@pytest.fixture
def superuser_client(world):
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def closed_order(world):
    order = order_at(world, Status.DELIVERED)
    s.order_rate(
        order_id=order.pk, actor=world.resident, data=s.RatingInput(True, True, "satisfied")
    )
    return order


def test_every_domain_model_is_registered():
    for model in [*MODELS, Profile, get_user_model()]:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_load(superuser_client, closed_order, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert superuser_client.get(url).status_code == 200


def test_order_page_shows_its_history_read_only(superuser_client, closed_order):
    url = reverse("admin:orders_order_change", args=[closed_order.pk])
    response = superuser_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert DELIVERY_NOTE in body  # the deliver event's note, in the inline
    assert 'name="events-TOTAL_FORMS"' not in body or 'name="events-0-note"' not in body
    # Posting a change is refused: the order is view-only in the admin.
    before = list(OrderEvent.objects.values_list("pk", "action", "note"))
    response = superuser_client.post(url, {"status": "submitted", "description": "hacked"})
    assert response.status_code == 403
    closed_order.refresh_from_db()
    assert closed_order.status == "closed"
    assert list(OrderEvent.objects.values_list("pk", "action", "note")) == before


@pytest.mark.parametrize("model", [Order, OrderEvent, Rating], ids=lambda m: m.__name__)
def test_order_history_cannot_be_added_changed_or_deleted(rf, world, model):
    request = rf.get("/")
    request.user = get_user_model().objects.create_superuser("root2", "r@example.invalid", "pw")
    model_admin = admin.site._registry[model]
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_view_permission(request) is True


def test_event_inline_allows_no_add_change_or_delete(rf, world):
    request = rf.get("/")
    request.user = get_user_model().objects.create_superuser("root3", "r3@example.invalid", "pw")
    order_admin = admin.site._registry[Order]
    for inline in order_admin.get_inline_instances(request):
        assert inline.has_add_permission(request, None) is False
        assert inline.has_change_permission(request) is False
        assert inline.has_delete_permission(request) is False


def test_event_add_and_delete_urls_are_refused(superuser_client, closed_order):
    event = OrderEvent.objects.filter(order=closed_order).first()
    assert superuser_client.get(reverse("admin:orders_orderevent_add")).status_code == 403
    delete = reverse("admin:orders_orderevent_delete", args=[event.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert OrderEvent.objects.filter(pk=event.pk).exists()


def test_service_page_has_attribute_inline_and_region_picker(superuser_client, world):
    url = reverse("admin:catalog_service_change", args=[world.service.pk])
    body = superuser_client.get(url).content.decode()
    assert 'name="attributes-TOTAL_FORMS"' in body
    assert "selectfilter" in body.lower()  # filter_horizontal


def test_user_page_has_profile_inline(superuser_client, world):
    url = reverse("admin:auth_user_change", args=[world.resident.pk])
    body = superuser_client.get(url).content.decode()
    assert 'name="profile-TOTAL_FORMS"' in body


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("query", ["甲", "abc", "1", "%' OR 1=1"])
def test_searching_any_changelist_never_fails(superuser_client, closed_order, model, query):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert superuser_client.get(url, {"q": query}).status_code == 200
