"""The resident's side: the portal, a service's page, ordering, my orders, cancel, rate."""

from __future__ import annotations

from django.test import Client

from minsheng.orders.models import Order, OrderEvent, Rating, Status
from tests.factories import ServiceFactory
from tests.helpers import order_at
from tests.web.conftest import english_client, logged_in

VALID = {
    "attribute[mobility]": "aided",
    "attribute[people]": "2",
    "attribute[when]": "2026-05-01T09:30",
    "attribute[landmark]": "By the old well",
    "attribute[details]": "The tap leaks",
    "attribute[extras]": ["tidy", "carry"],
    "region": "V1",
    "address": "3 组 12 号",
    "latitude": "30.02",
    "longitude": "110.02",
    "description": "Afternoons please",
}


# --- the portal -------------------------------------------------------------------------------


def test_portal_lists_published_services_grouped_by_area(world, repair):
    ServiceFactory(code="hidden", name_en="Hidden service", published=False, regions=[world.county])
    response = english_client().get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Home repair" in body
    assert "Hidden service" not in body
    assert 'href="/services/home-repair/order/"' in body
    assert response.context["count"] == 2


def test_portal_filters_by_place_where_the_service_is_offered(world, repair):
    client = english_client()
    in_t1 = client.get("/", {"region": "V1"})
    in_t2 = client.get("/", {"region": "V2"})
    assert [s.code for _a, svcs in in_t1.context["sections"] for s in svcs] == [
        "home-repair",
        "meal-delivery",
    ]
    assert [s.code for _a, svcs in in_t2.context["sections"] for s in svcs] == ["meal-delivery"]


def test_portal_filters_by_area_and_text(world, repair):
    client = english_client()
    by_area = client.get("/", {"area": "education"})
    assert by_area.status_code == 200
    assert by_area.context["count"] == 0
    by_text = client.get("/", {"q": "repair"})
    assert [s.code for _a, svcs in by_text.context["sections"] for s in svcs] == ["home-repair"]


def test_portal_uses_the_residents_home_village_unless_told_otherwise(world, repair):
    client = logged_in(world.resident2)
    home = client.get("/")
    assert home.context["filter"].region_code == "V2"
    assert home.context["count"] == 1
    everywhere = client.get("/", {"region": ""})
    assert everywhere.context["count"] == 2


def test_portal_refuses_an_unknown_place_with_400(world):
    response = english_client().get("/", {"region": "NOPE", "area": "nope"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No such place." in body
    assert "No such service area." in body


def test_service_page_shows_the_questions(world, repair):
    response = english_client().get("/services/home-repair/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mobility" in body
    assert 'href="/services/home-repair/order/"' in body


def test_unknown_or_unpublished_service_page_is_404(world):
    ServiceFactory(code="draft", published=False, regions=[world.county])
    client = english_client()
    assert client.get("/services/nope/").status_code == 404
    assert client.get("/services/draft/").status_code == 404


# --- ordering (点单) --------------------------------------------------------------------------


def test_order_form_in_english_shows_english_questions(world, repair):
    body = logged_in(world.resident).get("/services/home-repair/order/").content.decode()
    assert '<html lang="en">' in body
    assert "Mobility" in body
    assert "Carrying upstairs" in body
    chinese = logged_in(world.resident, language=None).get("/services/home-repair/order/")
    text = chinese.content.decode()
    assert "行动能力" in text
    assert "提交点单" in text


def test_order_form_is_built_from_the_services_attributes(world, repair):
    response = logged_in(world.resident).get("/services/home-repair/order/")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        'type="radio" id="f-attribute-mobility-1" name="attribute[mobility]" value="unaided"'
        in body
    )
    assert 'name="attribute[people]" value="" type="number"' in body
    assert 'name="attribute[when]" value="" type="datetime-local"' in body
    assert 'name="attribute[landmark]" value="" type="text"' in body
    assert '<textarea id="f-attribute-details" name="attribute[details]"' in body
    assert (
        'type="checkbox" id="f-attribute-extras-1" name="attribute[extras]" value="carry"' in body
    )
    # Only villages where the service is offered, the resident's own preselected.
    assert '<option value="V1" selected>' in body
    assert 'value="V2"' not in body
    # Residents are not asked for a channel.
    assert 'name="channel"' not in body


def test_resident_orders_a_service_with_answers(world, repair):
    client = logged_in(world.resident)
    response = client.post("/services/home-repair/order/", VALID)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/orders/{order.pk}/"
    assert order.service == repair
    assert order.resident == world.resident
    assert order.channel == "web"
    assert order.region == world.village_a
    assert (order.latitude, order.longitude, order.address) == (30.02, 110.02, "3 组 12 号")
    assert order.answers == {
        "mobility": "aided",
        "people": 2,
        "when": "2026-05-01T09:30:00+08:00",
        "landmark": "By the old well",
        "details": "The tap leaks",
        "extras": ["carry", "tidy"],
    }
    page = client.get(response["Location"])
    assert f"Order {order.number} has been placed." in page.content.decode()


def test_missing_and_ill_typed_answers_are_shown_next_to_their_fields(world, repair):
    data = {**VALID, "attribute[mobility]": "", "attribute[people]": "two"}
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        '<p class="field-error" id="f-attribute-mobility-error">This answer is required.</p>'
        in body
    )
    assert '<p class="field-error" id="f-attribute-people-error">Enter a number.</p>' in body
    assert 'aria-describedby="f-attribute-people-error" aria-invalid="true"' in body
    # The summary at the top links to each field.
    assert '<li><a href="#f-attribute-people">Enter a number.</a></li>' in body
    # What was typed is kept.
    assert 'name="attribute[people]" value="two"' in body
    assert Order.objects.count() == 0


def test_unknown_choice_is_refused(world, repair):
    data = {**VALID, "attribute[mobility]": "rocket"}
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    assert "Not one of the choices: rocket." in response.content.decode()
    assert Order.objects.count() == 0


def test_place_where_the_service_is_not_offered_is_refused(world, repair):
    data = {**VALID, "region": "V2"}
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="f-region-error">This service is not offered at this place.</p>'
        in response.content.decode()
    )
    assert Order.objects.count() == 0


def test_unreadable_latitude_is_refused_without_calling_the_service(world, repair):
    data = {**VALID, "latitude": "north", "longitude": "nan"}
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert '<p class="field-error" id="f-latitude-error">Enter a number.</p>' in body
    assert '<p class="field-error" id="f-longitude-error">Enter a number.</p>' in body
    assert Order.objects.count() == 0


def test_latitude_out_of_range_is_refused(world, repair):
    data = {**VALID, "latitude": "95"}
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    assert "Latitude is between -90 and 90." in response.content.decode()
    assert Order.objects.count() == 0


def test_unpublished_or_unknown_service_cannot_be_ordered(world):
    ServiceFactory(code="draft", published=False, regions=[world.county])
    client = logged_in(world.resident)
    assert client.get("/services/draft/order/").status_code == 404
    assert client.post("/services/draft/order/", {"region": "V1"}).status_code == 404
    assert client.post("/services/nope/order/", {"region": "V1"}).status_code == 404
    assert Order.objects.count() == 0


def test_free_form_need_is_ordered(world):
    client = logged_in(world.resident)
    form = client.get("/need/")
    assert form.status_code == 200
    assert 'name="area"' in form.content.decode()
    response = client.post(
        "/need/", {"area": "elderly", "description": "Grab bars in the bathroom", "region": "V1"}
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.service, order.area.code, order.description) == (
        None,
        "elderly",
        "Grab bars in the bathroom",
    )


def test_free_form_need_without_description_or_area_is_refused(world):
    response = logged_in(world.resident).post("/need/", {"area": "", "region": "V1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe what you need." in body
    # The area's message stands by the area field, which it names.
    assert (
        '<p class="field-error" id="f-area-error">Choose the service area of your need.</p>' in body
    )
    assert Order.objects.count() == 0


def test_grid_worker_orders_on_behalf_with_channel_and_contact(world, repair):
    client = logged_in(world.grid_worker)
    form = client.get("/services/home-repair/order/")
    body = form.content.decode()
    assert 'name="channel" value="hotline"' in body
    assert 'name="contact_phone"' in body
    missing = client.post("/services/home-repair/order/", VALID)
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "Choose how the resident reached you: grid worker, hotline or visit." in text
    assert "Give the resident&#x27;s name and phone." in text
    assert Order.objects.count() == 0
    done = client.post(
        "/services/home-repair/order/",
        {
            **VALID,
            "channel": "grid_worker",
            "contact_name": "王奶奶",
            "contact_phone": "13800000000",
        },
    )
    order = Order.objects.get()
    assert done.status_code == 302
    assert (order.channel, order.contact_name, order.created_by, order.resident) == (
        "grid_worker",
        "王奶奶",
        world.grid_worker,
        None,
    )


def test_provider_staff_cannot_order_and_get_a_friendly_403(world, repair):
    response = logged_in(world.provider_staff).get("/services/home-repair/order/")
    assert response.status_code == 403
    assert "This page is for another role." in response.content.decode()


def test_anonymous_user_is_sent_to_login(world, repair):
    client = Client()
    for url in (
        "/me/",
        "/services/home-repair/order/",
        "/need/",
        "/staff/dispatch/",
        "/staff/provider/",
        "/staff/escalations/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    order = order_at(world, Status.SUBMITTED)
    for url in (
        f"/me/orders/{order.pk}/cancel/",
        f"/staff/orders/{order.pk}/approve/",
        f"/staff/provider/orders/{order.pk}/accept/",
    ):
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED


def test_login_and_logout(world):
    client = english_client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    bad = client.post("/accounts/login/", {"username": "resident", "password": "wrong"})
    assert bad.status_code == 200
    assert bad.wsgi_request.user.is_authenticated is False
    ok = client.post("/accounts/login/", {"username": "resident", "password": "pass-word-123"})
    # Through the landing page (issue 8), which sends a resident home.
    assert (ok.status_code, ok["Location"]) == (302, "/start/")
    assert client.get("/start/")["Location"] == "/"
    assert "My orders" in client.get("/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405
    out = client.post("/accounts/logout/")
    assert out.status_code == 302
    assert client.get("/me/").status_code == 302


# --- my orders --------------------------------------------------------------------------------


def test_my_orders_lists_only_my_own(world):
    mine = order_at(world, Status.SUBMITTED)
    theirs = order_at(world, Status.SUBMITTED, region_code="V2")
    response = logged_in(world.resident).get("/me/")
    assert response.status_code == 200
    assert [o.pk for o in response.context["orders"]] == [mine.pk]
    assert theirs.number not in response.content.decode()


def test_someone_elses_order_is_404(world):
    theirs = order_at(world, Status.SUBMITTED, region_code="V2")
    client = logged_in(world.resident)
    assert client.get(f"/me/orders/{theirs.pk}/").status_code == 404
    assert client.get("/me/orders/99999999999999999999/").status_code == 404
    assert client.post(f"/me/orders/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED


def test_order_page_shows_timeline_and_cancel_while_open(world):
    order = order_at(world, Status.DISPATCHED)
    response = logged_in(world.resident).get(f"/me/orders/{order.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert [e.event.action for e in response.context["timeline"]] == [
        "submit",
        "approve",
        "dispatch",
    ]
    assert f'action="/me/orders/{order.pk}/cancel/"' in body
    assert f'action="/me/orders/{order.pk}/rate/"' not in body


def test_resident_cancels_an_open_order(world):
    order = order_at(world, Status.APPROVED)
    client = logged_in(world.resident)
    response = client.post(
        f"/me/orders/{order.pk}/cancel/", {"reason": "Solved myself", "confirm": "yes"}
    )
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Status.CANCELLED
    assert order.events.last().note == "Solved myself"


def test_cancelling_a_finished_order_is_a_409_and_writes_nothing(world):
    order = order_at(world, Status.DELIVERED)
    events = OrderEvent.objects.filter(order=order).count()
    response = logged_in(world.resident).post(f"/me/orders/{order.pk}/cancel/", {"confirm": "yes"})
    order.refresh_from_db()
    assert response.status_code == 409
    assert "it cannot be Cancelled now." in response.content.decode()
    assert order.status == Status.DELIVERED
    assert OrderEvent.objects.filter(order=order).count() == events


def test_resident_rates_a_delivered_order_and_it_closes(world):
    order = order_at(world, Status.DELIVERED)
    client = logged_in(world.resident)
    page = client.get(f"/me/orders/{order.pk}/")
    assert f'action="/me/orders/{order.pk}/rate/"' in page.content.decode()
    response = client.post(
        f"/me/orders/{order.pk}/rate/",
        {"contacted": "yes", "solved": "yes", "satisfaction": "basic", "comment": "OK"},
    )
    order.refresh_from_db()
    rating = Rating.objects.get(order=order)
    assert response.status_code == 302
    assert order.status == Status.CLOSED
    assert (rating.via, rating.contacted, rating.solved, rating.satisfaction, rating.comment) == (
        "resident",
        True,
        True,
        "basic",
        "OK",
    )


def test_incomplete_rating_is_refused_with_field_messages(world):
    order = order_at(world, Status.DELIVERED)
    response = logged_in(world.resident).post(
        f"/me/orders/{order.pk}/rate/", {"contacted": "maybe", "satisfaction": "wow"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="rate-contacted-error">Say whether you were contacted.</p>'
        in body
    )
    assert '<p class="field-error" id="rate-solved-error">Say whether it was solved.</p>' in body
    assert (
        '<p class="field-error" id="rate-satisfaction-error">Choose how satisfied you are.</p>'
        in body
    )
    assert Rating.objects.count() == 0


def test_rating_an_order_not_yet_delivered_is_a_409(world):
    order = order_at(world, Status.ACCEPTED)
    response = logged_in(world.resident).post(
        f"/me/orders/{order.pk}/rate/",
        {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied"},
    )
    order.refresh_from_db()
    assert response.status_code == 409
    assert order.status == Status.ACCEPTED
    assert Rating.objects.count() == 0


def test_action_urls_refuse_get(world):
    order = order_at(world, Status.SUBMITTED)
    assert logged_in(world.resident).get(f"/me/orders/{order.pk}/cancel/").status_code == 405
