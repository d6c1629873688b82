"""The permission table: every role × every step × own and other scope, asked four ways.

For each step and each actor, on an order in the state the step needs (placed by the
resident in village V1 of township T1), the test asks:

- the rule: ``policy.can_<verb>(actor, order)`` must be exactly the table below;
- the service: it succeeds exactly when the rule says so, and otherwise raises the rule's
  refusal (403 not permitted, 409 with the state's code) and writes nothing;
- the web: the page shows the step's form exactly when the rule says so, and a POST
  succeeds (302) exactly then; otherwise it answers what the rule says (the login page
  for anonymous users, 403 for a page of another role, 404 for an order the actor cannot
  see, else the refusal's status) and writes nothing;
- the REST API: the same, with 401 for anonymous callers and 200 for success.

Actors: the order's resident and another one; the grid worker of V1; the dispatchers of
T1 and of the other township; the county administrator; the staff of the team holding the
order (``provider_staff``, the township team) and of the team that handed it on
(``provider2_staff``, the county centre: the order went there first and was re-dispatched
to the township team). Before dispatch, ``provider2_staff`` is simply another team.
Each new step, page or endpoint adds its rows here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import DomainError
from minsheng.orders import policy, selectors
from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from tests.orders.conftest import snapshot

ACTORS = [
    "anonymous",
    "resident",
    "resident2",
    "grid_worker",
    "dispatcher_a",
    "dispatcher_b",
    "county_admin",
    "provider_staff",
    "provider2_staff",
]
DISPATCHERS = {"dispatcher_a", "county_admin"}
STAFF_FOR_RESIDENT = {"grid_worker", "dispatcher_a", "county_admin"}

# The table: who may take each step on the resident's order in T1.
MAY: dict[str, set[str]] = {
    "approve": DISPATCHERS,
    "reject": DISPATCHERS,
    "dispatch": DISPATCHERS,
    "redispatch": DISPATCHERS,
    "candidates": DISPATCHERS,
    "decline": {"provider_staff"},
    "accept": {"provider_staff"},
    "start": {"provider_staff"},
    "deliver": {"provider_staff"},
    "grab": {"provider_staff", "provider2_staff"},  # both teams cover V1
    "cancel": {"resident"} | STAFF_FOR_RESIDENT,
    "rate": {"resident"},
    "callback": STAFF_FOR_RESIDENT,
    "comment": {"resident"} | STAFF_FOR_RESIDENT,
    # a dispatcher's day (issue 8): only a township's own dispatcher escalates to the county
    "approve_dispatch": DISPATCHERS,
    "urge": DISPATCHERS,
    "reassign": DISPATCHERS,
    "note": STAFF_FOR_RESIDENT,
    "escalate_county": {"dispatcher_a"},
    "merge": DISPATCHERS,
}
# The state each step is asked in.
STATE = {
    "approve": Status.SUBMITTED,
    "reject": Status.SUBMITTED,
    "dispatch": Status.APPROVED,
    "redispatch": Status.DISPATCHED,
    "candidates": Status.APPROVED,
    "decline": Status.DISPATCHED,
    "accept": Status.DISPATCHED,
    "start": Status.ACCEPTED,
    "deliver": Status.IN_SERVICE,
    "grab": Status.APPROVED,
    "cancel": Status.SUBMITTED,
    "rate": Status.DELIVERED,
    "callback": Status.DELIVERED,
    "comment": Status.SUBMITTED,
    # a dispatcher's day (issue 8)
    "approve_dispatch": Status.SUBMITTED,
    "urge": Status.DISPATCHED,
    "reassign": Status.ACCEPTED,
    "note": Status.SUBMITTED,
    "escalate_county": Status.SUBMITTED,
    "merge": Status.SUBMITTED,
}
RATING = {"contacted": True, "solved": True, "satisfaction": "satisfied"}
WEB_RATING = {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied"}


def user_of(world: Any, name: str) -> Any:
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


def order_in(world: Any, state: str, *, grab: bool = False) -> Order:
    """The resident's order in V1, brought to ``state`` through the services. From
    dispatch on, it went to the county centre first and was re-dispatched to the township
    team, which then takes it further."""
    service = "snow-clearing" if grab else world.service.code
    order = s.order_submit(
        actor=world.resident, data=s.OrderInput(region_code="V1", service_code=service)
    )
    path = [Status.APPROVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE]
    steps: list[Callable[[], object]] = [
        lambda: s.order_approve(order_id=order.pk, actor=world.dispatcher_a),
        lambda: (
            s.order_dispatch(
                order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk
            ),
            s.order_redispatch(
                order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk
            ),
        ),
        lambda: s.order_accept(order_id=order.pk, actor=world.provider_staff),
        lambda: s.order_start(order_id=order.pk, actor=world.provider_staff),
        lambda: s.order_deliver(order_id=order.pk, actor=world.provider_staff, note="done"),
    ]
    for target, step in zip([*path, Status.DELIVERED], steps, strict=True):
        if order.status == state:
            break
        step()
        order.refresh_from_db()
        assert order.status == target
    assert order.status == state
    return Order.objects.select_related(*selectors.ORDER_JOINS).get(pk=order.pk)


def kept_order(world: Any) -> Order:
    """The order a duplicate is merged into: another of the resident's in V1."""
    kept = Order.objects.filter(description="the order kept").first()
    if kept is None:
        kept = s.order_submit(
            actor=world.resident,
            data=s.OrderInput(
                region_code="V1", service_code=world.service.code, description="the order kept"
            ),
        )
    return kept


def call_service(verb: str, world: Any, user: Any, order: Order) -> object:
    pk = order.pk
    calls: dict[str, Callable[[], object]] = {
        "approve": lambda: s.order_approve(order_id=pk, actor=user),
        "reject": lambda: s.order_reject(order_id=pk, actor=user, reason="no"),
        "dispatch": lambda: s.order_dispatch(
            order_id=pk, actor=user, provider_id=world.provider.pk
        ),
        "redispatch": lambda: s.order_redispatch(
            order_id=pk, actor=user, provider_id=world.provider2.pk
        ),
        "candidates": lambda: policy.require("candidates", user, order),
        "decline": lambda: s.order_decline(order_id=pk, actor=user, reason="busy"),
        "accept": lambda: s.order_accept(order_id=pk, actor=user),
        "start": lambda: s.order_start(order_id=pk, actor=user),
        "deliver": lambda: s.order_deliver(order_id=pk, actor=user, note="done"),
        "grab": lambda: s.order_grab(order_id=pk, actor=user),
        "cancel": lambda: s.order_cancel(order_id=pk, actor=user),
        "rate": lambda: s.order_rate(order_id=pk, actor=user, data=s.RatingInput(**RATING)),
        "callback": lambda: s.order_callback(order_id=pk, actor=user, data=s.RatingInput(**RATING)),
        "comment": lambda: s.order_comment(order_id=pk, actor=user, note="hello"),
        # a dispatcher's day (issue 8)
        "approve_dispatch": lambda: s.order_approve_dispatch(
            order_id=pk, actor=user, provider_id=world.provider.pk
        ),
        "urge": lambda: s.order_urge(order_id=pk, actor=user),
        "reassign": lambda: s.order_reassign(
            order_id=pk, actor=user, provider_id=world.provider2.pk, reason="stuck"
        ),
        "note": lambda: s.order_note(order_id=pk, actor=user, note="called her"),
        "escalate_county": lambda: s.order_escalate_county(
            order_id=pk, actor=user, reason="no team left"
        ),
        "merge": lambda: s.order_merge(duplicate_id=pk, keep_id=kept_order(world).pk, actor=user),
    }
    return calls[verb]()


@dataclass(frozen=True)
class Route:
    """A web page's form for a step: where it posts, what it posts, which page shows it,
    and who may open that page at all."""

    post: str
    data: dict[str, Any]
    page: str
    opens: Callable[[Any], bool]


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def routes(verb: str, world: Any, order: Order) -> list[Route]:
    pk = order.pk
    staff = f"/staff/orders/{pk}/"
    mine = f"/me/orders/{pk}/"
    console = "/staff/provider/"
    dispatching = policy.can_dispatch_anything
    providing = policy.can_work_as_provider
    table: dict[str, list[Route]] = {
        "approve": [Route(f"{staff}approve/", {"note": ""}, staff, dispatching)],
        "reject": [Route(f"{staff}reject/", {"reason": "no"}, staff, dispatching)],
        "dispatch": [
            Route(f"{staff}dispatch/", {"provider_id": world.provider.pk}, staff, dispatching)
        ],
        "redispatch": [
            Route(f"{staff}redispatch/", {"provider_id": world.provider2.pk}, staff, dispatching)
        ],
        "decline": [
            Route(f"{console}orders/{pk}/decline/", {"reason": "busy"}, console, providing)
        ],
        "accept": [Route(f"{console}orders/{pk}/accept/", {}, console, providing)],
        "start": [Route(f"{console}orders/{pk}/start/", {}, console, providing)],
        "deliver": [Route(f"{console}orders/{pk}/deliver/", {"note": "done"}, console, providing)],
        "grab": [Route(f"{console}orders/{pk}/grab/", {}, console, providing)],
        "cancel": [
            Route(f"{mine}cancel/", {"reason": "", "confirm": "yes"}, mine, _signed_in),
            Route(f"{staff}cancel/", {"reason": "", "confirm": "yes"}, staff, dispatching),
        ],
        "rate": [Route(f"{mine}rate/", WEB_RATING, mine, _signed_in)],
        "callback": [
            Route(f"{mine}callback/", WEB_RATING, mine, _signed_in),
            Route(f"{staff}callback/", WEB_RATING, staff, dispatching),
        ],
        # No web form adds a bare comment (the REST API and Open311 do); no web step shows
        # candidates on their own (the staff page lists them with the dispatch forms).
        "comment": [],
        "candidates": [],
        # a dispatcher's day (issue 8)
        "approve_dispatch": [
            Route(
                f"{staff}approve-dispatch/", {"provider_id": world.provider.pk}, staff, dispatching
            )
        ],
        "urge": [Route(f"{staff}urge/", {"note": ""}, staff, dispatching)],
        "reassign": [
            Route(
                f"{staff}reassign/",
                {"provider_id": world.provider2.pk, "reason": "stuck"},
                staff,
                dispatching,
            )
        ],
        "note": [Route(f"{staff}note/", {"note": "called her"}, staff, dispatching)],
        "escalate_county": [
            Route(f"{staff}escalate-county/", {"reason": "no team left"}, staff, dispatching)
        ],
        "merge": [Route(f"{staff}merge/", {"keep_id": kept_order(world).pk}, staff, dispatching)],
    }
    return table[verb]


def web_client(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def api_client(user: Any) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def sees(verb: str, user: Any, order: Order) -> bool:
    """Whether the order exists for this actor on the web and in the API: visible, or for a
    grab, in their teams' grab queue."""
    if verb == "grab":
        return selectors.order_for_grab(user, order.pk) is not None
    return selectors.order_for(user, order.pk) is not None


@pytest.fixture
def table_world(world: Any) -> Any:
    Provider.objects.update(daily_capacity=10_000)
    from tests.factories import ServiceFactory

    ServiceFactory(
        code="snow-clearing",
        category=world.service.category,
        dispatch_mode=Service.DispatchMode.GRAB,
        regions=[world.county],
    )
    return world


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("verb", list(MAY))
def test_the_rule_the_service_the_web_and_the_api_agree(table_world, verb, who):
    world = table_world
    user = user_of(world, who)
    grab = verb == "grab"
    may = who in MAY[verb]
    if verb == "merge":
        kept_order(world)  # made before anything is counted

    # The rule.
    order = order_in(world, STATE[verb], grab=grab)
    assert policy.can(verb, user, order) is may
    assert (
        getattr(policy, f"can_{'see_candidates' if verb == 'candidates' else verb}")(user, order)
        is may
    )
    refusal = policy.refusal(verb, user, order)
    assert (refusal is None) is may
    if refusal is not None:
        # Past teams lost a race (409); everyone else is not permitted (403).
        past_team = who == "provider2_staff" and STATE[verb] != Status.APPROVED
        expected = 409 if past_team and verb in ("decline", "accept", "start", "deliver") else 403
        assert refusal.status_code == expected, refusal

    # The service.
    before = snapshot(order)
    if may:
        call_service(verb, world, user, order)
    else:
        with pytest.raises(type(refusal)) as info:
            call_service(verb, world, user, order)
        assert info.value.codes == refusal.codes
        assert snapshot(order) == before

    # The web: the form shows exactly when the rule says, and a POST does what it says.
    for i in range(len(routes(verb, world, order))):
        order = order_in(world, STATE[verb], grab=grab)
        route = routes(verb, world, order)[i]
        client = web_client(user)
        before = snapshot(order)
        if user.is_authenticated and route.opens(user) and sees(verb, user, order):
            page = client.get(route.page).content.decode()
            assert (f'action="{route.post}"' in page) is may, (route.post, who)
        response = client.post(route.post, route.data)
        if not user.is_authenticated:
            expected_status = 302
            assert response["Location"].startswith("/accounts/login/")
        elif not route.opens(user):
            expected_status = 403
        elif not sees(verb, user, order):
            expected_status = 404
        else:
            expected_status = 302 if may else policy.refusal(verb, user, order).status_code
        assert response.status_code == expected_status, (route.post, who)
        if expected_status != 302 or not user.is_authenticated:
            assert snapshot(order) == before

    # The REST API.
    order = order_in(world, STATE[verb], grab=grab)
    client = api_client(user)
    before = snapshot(order)
    url = f"/api/v1/orders/{order.pk}/{verb.replace('_', '-')}/"
    bodies = {
        "reject": {"reason": "no"},
        "dispatch": {"provider_id": world.provider.pk},
        "redispatch": {"provider_id": world.provider2.pk},
        "decline": {"reason": "busy"},
        "deliver": {"note": "done"},
        "rate": RATING,
        "callback": RATING,
        "comment": {"note": "hello"},
        "approve_dispatch": {"provider_id": world.provider.pk},
        "reassign": {"provider_id": world.provider2.pk, "reason": "stuck"},
        "note": {"note": "called her"},
        "escalate_county": {"reason": "no team left"},
        "merge": {"keep_id": kept_order(world).pk},
    }
    if verb == "candidates":
        response = client.get(url)
    else:
        response = client.post(url, bodies.get(verb, {}), format="json")
    if not user.is_authenticated:
        expected_status = 401
    elif not sees(verb, user, order):
        expected_status = 404
    else:
        expected_status = 200 if may else policy.refusal(verb, user, order).status_code
    assert response.status_code == expected_status, (url, who, response.content)
    if expected_status != 200 or verb == "candidates":
        assert snapshot(order) == before


@pytest.mark.parametrize("who", ACTORS)
def test_seeing_an_order_is_one_rule_for_lists_details_and_pages(table_world, who):
    """``policy.can_view`` (one order) and ``policy.visible_orders_q`` (lists) agree, and the
    web page and the REST detail show an order exactly to those who may see it."""
    world = table_world
    user = user_of(world, who)
    orders = [order_in(world, state) for state in (Status.SUBMITTED, Status.DELIVERED)]
    orders.append(
        s.order_submit(
            actor=world.resident2, data=s.OrderInput(region_code="V2", service_code="meal-delivery")
        )
    )
    listed = {o.pk for o in selectors.orders_visible_to(user)}
    for order in orders:
        visible = policy.can_view(user, order)
        assert (order.pk in listed) is visible
        detail = api_client(user).get(f"/api/v1/orders/{order.pk}/")
        assert detail.status_code == (401 if not user.is_authenticated else 200 if visible else 404)
        page = web_client(user).get(f"/me/orders/{order.pk}/")
        assert page.status_code == (302 if not user.is_authenticated else 200 if visible else 404)


# Pages and list endpoints: who may open them (200), who is sent to log in (302), who is
# refused (403 on the web, 401 without credentials in the API).
PAGES: list[tuple[str, set[str] | None]] = [
    # (path, the actors who may open it; None: everyone, signed in or not)
    ("/", None),
    ("/ranking/", None),
    ("/ranking/township/T1/", None),  # figures for everyone; its rated orders: see below
    (
        "/need/",
        {"resident", "resident2", "grid_worker", "dispatcher_a", "dispatcher_b", "county_admin"},
    ),
    ("/me/", set(ACTORS) - {"anonymous"}),
    ("/staff/dispatch/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
    ("/staff/dispatch/queue/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
    ("/staff/escalations/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
    ("/staff/orders/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
    ("/staff/provider/", {"provider_staff", "provider2_staff"}),
    # Maps (issue 8): the map of open orders is the dispatch console's (can_dispatch_anything).
    ("/staff/map/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
    # Changing one's password (its POSTs, and the REST endpoint, are in
    # tests/accounts/test_access_table.py).
    ("/accounts/password/", set(ACTORS) - {"anonymous"}),
    # Getting in by phone, and following an order without an account: open to everyone
    # (what each POST may do is in tests/web/test_sign_in_by_phone.py and
    # tests/orders/test_track.py).
    ("/accounts/phone/", None),
    ("/accounts/signup/", None),
    ("/accounts/reset/", None),
    ("/track/", None),
    # Notifications (issue 8): one's own inbox and preferences (rows below for messages).
    ("/me/inbox/", set(ACTORS) - {"anonymous"}),
    ("/me/notifications/", set(ACTORS) - {"anonymous"}),
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may"), PAGES, ids=[p for p, _m in PAGES])
def test_who_may_open_each_page(table_world, path, may, who):
    user = user_of(table_world, who)
    response = web_client(user).get(path)
    if may is None or who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


API_LISTS = ["/api/v1/orders/", "/api/v1/ratings/", "/api/v1/me/"]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", API_LISTS)
def test_who_may_call_each_list_endpoint(table_world, path, who):
    user = user_of(table_world, who)
    response = api_client(user).get(path)
    assert response.status_code == (200 if user.is_authenticated else 401)


# Maps (issue 8): the boundaries and the locator are public reads, signed in or not.
PUBLIC_API = ["/api/v1/regions/boundaries.geojson", "/api/v1/regions/locate/?lat=30.01&lon=110.01"]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", PUBLIC_API)
def test_everyone_may_read_the_public_map_endpoints(table_world, path, who):
    user = user_of(table_world, who)
    client = api_client(user) if user.is_authenticated else APIClient()
    assert client.get(path).status_code == 200


# The catalog: everyone reads the published menu and active providers; dispatchers and
# county administrators also see unpublished services and providers' capacity and phone.
WHOLE_CATALOG = {"dispatcher_a", "dispatcher_b", "county_admin"}


@pytest.mark.parametrize("who", ACTORS)
def test_who_sees_the_whole_catalog(table_world, who):
    from minsheng.catalog import policy as catalog_policy
    from tests.factories import ServiceFactory

    world = table_world
    user = user_of(world, who)
    ServiceFactory(code="draft", published=False, regions=[world.county])
    whole = who in WHOLE_CATALOG
    assert catalog_policy.can_see_whole_catalog(user) is whole
    services = api_client(user).get("/api/v1/services/", {"page_size": 200}).json()["results"]
    assert ("draft" in {row["code"] for row in services}) is whole
    providers = api_client(user).get("/api/v1/providers/").json()["results"]
    capacities = {row["daily_capacity"] for row in providers}
    assert capacities == ({10_000} if whole else {None})


# --- the ranking and whether a rating counts (issue 8) ------------------------------------------

# Who may mark a rating on the resident's order in T1 as not valid (and count it again).
MAY_SET_RATING_VALIDITY = DISPATCHERS
# Who sees, on T1's ranking page, which orders were rated there.
MAY_SEE_RANKED_ORDERS = DISPATCHERS


def rated_callback(world: Any) -> Any:
    """A callback on the resident's delivered order in T1 (held by the township team)."""
    order = order_in(world, Status.DELIVERED)
    return s.order_callback(
        order_id=order.pk, actor=world.dispatcher_a, data=s.RatingInput(**RATING)
    )


@pytest.mark.parametrize("who", ACTORS)
def test_marking_a_rating_not_valid_rule_service_web_and_api_agree(table_world, who):
    from minsheng.orders.models import Rating

    world = table_world
    user = user_of(world, who)
    may = who in MAY_SET_RATING_VALIDITY

    # The rule.
    rating = rated_callback(world)
    assert policy.can_invalidate_rating(user, rating) is may
    refusal = policy.rating_validity_refusal(user, rating, False)
    assert (refusal is None) is may
    if refusal is not None:
        assert refusal.status_code == 403

    # The service.
    before = snapshot(rating.order)
    if may:
        s.rating_invalidate(rating_id=rating.pk, actor=user, reason="nobody")
        assert Rating.objects.get(pk=rating.pk).valid is False
    else:
        with pytest.raises(type(refusal)) as info:
            s.rating_invalidate(rating_id=rating.pk, actor=user, reason="nobody")
        assert info.value.codes == refusal.codes
        assert snapshot(rating.order) == before

    def sees(r: Any) -> bool:
        return selectors.ratings_visible_to(user).filter(pk=r.pk).exists()

    # The web: the staff order page shows the form exactly when the rule says so.
    rating = rated_callback(world)
    client = web_client(user)
    post = f"/staff/ratings/{rating.pk}/validity/"
    if user.is_authenticated and policy.can_dispatch_anything(user) and sees(rating):
        page = client.get(f"/staff/orders/{rating.order_id}/").content.decode()
        assert (f'action="{post}"' in page) is may
    before = snapshot(rating.order)
    response = client.post(post, {"valid": "0", "reason": "nobody"})
    if not user.is_authenticated:
        expected = 302
        assert response["Location"].startswith("/accounts/login/")
    elif not policy.can_dispatch_anything(user):
        expected = 403
    elif not sees(rating):
        expected = 404
    else:
        expected = 302 if may else 403
    assert response.status_code == expected, (post, who)
    if not may:
        assert snapshot(rating.order) == before

    # The REST API.
    rating = rated_callback(world)
    before = snapshot(rating.order)
    response = api_client(user).post(
        f"/api/v1/ratings/{rating.pk}/validity/",
        {"valid": False, "reason": "nobody"},
        format="json",
    )
    if not user.is_authenticated:
        expected = 401
    elif not sees(rating):
        expected = 404
    else:
        expected = 200 if may else 403
    assert response.status_code == expected, (who, response.content)
    if not may:
        assert snapshot(rating.order) == before


@pytest.mark.parametrize("who", ACTORS)
def test_who_sees_the_rated_orders_of_a_township(table_world, who):
    world = table_world
    user = user_of(world, who)
    rating = rated_callback(world)
    may = who in MAY_SEE_RANKED_ORDERS
    assert policy.can_see_ranked_orders(user, world.town_a) is may
    month = timezone.localtime(rating.created_at).strftime("%Y-%m")
    body = web_client(user).get("/ranking/township/T1/", {"month": month}).content.decode()
    assert (f'href="/staff/orders/{rating.order_id}/"' in body) is may


# --- notifications (issue 8) -------------------------------------------------------------------
# The rating link stands for the resident: whoever holds it (signed in as anyone, or not at
# all) may rate that round of that order with it, once. An inbox message is its recipient's
# alone: nobody else lists it, opens it or marks it read.


@pytest.mark.parametrize("who", ACTORS)
def test_whoever_holds_the_rating_link_may_rate_with_it(table_world, who):
    from minsheng.orders.rating_links import rating_path

    world = table_world
    order = order_in(world, Status.DELIVERED)
    assert policy.can_rate_by_link(order, order.round) is True
    path = rating_path(order_id=order.pk, round=order.round)
    client = web_client(user_of(world, who))
    assert client.get(path).status_code == 200
    assert client.post(path, WEB_RATING).status_code == 200
    order.refresh_from_db()
    assert policy.can_rate_by_link(order, 0) is False
    rating = order.ratings.get()
    assert (rating.via, rating.rated_by) == ("resident", None)
    assert client.get(path).status_code == 409


@pytest.mark.parametrize("who", ACTORS)
def test_only_the_recipient_reads_and_marks_an_inbox_message(table_world, who):
    from django.utils import timezone

    from minsheng.notify.models import Message
    from minsheng.notify.policy import can_use_inbox

    world = table_world
    user = user_of(world, who)
    message = Message.objects.create(
        recipient=world.resident,
        key="table",
        template="order_approved",
        params={"number": "N-TABLE-1", "title": "T"},
        link="/me/",
        created_at=timezone.now(),
    )
    assert can_use_inbox(user) is user.is_authenticated
    client = web_client(user)
    page = client.get("/me/inbox/")
    mine = who == "resident"
    if user.is_authenticated:
        assert ("N-TABLE-1" in page.content.decode()) is mine
    else:
        assert page.status_code == 302
    opened = client.post(f"/me/inbox/{message.pk}/open/")
    read = client.post(f"/me/inbox/{message.pk}/read/")
    assert opened.status_code == read.status_code == 302
    if mine:
        assert opened["Location"] == "/me/"
    message.refresh_from_db()
    assert (message.read_at is not None) is mine

    # "Mark all as read" marks the reader's own messages only.
    other = Message.objects.create(
        recipient=world.resident,
        key="table-2",
        template="order_approved",
        params={"number": "N-TABLE-2", "title": "T"},
        link="/me/",
        created_at=timezone.now(),
    )
    assert client.post("/me/inbox/read-all/").status_code == 302
    other.refresh_from_db()
    assert (other.read_at is not None) is mine


@pytest.mark.parametrize("who", ACTORS)
def test_nobody_signed_in_or_not_posts_sms_replies_without_the_providers_secret(
    table_world, who, settings
):
    from minsheng.notify.models import Delivery
    from minsheng.notify.policy import can_post_inbound_sms

    settings.MINSHENG_SMS_INBOUND_SECRET = "the-providers-secret"
    world = table_world
    order = order_in(world, Status.DELIVERED)
    before = snapshot(order), Delivery.objects.count()
    assert can_post_inbound_sms("") is False
    assert can_post_inbound_sms("a-guess") is False
    assert can_post_inbound_sms("the-providers-secret") is True
    client = web_client(user_of(world, who))
    for secret in ("", "a-guess"):
        response = client.post(
            "/notify/sms/inbound/",
            {"phone": "13800138000", "text": "1"},
            headers={"X-Minsheng-Secret": secret},
        )
        assert response.status_code == 403
    assert (snapshot(order), Delivery.objects.count()) == before


# --- reaching the resident (issue 8): who reads the contact in full ---------------------------
# Staff acting for the resident (callbacks) always; the team holding the order from dispatch
# until it is rated. Everyone else who sees the order reads it masked (tests/orders/
# test_contact.py has the masks and the log in detail).
CONTACT_FULL: dict[str, set[str]] = {
    Status.SUBMITTED: STAFF_FOR_RESIDENT,
    Status.DISPATCHED: STAFF_FOR_RESIDENT | {"provider_staff"},
    Status.DELIVERED: STAFF_FOR_RESIDENT | {"provider_staff"},
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", list(CONTACT_FULL))
def test_who_reads_the_contact_in_full_the_rule_the_web_and_the_api_agree(table_world, state, who):
    from minsheng.accounts.models import Profile
    from minsheng.orders.models import ContactView

    world = table_world
    Profile.objects.filter(user=world.resident).update(phone="13800138000")
    world.resident.__dict__.pop("_minsheng_profile", None)
    user = user_of(world, who)
    order = order_in(world, state)
    full = who in CONTACT_FULL[state]
    visible = policy.can_view(user, order)
    assert policy.can_see_contact(user, order) is full
    assert not full or visible

    page = web_client(user).get(f"/me/orders/{order.pk}/")
    detail = api_client(user).get(f"/api/v1/orders/{order.pk}/")
    if visible:
        assert ('href="tel:+8613800138000"' in page.content.decode()) is full
        assert ("138****8000" in page.content.decode()) is not full
        assert detail.json()["contact_masked"] is not full
    else:
        assert page.status_code in (302, 404)
        assert detail.status_code in (401, 404)
    assert ContactView.objects.filter(order=order).count() == (2 if full else 0)


# --- photos (issue 8) ---------------------------------------------------------------------------
# Who adds a photo (the rule, the service, the REST upload, and the provider's delivery form
# on the web), and who sees one (the rule, the web's photo and thumbnail URLs, the REST
# order detail and file URLs). The resident photographs the need while the order is open;
# the team holding it adds proof while it delivers; the team that handed it on is told it
# lost the order (409); staff acting for the resident see the photos but add none.
PHOTO_ADDERS = {Status.SUBMITTED: {"resident"}, Status.IN_SERVICE: {"resident", "provider_staff"}}
PHOTO_READERS = {"resident", "grid_worker", "dispatcher_a", "county_admin", "provider_staff"}


def _photo_upload() -> Any:
    from tests.photos import png, upload

    return upload(png(), "p.png", "image/png")


def _photos_and_files(media: Any) -> tuple[int, list[str]]:
    from minsheng.orders.models import OrderPhoto
    from tests.photos import stored_files

    return OrderPhoto.objects.count(), stored_files(media)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", list(PHOTO_ADDERS))
def test_who_may_add_a_photo(table_world, media, state, who):
    world = table_world
    user = user_of(world, who)
    may = who in PHOTO_ADDERS[state]

    # The rule.
    order = order_in(world, state)
    assert policy.can_add_photo(user, order) is may
    refusal = policy.refusal("photo", user, order)
    assert (refusal is None) is may
    if refusal is not None:
        # The county centre held the order (before it was re-dispatched) from dispatch on.
        past_team = who == "provider2_staff" and state != Status.SUBMITTED
        assert refusal.status_code == (409 if past_team else 403), refusal

    # The service.
    before, files = snapshot(order), _photos_and_files(media)
    if may:
        s.order_photo_add(order_id=order.pk, actor=user, upload=_photo_upload())
        assert _photos_and_files(media)[0] == files[0] + 1
    else:
        with pytest.raises(type(refusal)) as info:
            s.order_photo_add(order_id=order.pk, actor=user, upload=_photo_upload())
        assert info.value.codes == refusal.codes
        assert (snapshot(order), _photos_and_files(media)) == (before, files)

    # The REST API.
    order = order_in(world, state)
    files = _photos_and_files(media)
    response = api_client(user).post(
        f"/api/v1/orders/{order.pk}/photos/", {"photo": _photo_upload()}, format="multipart"
    )
    if not user.is_authenticated:
        expected = 401
    elif not sees("photo", user, order):
        expected = 404
    else:
        expected = 201 if may else policy.refusal("photo", user, order).status_code
    assert response.status_code == expected, (who, response.content)
    assert _photos_and_files(media)[0] == files[0] + (1 if expected == 201 else 0)
    if expected != 201:
        assert _photos_and_files(media) == files

    # The web: proof of delivery comes with the provider's delivery form.
    if state == Status.IN_SERVICE:
        order = order_in(world, state)
        files = _photos_and_files(media)
        response = web_client(user).post(
            f"/staff/provider/orders/{order.pk}/deliver/",
            {"note": "done", "photo": _photo_upload()},
        )
        if not user.is_authenticated:
            expected = 302
        elif not policy.can_work_as_provider(user):
            expected = 403
        elif not sees("deliver", user, order):
            expected = 404
        else:
            expected = 302 if who == "provider_staff" else 409
        assert response.status_code == expected, who
        added = 1 if (expected == 302 and user.is_authenticated) else 0
        assert _photos_and_files(media)[0] == files[0] + added


@pytest.mark.parametrize("who", ACTORS)
def test_who_sees_the_photos(table_world, media, who):
    world = table_world
    user = user_of(world, who)
    order = order_in(world, Status.IN_SERVICE)
    need = s.order_photo_add(order_id=order.pk, actor=world.resident, upload=_photo_upload())
    proof = s.order_photo_add(order_id=order.pk, actor=world.provider_staff, upload=_photo_upload())
    may = who in PHOTO_READERS

    assert policy.can_see_photos(user, order) is may
    assert [p.pk for p in selectors.photos_for(user, order)] == ([need.pk, proof.pk] if may else [])

    # The web: the photo and its thumbnail, or a 404 as for an order one cannot see.
    client = web_client(user)
    for photo in (need, proof):
        for suffix in ("", "thumb/"):
            response = client.get(f"/orders/{order.pk}/photos/{photo.pk}/{suffix}")
            if not user.is_authenticated:
                assert response.status_code == 302
                assert response["Location"].startswith("/accounts/login/")
            else:
                assert response.status_code == (200 if may else 404), (who, suffix)

    # The REST API: the order's detail lists them; their files are served the same way.
    api = api_client(user)
    detail = api.get(f"/api/v1/orders/{order.pk}/")
    if user.is_authenticated and policy.can_view(user, order):
        listed = [row["id"] for row in detail.json()["photos"]]
        assert listed == ([need.pk, proof.pk] if may else [])
    for suffix in ("", "thumb/"):
        response = api.get(f"/api/v1/orders/{order.pk}/photos/{need.pk}/{suffix}")
        expected = 401 if not user.is_authenticated else 200 if may else 404
        assert response.status_code == expected, (who, suffix)


# --- getting in by phone, following an order without an account -------------------------------
# Who signs in with a mobile number (a code, or the number in place of the username): the
# residents only. The sign-in pages, the code endpoints and /track/ are open to everyone,
# signed in or not, with or without a token: they answer each actor the same way.
SIGNS_IN_BY_PHONE = {"resident", "resident2"}


@pytest.mark.parametrize("who", ACTORS)
def test_who_signs_in_by_phone(table_world, who, settings, tmp_path):
    from minsheng.accounts import policy as accounts_policy
    from minsheng.accounts import services as accounts
    from minsheng.accounts.models import Profile
    from minsheng.accounts.selectors import account_by_mobile, profile_of

    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    user = user_of(table_world, who)
    may = who in SIGNS_IN_BY_PHONE
    if not user.is_authenticated:
        assert accounts_policy.signs_in_by_phone(None) is False
        return
    assert accounts_policy.signs_in_by_phone(profile_of(user).role) is may
    mobile = f"1390000{ACTORS.index(who):04d}"
    Profile.objects.filter(user=user).update(phone=mobile)
    assert (account_by_mobile(mobile) == user) is may
    if may:
        accounts.phone_code_send(phone=mobile, purpose="login", address=None)
    else:
        with pytest.raises(DomainError) as info:
            accounts.phone_code_send(phone=mobile, purpose="login", address=None)
        assert info.value.codes == ["no_account"]


@pytest.mark.parametrize("who", ACTORS)
def test_the_sign_in_and_track_doors_answer_everyone_alike(table_world, who, settings, tmp_path):
    from django.core.cache import cache

    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms.jsonl")
    cache.clear()  # /track/'s count of wrong pairs per address lives there
    user = user_of(table_world, who)
    order = order_in(table_world, Status.SUBMITTED)
    before = snapshot(order)
    client = web_client(user)
    for path in ("/accounts/phone/", "/accounts/signup/", "/accounts/reset/"):
        response = client.post(path, {"action": "send", "phone": "12345"})
        assert response.status_code == 400, (path, who)
    response = client.post("/track/", {"number": order.number, "phone": "13900000099"})
    assert response.status_code == 400
    api = api_client(user)
    assert api.post("/api/v1/auth/code/", {"phone": "12345"}, format="json").status_code == 400
    body = {"phone": "13900000099", "code": "123456"}
    assert api.post("/api/v1/auth/phone-token/", body, format="json").status_code == 400
    assert snapshot(order) == before
