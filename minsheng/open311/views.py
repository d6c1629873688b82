"""``/open311/v2/``: GeoReport v2 calls as plain Django views.

Each view reads its arguments into typed values (collecting one :class:`Problem` per bad
argument), calls a selector or one service, and renders a document in the format the URL
suffix names. Every refusal is an ``errors`` document in that format; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from minsheng.catalog.selectors import menu_entry
from minsheng.core.errors import DomainError
from minsheng.core.ids import as_id
from minsheng.core.inputs import has_markup
from minsheng.core.network import client_address
from minsheng.open311 import documents, limits, selectors, services
from minsheng.open311.models import ApiKey
from minsheng.open311.params import Params, attributes, contains_nul, not_utf8, window
from minsheng.open311.render import (
    FORMATS,
    JSON,
    XML,
    Document,
    Open311Error,
    Problem,
    error_document,
    respond,
    shown,
)
from minsheng.orders.attributes import MAX_TEXT
from minsheng.orders.errors import OrderCode
from minsheng.orders.services import MAX_NOTE, OrderInput
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_at, region_by_code, region_named_in

MAX_PAGE_SIZE = 1000
# More codes than the menu will ever hold: a longer list is a mistake, not a query.
MAX_CODES = 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# order_submit's field names as the GeoReport arguments they came from.
FIELD_ARGS = {
    "latitude": "lat",
    "longitude": "long",
    "service": "service_code",
    "area": "service_code",
    "description": "description",
    "contact_name": "first_name",
    "contact_phone": "phone",
    "address": "address_string",
    "attribute": "attribute",
    "note": "description",
    "order": "service_request_id",
}
# Refusals about another argument than the field the service names.
CODE_ARGS = {OrderCode.SERVICE_NOT_OFFERED: "service_code"}


# The URL's path values as the GeoReport arguments they stand for.
PATH_ARGS = {"code": "service_code", "request_id": "service_request_id", "token": "token"}
# How the spec's error example names the call a key was refused for.
ACTION_NAMES = {"post_service_request": "create_request", "post_update": "create_update"}


@dataclass
class Call:
    request: HttpRequest
    fmt: str
    params: Params
    key: ApiKey | None


Handler = Callable[..., Document]


def _form_data(request: HttpRequest) -> QueryDict:
    """The query string and, for a POST, the form body (the body wins on a clash)."""
    data = request.GET.copy()
    if request.method != "POST":
        return data
    has_body = bool(request.body)
    if request.content_type not in FORM_TYPES and (has_body or request.content_type):
        raise Open311Error.one(
            400,
            f"Content-Type: send application/x-www-form-urlencoded (or multipart/form-data), "
            f"not {shown(request.content_type or '')}",
        )
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Open311Error.one(400, f"Content-Type: the charset is UTF-8, not {shown(charset)}")
    for key, values in request.POST.lists():
        data.setlist(key, values)
    return data


def _key(data: Params, *, required: bool, action: str) -> ApiKey | None:
    raw = data.text("api_key")
    if raw is None:
        if required:
            raise Open311Error.one(403, f"api_key: required -- can't proceed with {action}.")
        return None
    key = selectors.api_key_by_raw(raw)
    if key is None:
        raise Open311Error.one(403, f"Invalid api_key received -- can't proceed with {action}.")
    if not key.active:
        raise Open311Error.one(
            403, f"api_key: this key was revoked -- can't proceed with {action}."
        )
    return key


def _rate(request: HttpRequest, key: ApiKey | None) -> None:
    if key is not None:
        ident, limit = f"key:{key.pk}", key.rate_limit or settings.MINSHENG_OPEN311_KEY_RATE
        who = "this API key"
    else:
        ident = "addr:" + str(client_address(request) or "")
        limit, who = settings.MINSHENG_OPEN311_ANON_RATE, "this client address"
    verdict = limits.hit(ident, limit)
    if not verdict.allowed:
        raise Open311Error(
            [
                Problem(
                    429,
                    f"Too many requests: {who} may make {limit} a minute. "
                    f"Try again in {verdict.retry_after} seconds.",
                )
            ],
            headers={"Retry-After": str(verdict.retry_after)},
        )


def _read(request: HttpRequest) -> Params:
    """The call's arguments, or a 400 when they cannot be read or hold a NUL."""
    try:
        data = _form_data(request)
    except (
        SuspiciousOperation,  # too many fields, a bad boundary
        RequestDataTooBig,
        MultiPartParserError,
        UnreadablePostError,
        LookupError,  # an unknown charset
        ValueError,
    ):
        raise Open311Error.one(
            400, "arguments: could not be read as a form (a broken body, or too many fields)"
        ) from None
    nul = contains_nul(data)
    if nul is not None:
        raise Open311Error.one(400, f"{shown(nul)}: contains a NUL character")
    garbled = not_utf8(request, data)
    if garbled is not None:
        raise Open311Error.one(400, f"{garbled}: not UTF-8 text")
    params = Params(data)
    jurisdiction = params.text("jurisdiction_id")
    _raise_problems(params)
    ours = settings.MINSHENG_OPEN311_JURISDICTION
    if jurisdiction is not None and jurisdiction != ours:
        raise Open311Error.one(
            404, f"jurisdiction_id: this server answers for {ours}, not {shown(jurisdiction)}"
        )
    return params


def _check_path(values: dict[str, str]) -> None:
    for name, value in values.items():
        # No row can be named with a NUL (PostgreSQL refuses it in any text).
        if "\x00" in value:
            raise Open311Error.one(404, f"{PATH_ARGS[name]}: no such one {shown(value)}")


def endpoint(
    methods: dict[str, Handler], *, key_required: frozenset[str] = frozenset()
) -> Callable[..., HttpResponse]:
    """A view for one URL: format, method, arguments, jurisdiction, key and rate checks, in
    that order, then the method's handler.

    ``methods`` maps an HTTP method to its handler; ``key_required`` lists the methods that
    need an API key (the writes).
    """

    @csrf_exempt
    def view(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
        if fmt not in FORMATS:
            error = Open311Error.one(404, f"format: {shown(fmt)} is not json or xml")
            return respond(error_document(error), JSON)
        try:
            handler = methods.get(request.method or "")
            if handler is None:
                allowed = ", ".join(methods)
                raise Open311Error(
                    [Problem(405, f"method: {request.method} is not allowed here ({allowed})")],
                    headers={"Allow": allowed},
                )
            params = _read(request)
            _check_path(kwargs)
            action = ACTION_NAMES.get(handler.__name__, handler.__name__)
            try:
                key = _key(params, required=request.method in key_required, action=action)
            except Open311Error:
                # Refused keys count against the client's address: guessing is rate-limited.
                _rate(request, None)
                raise
            _raise_problems(params)
            _rate(request, key)
            doc = handler(Call(request=request, fmt=fmt, params=params, key=key), **kwargs)
            return respond(doc, fmt)
        except Open311Error as error:
            return respond(error_document(error), fmt, error.headers)

    return view


def _raise_problems(params: Params) -> None:
    if params.problems:
        raise Open311Error(params.problems)


# --- discovery and services -------------------------------------------------------------------


def get_discovery(call: Call) -> Document:
    url = call.request.build_absolute_uri(reverse("open311:root"))
    return Document("discovery", None, documents.discovery(url))


def get_service_list(call: Call) -> Document:
    rows = [
        documents.service_row(s, has_attributes=bool(getattr(s, "has_attributes", False)))
        for s in selectors.menu_services()
    ]
    rows += [documents.need_row(area) for area in selectors.need_areas()]
    return Document("services", "service", rows)


def get_service_definition(call: Call, code: str) -> Document:
    if code.startswith(selectors.NEED_PREFIX):
        if selectors.need_area(code) is None:
            raise Open311Error.one(404, f"service_code: no such service {shown(code)}")
        return Document("service_definition", None, documents.definition(code, []))
    service = selectors.published_service(code)
    if service is None:
        raise Open311Error.one(404, f"service_code: no such service {shown(code)}")
    return Document(
        "service_definition", None, documents.definition(code, list(service.attributes.all()))
    )


# --- GET requests -----------------------------------------------------------------------------


def _ids(params: Params, name: str) -> list[int] | None:
    items = params.listed(name)
    if items is None:
        return None
    ids: list[int] = []
    for item in items:
        pk = as_id(item)
        if pk is None:
            params.bad(name, f"{shown(item)} is not a request id")
        else:
            ids.append(pk)
    if len(ids) > MAX_PAGE_SIZE:
        params.bad(name, f"at most {MAX_PAGE_SIZE} ids at once")
    return ids


def _paging(params: Params) -> tuple[int, int]:
    page = params.integer("page", low=1, high=10**6) or 1
    size = params.integer("page_size", low=1, high=MAX_PAGE_SIZE) or MAX_PAGE_SIZE
    return (page - 1) * size, size


def get_service_requests(call: Call) -> Document:
    params = call.params
    extensions = bool(params.boolean("extensions"))
    offset, limit = _paging(params)
    ids = _ids(params, "service_request_id")
    if ids is not None:
        # The spec: a list of ids overrides every other argument.
        _raise_problems(params)
        f = selectors.RequestFilter(ids=ids, offset=offset, limit=limit)
    else:
        codes = params.listed("service_code")
        if codes is not None and len(codes) > MAX_CODES:
            params.bad("service_code", f"at most {MAX_CODES} codes at once")
        statuses = params.choice("status", lambda s: s in ("open", "closed"), "open or closed")
        start, end = params.when("start_date"), params.when("end_date")
        after, before = params.when("updated_after"), params.when("updated_before")
        _raise_problems(params)
        problems: list[Problem] = []
        if codes is not None:
            known = selectors.known_service_codes(codes)
            problems += [
                Problem(404, f"service_code: no such service {shown(c)}")
                for c in codes
                if c not in known
            ]
        now = timezone.now()
        requested: tuple[Any, Any] | Problem | None = None
        updated: tuple[Any, Any] | Problem | None = None
        if after is not None or before is not None:
            updated = window(after, before, now, names=("updated_after", "updated_before"))
        if start is not None or end is not None or updated is None:
            requested = window(start, end, now)
        problems += [w for w in (requested, updated) if isinstance(w, Problem)]
        if problems:
            raise Open311Error(problems)
        assert not isinstance(requested, Problem) and not isinstance(updated, Problem)
        f = selectors.RequestFilter(
            service_codes=codes,
            statuses=statuses,
            requested=requested,
            updated=updated,
            offset=offset,
            limit=limit,
        )
    views = selectors.requests_matching(f, with_events=extensions)
    rows = documents.request_rows(views, extensions=extensions)
    return Document("service_requests", "request", rows)


def get_service_request(call: Call, request_id: str) -> Document:
    extensions = bool(call.params.boolean("extensions"))
    _raise_problems(call.params)
    pk = as_id(request_id)
    views = (
        selectors.requests_matching(selectors.RequestFilter(ids=[pk]), with_events=extensions)
        if pk is not None
        else []
    )
    if not views:
        raise Open311Error.one(404, f"service_request_id: no such request {shown(request_id)}")
    return Document(
        "service_requests", "request", [documents.request_row(views[0], extensions=extensions)]
    )


def get_token(call: Call, token: str) -> Document:
    order_id = selectors.order_id_for_token(token)
    if order_id is None:
        raise Open311Error.one(404, f"token: no such token {shown(token)}")
    return Document(
        "service_requests", "request", [{"service_request_id": str(order_id), "token": token}]
    )


# --- POST requests ----------------------------------------------------------------------------

_url = URLValidator(schemes=["http", "https"])


def _person(params: Params) -> dict[str, str]:
    fields = {
        "first_name": 100,
        "last_name": 100,
        "phone": 30,
        "device_id": 100,
        "account_id": 100,
        "email": 254,
        "media_url": 500,
    }
    person = {name: params.text(name, limit=limit) or "" for name, limit in fields.items()}
    if person["email"]:
        try:
            validate_email(person["email"])
        except ValidationError:
            params.bad("email", f"not an email address: {shown(person['email'])}")
    if person["media_url"]:
        try:
            _url(person["media_url"])
        except ValidationError:
            params.bad("media_url", f"not an http(s) URL: {shown(person['media_url'])}")
    if len(" ".join(p for p in (person["first_name"], person["last_name"]) if p)) > 100:
        params.bad("last_name", "first_name and last_name together: at most 100 characters")
    return person


def _place(params: Params) -> tuple[Region | None, float | None, float | None, str]:
    """The region named by address_id, else placed by lat/long, else by address_string.

    A point that is not in the county falls back to the address string when there is one
    (clients such as FixMyStreet send both); the point is kept as given.
    """
    found = len(params.problems)
    lat = params.number("lat", low=-90, high=90)
    lon = params.number("long", low=-180, high=180)
    lat_given, lon_given = bool(params.values("lat")), bool(params.values("long"))
    if lat_given != lon_given:
        params.bad("long" if lat_given else "lat", "send lat and long together")
    address = params.text("address_string", limit=300) or ""
    address_id = params.text("address_id", limit=20)
    if len(params.problems) > found:
        return None, None, None, address
    if address_id is not None:
        region = region_by_code(address_id)
        if region is None or region.level == Region.Level.COUNTY:
            params.bad(
                "address_id",
                f"no township or village of the county has the code {shown(address_id)}",
            )
        return region, lat, lon, address
    region = None
    if lat is not None and lon is not None:
        max_km = settings.MINSHENG_OPEN311_MAX_KM
        region = region_at(lat, lon, max_km=max_km)
        if region is None:
            params.bad(
                "lat",
                f"lat/long is not within {max_km:g} km of any township or village of the county",
            )
    if region is None and address:
        region = region_named_in(address)
        if region is None:
            params.bad("address_string", "names no township or village of the county")
        else:
            del params.problems[found:]  # the address placed it after all
    if region is None and lat is None and not address:
        params.bad("lat", "a location is required: lat and long, address_string or address_id")
    return region, lat, lon, address


def _domain_problems(error: DomainError) -> list[Problem]:
    """A service's refusals as Open311 errors: its status, each naming its argument."""
    problems = []
    for detail in error.errors:
        if detail.code in CODE_ARGS:
            arg = CODE_ARGS[OrderCode(detail.code)]
        elif detail.field and detail.field.startswith("attribute["):
            arg = detail.field
        else:
            arg = FIELD_ARGS.get(detail.field or "", detail.field or "request")
        problems.append(Problem(error.status_code, f"{arg}: {detail.message}"))
    return problems


def post_service_request(call: Call) -> Document:
    params = call.params
    assert call.key is not None
    code = params.text("service_code")
    description = params.text("description") or ""
    if len(description) > MAX_TEXT:
        params.bad("description", f"at most {MAX_TEXT} characters (got {len(description)})")
    elif has_markup(description):
        params.bad("description", "plain text only: no HTML or code")
    answers = attributes(params.data, params.problems)
    person = _person(params)
    extensions = bool(params.boolean("extensions"))
    if code is None:
        params.bad("service_code", "required")
    region, lat, lon, address = _place(params)
    _raise_problems(params)
    assert code is not None
    area_code = ""
    if code.startswith(selectors.NEED_PREFIX):
        area = selectors.need_area(code)
        found = area is not None
        area_code = area.code if area is not None else ""
    else:
        entry = menu_entry(code)
        found = entry is not None and entry.service.published
    if not found:
        raise Open311Error.one(404, f"service_code: no such service {shown(code)}")
    assert region is not None
    order = OrderInput(
        service_code="" if area_code else code,
        area_code=area_code,
        description=description,
        answers=answers,
        latitude=lat,
        longitude=lon,
        address=address,
    )
    try:
        created = services.request_submit(
            key=call.key,
            order=order,
            region=region,
            person=services.Person(**person, address_id=params.text("address_id") or ""),
        )
    except DomainError as error:
        raise Open311Error(_domain_problems(error)) from None
    row: dict[str, Any] = {
        "service_request_id": str(created.order_id),
        "service_notice": documents.service_notice(created.order.urgency),
        "account_id": created.account_id or None,
    }
    if extensions:
        row["token"] = created.token
    return Document("service_requests", "request", [row], status=201)


# --- mySociety's servicerequestupdates --------------------------------------------------------


def get_updates(call: Call) -> Document:
    params = call.params
    offset, limit = _paging(params)
    ids = _ids(params, "service_request_id")
    start, end = params.when("start_date"), params.when("end_date")
    _raise_problems(params)
    span = window(start, end, timezone.now())
    if isinstance(span, Problem):
        raise Open311Error([span])
    events = selectors.public_updates(
        selectors.UpdateFilter(happened=span, order_ids=ids, offset=offset, limit=limit)
    )
    return Document(
        "service_request_updates", "request_update", [documents.update_row(e) for e in events]
    )


def post_update(call: Call) -> Document:
    params = call.params
    assert call.key is not None
    raw_id = params.text("service_request_id")
    description = params.text("description")
    if raw_id is None:
        params.bad("service_request_id", "required")
    if description is None:
        params.bad("description", "required")
    elif len(description) > MAX_NOTE:
        params.bad("description", f"at most {MAX_NOTE} characters (got {len(description)})")
    elif has_markup(description):
        params.bad("description", "plain text only: no HTML or code")
    _raise_problems(params)
    assert raw_id is not None and description is not None
    pk = as_id(raw_id)
    if pk is None:
        raise Open311Error.one(404, f"service_request_id: no such request {shown(raw_id)}")
    try:
        event = services.update_submit(key=call.key, order_id=pk, description=description)
    except DomainError as error:
        raise Open311Error(_domain_problems(error)) from None
    return Document(
        "service_request_updates", "request_update", [{"update_id": str(event.pk)}], status=201
    )


# --- the URL table's views --------------------------------------------------------------------

discovery = endpoint({"GET": get_discovery})
service_list = endpoint({"GET": get_service_list})
service_definition = endpoint({"GET": get_service_definition})
service_requests = endpoint(
    {"GET": get_service_requests, "POST": post_service_request}, key_required=frozenset({"POST"})
)
service_request = endpoint({"GET": get_service_request})
token = endpoint({"GET": get_token})
updates = endpoint({"GET": get_updates, "POST": post_update}, key_required=frozenset({"POST"}))


def root(request: HttpRequest) -> HttpResponse:
    return not_found(request)


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: a 404, in XML if the path asks for it, else JSON."""
    error = Open311Error.one(404, "no such call: see discovery.json for what this server offers")
    return respond(error_document(error), XML if path.endswith(".xml") else JSON)
