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
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider, Service
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
            Route(f"{mine}cancel/", {"reason": ""}, mine, _signed_in),
            Route(f"{staff}cancel/", {"reason": ""}, staff, dispatching),
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
    # Changing one's password (its POSTs, and the REST endpoint, are in
    # tests/accounts/test_access_table.py).
    ("/accounts/password/", set(ACTORS) - {"anonymous"}),
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
