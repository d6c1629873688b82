"""The dispatcher's and the provider's consoles: every action, and every refusal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent, Rating, Status
from tests.factories import ServiceFactory
from tests.helpers import MINUTE, T0, order_at
from tests.web.conftest import logged_in


def events_of(order: Order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("action", flat=True))


# --- the dispatch console ---------------------------------------------------------------------


def test_dispatch_queue_shows_only_the_dispatchers_township(world):
    mine = order_at(world, Status.SUBMITTED)
    other = order_at(world, Status.SUBMITTED, region_code="V2")
    response = logged_in(world.dispatcher_a).get("/staff/dispatch/")
    assert response.status_code == 200
    assert [o.pk for o in response.context["orders"]] == [mine.pk]
    assert other.number not in response.content.decode()
    admin = logged_in(world.county_admin).get("/staff/dispatch/")
    assert {o.pk for o in admin.context["orders"]} == {mine.pk, other.pk}


def test_dispatch_console_marks_overdue_and_escalated_orders(world):
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(region_code="V1", service_code="meal-delivery"),
        now=timezone.now() - timedelta(days=30),
    )
    s.sweep()
    response = logged_in(world.dispatcher_a).get("/staff/dispatch/")
    body = response.content.decode()
    assert response.context["escalated"] == 1
    assert '<span class="flag flag-overdue">Overdue</span>' in body
    assert '<span class="flag flag-escalated">Escalated</span>' in body
    escalations = logged_in(world.dispatcher_a).get("/staff/escalations/")
    assert [o.pk for o in escalations.context["orders"]] == [order.pk]
    assert logged_in(world.dispatcher_b).get("/staff/escalations/").context["orders"] == []


def test_consoles_refuse_other_roles_with_403(world):
    resident = logged_in(world.resident)
    assert resident.get("/staff/dispatch/").status_code == 403
    assert resident.get("/staff/escalations/").status_code == 403
    assert resident.get("/staff/provider/").status_code == 403
    assert logged_in(world.provider_staff).get("/staff/dispatch/").status_code == 403
    assert logged_in(world.dispatcher_a).get("/staff/provider/").status_code == 403


def test_staff_order_page_shows_review_buttons_for_a_new_order(world):
    order = order_at(world, Status.SUBMITTED)
    response = logged_in(world.dispatcher_a).get(f"/staff/orders/{order.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'action="/staff/orders/{order.pk}/approve/"' in body
    assert f'action="/staff/orders/{order.pk}/reject/"' in body
    # Approve and dispatch in one step: each candidate's button posts there.
    assert [c.provider for c in response.context["candidates"]] == [
        world.provider,
        world.provider2,
    ]
    assert body.count(f'action="/staff/orders/{order.pk}/approve-dispatch/"') == 2


def test_order_outside_the_dispatchers_township_is_404_and_untouched(world):
    order = order_at(world, Status.SUBMITTED, region_code="V2")
    client = logged_in(world.dispatcher_a)
    assert client.get(f"/staff/orders/{order.pk}/").status_code == 404
    for action in ("approve", "reject", "cancel", "callback"):
        assert (
            client.post(f"/staff/orders/{order.pk}/{action}/", {"reason": "x"}).status_code == 404
        )
    assert (
        client.post(
            f"/staff/orders/{order.pk}/dispatch/", {"provider_id": world.provider2.pk}
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED
    assert events_of(order) == ["submit"]


def test_dispatcher_approves(world):
    order = order_at(world, Status.SUBMITTED)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/approve/", {"note": "fine"}
    )
    order.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/staff/orders/{order.pk}/")
    assert order.status == Status.APPROVED
    assert events_of(order) == ["submit", "approve"]


def test_approving_twice_is_an_illegal_transition_409(world):
    order = order_at(world, Status.APPROVED)
    response = logged_in(world.dispatcher_a).post(f"/staff/orders/{order.pk}/approve/")
    order.refresh_from_db()
    assert response.status_code == 409
    assert "This order is Awaiting dispatch: it cannot be Approved at review now." in (
        response.content.decode()
    )
    assert events_of(order) == ["submit", "approve"]


def test_reject_needs_a_reason(world):
    order = order_at(world, Status.SUBMITTED)
    client = logged_in(world.dispatcher_a)
    refused = client.post(f"/staff/orders/{order.pk}/reject/", {"reason": "  "})
    assert refused.status_code == 400
    assert (
        f'<p class="field-error" id="o{order.pk}-reject-reason-error">Please give a reason.</p>'
        in refused.content.decode()
    )
    # Switching language from the refused page comes back to the order, not the action.
    assert (
        f'name="next" type="hidden" value="/staff/orders/{order.pk}/"' in refused.content.decode()
    )
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED
    done = client.post(f"/staff/orders/{order.pk}/reject/", {"reason": "Duplicate"})
    order.refresh_from_db()
    assert done.status_code == 302
    assert (order.status, order.events.last().note) == (Status.REJECTED, "Duplicate")


def test_candidates_are_ranked_with_a_dispatch_button_each(world):
    order = order_at(world, Status.APPROVED)
    response = logged_in(world.dispatcher_a).get(f"/staff/orders/{order.pk}/")
    candidates = response.context["candidates"]
    body = response.content.decode()
    assert [c.provider for c in candidates] == [world.provider, world.provider2]
    assert body.count(f'action="/staff/orders/{order.pk}/dispatch/"') == 2
    assert f'name="provider_id" value="{world.provider.pk}"' in body


def test_dispatcher_dispatches_then_redispatches(world):
    order = order_at(world, Status.APPROVED)
    client = logged_in(world.dispatcher_a)
    first = client.post(f"/staff/orders/{order.pk}/dispatch/", {"provider_id": world.provider.pk})
    order.refresh_from_db()
    assert first.status_code == 302
    assert (order.status, order.provider) == (Status.DISPATCHED, world.provider)
    page = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert "Re-dispatch to another provider" in page
    assert f'action="/staff/orders/{order.pk}/redispatch/"' in page
    # A stale page's "dispatch" (a colleague sent it meanwhile) is told, not a re-dispatch.
    stale = client.post(f"/staff/orders/{order.pk}/dispatch/", {"provider_id": world.provider2.pk})
    assert stale.status_code == 409
    assert "re-dispatch it if it should go to another provider" in stale.content.decode()
    order.refresh_from_db()
    assert (order.provider, events_of(order)) == (world.provider, ["submit", "approve", "dispatch"])
    again = client.post(
        f"/staff/orders/{order.pk}/redispatch/", {"provider_id": world.provider2.pk}
    )
    order.refresh_from_db()
    assert again.status_code == 302
    assert (order.status, order.provider) == (Status.DISPATCHED, world.provider2)
    assert events_of(order) == ["submit", "approve", "dispatch", "redispatch"]


def test_dispatch_refuses_bad_and_ineligible_providers(world):
    order = order_at(world, Status.APPROVED, region_code="V2")
    client = logged_in(world.dispatcher_b)
    for raw in ("abc", "²", "１２"):  # a superscript and full-width digits are not ids either
        bad = client.post(f"/staff/orders/{order.pk}/dispatch/", {"provider_id": raw})
        assert bad.status_code == 400
        assert "This value is not valid." in bad.content.decode()
    # provider (T1 only) does not serve V2
    ineligible = client.post(
        f"/staff/orders/{order.pk}/dispatch/", {"provider_id": world.provider.pk}
    )
    assert ineligible.status_code == 400
    assert "This provider does not serve this place and kind of service." in (
        ineligible.content.decode()
    )
    unknown = client.post(f"/staff/orders/{order.pk}/dispatch/", {"provider_id": "999999"})
    assert unknown.status_code in (400, 404)
    order.refresh_from_db()
    assert (order.status, order.provider) == (Status.APPROVED, None)
    assert events_of(order) == ["submit", "approve"]


def test_staff_cancels_an_open_order(world):
    order = order_at(world, Status.ACCEPTED)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/cancel/", {"reason": "Resident called", "confirm": "yes"}
    )
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Status.CANCELLED


def test_staff_records_a_callback_for_a_delivered_order(world):
    order = order_at(world, Status.DELIVERED)
    client = logged_in(world.dispatcher_a)
    page = client.get(f"/staff/orders/{order.pk}/")
    assert f'action="/staff/orders/{order.pk}/callback/"' in page.content.decode()
    response = client.post(
        f"/staff/orders/{order.pk}/callback/",
        {
            "contacted": "yes",
            "solved": "no",
            "satisfaction": "dissatisfied",
            "comment": "Still leaks",
        },
    )
    order.refresh_from_db()
    rating = Rating.objects.get(order=order)
    assert response.status_code == 302
    assert (rating.via, rating.solved, rating.rated_by) == ("callback", False, world.dispatcher_a)
    assert order.status == Status.REOPENED


def test_callback_on_an_open_order_is_a_409(world):
    order = order_at(world, Status.IN_SERVICE)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/callback/",
        {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied"},
    )
    assert response.status_code == 409
    assert Rating.objects.count() == 0


def test_dispatcher_orders_on_behalf_only_inside_the_township(world):
    client = logged_in(world.dispatcher_a)
    form = client.get("/need/")
    body = form.content.decode()
    assert 'value="V1"' in body
    assert 'value="V2"' not in body
    refused = client.post(
        "/need/",
        {
            "area": "elderly",
            "description": "x",
            "region": "V2",
            "channel": "hotline",
            "contact_name": "李",
            "contact_phone": "13900000123",
        },
    )
    assert refused.status_code == 400
    assert "This place is outside your region." in refused.content.decode()
    assert Order.objects.count() == 0
    done = client.post(
        "/need/",
        {
            "area": "elderly",
            "description": "x",
            "region": "V1",
            "channel": "hotline",
            "contact_name": "李",
            "contact_phone": "13900000123",
        },
    )
    order = Order.objects.get()
    assert done["Location"] == f"/staff/orders/{order.pk}/"
    assert order.channel == "hotline"


# --- the provider console ---------------------------------------------------------------------


def test_provider_console_lists_our_orders_with_their_buttons(world):
    order = order_at(world, Status.DISPATCHED, provider=world.provider2)
    response = logged_in(world.provider2_staff).get("/staff/provider/")
    body = response.content.decode()
    assert response.status_code == 200
    assert [r["order"].pk for r in response.context["rows"]] == [order.pk]
    assert f'action="/staff/provider/orders/{order.pk}/accept/"' in body
    assert f'action="/staff/provider/orders/{order.pk}/decline/"' in body
    other = logged_in(world.provider_staff).get("/staff/provider/")
    assert other.context["rows"] == []


def test_provider_accepts_starts_and_delivers(world):
    order = order_at(world, Status.DISPATCHED, provider=world.provider2)
    client = logged_in(world.provider2_staff)
    assert client.post(f"/staff/provider/orders/{order.pk}/accept/").status_code == 302
    assert client.post(f"/staff/provider/orders/{order.pk}/start/").status_code == 302
    refused = client.post(f"/staff/provider/orders/{order.pk}/deliver/", {"note": ""})
    assert refused.status_code == 400
    assert (
        f'<p class="field-error" id="o{order.pk}-deliver-note-error">Please give a reason.</p>'
        in refused.content.decode()
    )
    order.refresh_from_db()
    assert order.status == Status.IN_SERVICE
    done = client.post(f"/staff/provider/orders/{order.pk}/deliver/", {"note": "Fixed the tap"})
    order.refresh_from_db()
    assert done.status_code == 302
    assert order.status == Status.DELIVERED
    assert events_of(order)[-3:] == ["accept", "start", "deliver"]


def test_provider_declines_with_a_reason(world):
    order = order_at(world, Status.DISPATCHED, provider=world.provider2)
    client = logged_in(world.provider2_staff)
    refused = client.post(f"/staff/provider/orders/{order.pk}/decline/")
    assert refused.status_code == 400
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    done = client.post(f"/staff/provider/orders/{order.pk}/decline/", {"reason": "No staff today"})
    order.refresh_from_db()
    assert done.status_code == 302
    assert (order.status, order.provider) == (Status.APPROVED, None)


def test_provider_cannot_act_on_another_providers_order(world):
    order = order_at(world, Status.DISPATCHED, provider=world.provider2)
    response = logged_in(world.provider_staff).post(f"/staff/provider/orders/{order.pk}/accept/")
    order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == Status.DISPATCHED


def test_starting_before_accepting_is_a_409(world):
    order = order_at(world, Status.DISPATCHED, provider=world.provider2)
    response = logged_in(world.provider2_staff).post(f"/staff/provider/orders/{order.pk}/start/")
    order.refresh_from_db()
    assert response.status_code == 409
    assert order.status == Status.DISPATCHED
    assert events_of(order) == ["submit", "approve", "dispatch"]


def test_provider_grabs_a_grab_mode_order(world):
    ServiceFactory(
        code="snow", name_en="Snow clearing", dispatch_mode="grab", regions=[world.county]
    )
    order = order_at(world, Status.APPROVED, service_code="snow")
    client = logged_in(world.provider_staff)
    page = client.get("/staff/provider/")
    assert [o.pk for o in page.context["grabbable"]] == [order.pk]
    response = client.post(f"/staff/provider/orders/{order.pk}/grab/")
    order.refresh_from_db()
    assert response.status_code == 302
    assert (order.status, order.provider) == (Status.ACCEPTED, world.provider)
    late = logged_in(world.provider2_staff).post(f"/staff/provider/orders/{order.pk}/grab/")
    assert late.status_code == 409
    assert "This order has already been taken or is not open." in late.content.decode()
    order.refresh_from_db()
    assert order.provider == world.provider


def test_grabbing_a_dispatch_mode_order_is_refused(world):
    """Not in anyone's grab queue, so not found, as through the REST API."""
    order = order_at(world, Status.APPROVED)
    response = logged_in(world.provider_staff).post(f"/staff/provider/orders/{order.pk}/grab/")
    order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == Status.APPROVED


def test_grab_outside_the_providers_coverage_or_unknown_is_404(world):
    ServiceFactory(code="snow", dispatch_mode="grab", regions=[world.county])
    order = order_at(world, Status.APPROVED, region_code="V2", service_code="snow")
    client = logged_in(world.provider_staff)  # provider serves T1 only
    assert client.post(f"/staff/provider/orders/{order.pk}/grab/").status_code == 404
    assert client.post("/staff/provider/orders/987654/grab/").status_code == 404
    order.refresh_from_db()
    assert order.status == Status.APPROVED


def test_all_orders_list_is_scoped_and_filters_by_status(world):
    submitted = order_at(world, Status.SUBMITTED, now=T0)
    delivered = order_at(world, Status.DELIVERED, now=T0 + MINUTE)
    order_at(world, Status.SUBMITTED, region_code="V2", now=T0 + 2 * MINUTE)
    client = logged_in(world.dispatcher_a)
    everything = client.get("/staff/orders/")
    assert everything.status_code == 200
    assert [o.pk for o in everything.context["orders"]] == [delivered.pk, submitted.pk]
    only = client.get("/staff/orders/", {"status": "delivered"})
    assert [o.pk for o in only.context["orders"]] == [delivered.pk]
    by_number = client.get("/staff/orders/", {"number": submitted.number})
    assert [o.pk for o in by_number.context["orders"]] == [submitted.pk]
    # A value the search cannot read is a 400 naming it (issue 8), never a guess.
    bad_number = client.get("/staff/orders/", {"number": "abc"})
    assert (bad_number.status_code, bad_number.context["orders"].count()) == (400, 0)
    unknown = client.get("/staff/orders/", {"status": "bogus", "page": "x"})
    assert unknown.status_code == 400
    assert "Choose a state from the list." in unknown.content.decode()
    assert len(client.get("/staff/orders/", {"page": "x"}).context["orders"]) == 2
    assert logged_in(world.resident).get("/staff/orders/").status_code == 403


def test_consoles_make_no_query_per_order(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    provider = logged_in(world.provider2_staff)
    dispatcher = logged_in(world.dispatcher_a)
    order_at(world, Status.DISPATCHED, provider=world.provider2)
    order_at(world, Status.SUBMITTED)
    few = (queries(provider, "/staff/provider/"), queries(dispatcher, "/staff/dispatch/"))
    for _ in range(3):
        order_at(world, Status.DISPATCHED, provider=world.provider2)
        order_at(world, Status.SUBMITTED)
    many = (queries(provider, "/staff/provider/"), queries(dispatcher, "/staff/dispatch/"))
    assert many == few
