"""Moving a city's history from another GeoReport v2 server (or a saved dump) to Minsheng.

Reading (files or a live server) gives a :class:`Source`; :func:`open311_import` plans every
service and request first and writes all of it in one transaction, or nothing when any row
cannot be placed. Requests already imported from the same source are skipped, so running
the same import again changes nothing.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from minsheng.catalog.models import Category, Service, ServiceArea
from minsheng.catalog.services import AttributeSpec, service_import
from minsheng.open311 import parse
from minsheng.open311.models import ServiceRequest
from minsheng.open311.render import w3c
from minsheng.open311.services import request_import
from minsheng.orders.services import ImportedOrder, order_import
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_at, region_by_code, region_named_in

# The specification's cap on one GET requests answer, and its longest date range.
SERVER_CAP = 1000
WINDOW = timedelta(days=90)
MAX_DOCUMENT = 64 * 1024 * 1024
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


@dataclass
class Source:
    """What was read from a server or from files, before anything is written."""

    name: str
    services: list[parse.RemoteService] = field(default_factory=list)
    definitions: dict[str, list[parse.RemoteAttribute]] = field(default_factory=dict)
    requests: list[parse.RemoteRequest] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, document: parse.Document, where: str) -> None:
        if document.kind == parse.SERVICES:
            rows, bad = parse.services(document)
            self.services.extend(rows)
        elif document.kind == parse.DEFINITION:
            code, attributes = parse.definition(document)
            self.definitions[code] = attributes
            bad = []
        else:
            requests, bad = parse.requests(document)
            self.requests.extend(requests)
        self.errors.extend(f"{where}: {message}" for message in bad)


def read_files(paths: Iterable[str], *, name: str) -> Source:
    source = Source(name=name)
    for path in paths:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            source.errors.append(f"{path}: cannot read it ({exc.strerror or exc})")
            continue
        try:
            source.add(parse.read_document(raw), path)
        except parse.DocumentError as exc:
            source.errors.append(f"{path}: {exc}")
    return source


Fetch = Callable[[str], bytes]


def http_get(url: str) -> bytes:
    """GET a document; an error answer is read for its GeoReport errors."""
    if not url.startswith(("http://", "https://")):
        raise parse.DocumentError(f"{url}: only http and https addresses can be read")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": "minsheng-import_open311"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return bytes(response.read(MAX_DOCUMENT))
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_DOCUMENT)
        try:
            parse.read_document(body)
        except parse.DocumentError as detail:
            raise parse.DocumentError(f"{url}: HTTP {exc.code}: {detail}") from None
        raise parse.DocumentError(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise parse.DocumentError(f"{url}: cannot reach the server ({exc})") from None


def read_server(
    url: str,
    *,
    since: datetime,
    until: datetime,
    jurisdiction: str = "",
    fmt: str = "json",
    fetch: Fetch = http_get,
) -> Source:
    """Services, their definitions and every request ordered in [since, until].

    The range is walked in windows the specification allows (90 days); a window that
    comes back full (1,000 requests, the specification's cap) is halved until it does not,
    so no request is lost to the cap whatever paging the server offers.
    """
    root = url.rstrip("/")
    base = {"jurisdiction_id": jurisdiction} if jurisdiction else {}
    source = Source(name=root)

    def get(path: str, **params: str) -> parse.Document:
        query = urllib.parse.urlencode({**base, **params})
        return parse.read_document(fetch(f"{root}/{path}.{fmt}" + (f"?{query}" if query else "")))

    try:
        source.add(get("services"), "services")
        for service in list(source.services):
            if service.metadata:
                quoted = urllib.parse.quote(service.code, safe="")
                source.add(get(f"services/{quoted}"), f"service definition {service.code}")
        seen: set[str] = set()
        windows = []
        start = since
        while start < until:
            end = min(start + WINDOW, until)
            windows.append((start, end))
            start = end
        while windows:
            start, end = windows.pop(0)
            document = get("requests", start_date=w3c(start), end_date=w3c(end))
            if len(document.rows) >= SERVER_CAP and end - start > timedelta(minutes=1):
                middle = start + (end - start) / 2
                windows[:0] = [(start, middle), (middle, end)]
                continue
            batch = Source(name=root)
            batch.add(document, f"requests {w3c(start)}–{w3c(end)}")
            source.errors.extend(batch.errors)
            for request in batch.requests:
                if request.id not in seen:
                    seen.add(request.id)
                    source.requests.append(request)
    except parse.DocumentError as exc:
        source.errors.append(str(exc))
    return source


# --- planning and writing ----------------------------------------------------------------------


@dataclass
class ImportResult:
    source: str
    dry_run: bool
    services_created: list[str] = field(default_factory=list)
    services_existing: list[str] = field(default_factory=list)
    requests_created: int = 0
    requests_skipped: int = 0
    errors: list[str] = field(default_factory=list)


def local_code(remote: str, prefix: str) -> str | None:
    """A service code of ours (a slug) for another system's code, or None if none can be."""
    code = remote.strip()
    if not re.fullmatch(r"[-\w]+", code, flags=re.ASCII):
        code = slugify(code)
    code = f"{prefix}{code}"
    return code if code and len(code) <= 60 and re.fullmatch(r"[-\w]+", code, re.ASCII) else None


def _category_for(group: str, fallback: Category | None) -> Category | None:
    if group:
        match = Q(code=group) | Q(name_zh__iexact=group) | Q(name_en__iexact=group)
        category = Category.objects.filter(match).order_by("position").first()
        if category is not None:
            return category
        area = ServiceArea.objects.filter(match).first()
        if area is not None:
            found = area.categories.order_by("position").first()
            if found is not None:
                return found
    return fallback


def _place(request: parse.RemoteRequest, default: Region | None, max_km: float) -> Region | None:
    if request.lat is not None and request.long is not None:
        found = region_at(request.lat, request.long, max_km=max_km)
        if found is not None:
            return found
    if request.address_id:
        found = region_by_code(request.address_id)
        if found is not None and found.level != Region.Level.COUNTY:
            return found
    if request.address:
        found = region_named_in(request.address)
        if found is not None:
            return found
    return default


@dataclass
class _PlannedService:
    code: str
    remote: parse.RemoteService
    category: Category
    attributes: list[AttributeSpec]


def open311_import(
    *,
    source: Source,
    default_region: Region | None = None,
    category: Category | None = None,
    prefix: str = "",
    publish: bool = False,
    max_km: float = 30.0,
    dry_run: bool = True,
    now: datetime | None = None,
) -> ImportResult:
    """Plan every row, then write all of them (unless ``dry_run``) or, on any error, none."""
    now = now or timezone.now()
    result = ImportResult(source=source.name, dry_run=dry_run, errors=list(source.errors))

    # Every code the source names, ours for it, and our services with those codes: one query.
    remote_codes = {s.code for s in source.services}
    remote_codes |= {r.service_code for r in source.requests if r.service_code}
    local = {remote: local_code(remote, prefix) for remote in remote_codes}
    ours = Service.objects.select_related("category__area").in_bulk(
        {code for code in local.values() if code is not None}, field_name="code"
    )

    planned: dict[str, _PlannedService] = {}  # remote code → plan
    existing: dict[str, Service] = {}
    for remote in source.services:
        code = local[remote.code]
        if code is None:
            result.errors.append(f"service {remote.code!r}: cannot be made a service code")
            continue
        service = ours.get(code)
        if service is not None:
            existing[remote.code] = service
            result.services_existing.append(code)
            continue
        chosen = _category_for(remote.group, category)
        if chosen is None:
            result.errors.append(
                f"service {remote.code!r}: its group {remote.group!r} names no category or "
                "area of ours; give --category CODE"
            )
            continue
        attributes = []
        for attribute in source.definitions.get(remote.code, []):
            if not attribute.variable:
                continue  # display-only text: no answer to keep
            if attribute.datatype not in DATATYPES or not re.fullmatch(
                r"[-\w]+", attribute.code, re.ASCII
            ):
                result.errors.append(
                    f"service {remote.code!r}, attribute {attribute.code!r}: unknown datatype "
                    f"{attribute.datatype!r} or a code that is not a slug"
                )
                continue
            attributes.append(
                AttributeSpec(
                    code=attribute.code,
                    datatype=attribute.datatype,
                    required=attribute.required,
                    label=attribute.description,
                    choices=attribute.values,
                )
            )
        planned[remote.code] = _PlannedService(code, remote, chosen, attributes)
        result.services_created.append(code)
    if planned and not Region.objects.filter(level=Region.Level.COUNTY).exists():
        # A new service is offered county-wide (service_import refuses it otherwise).
        result.errors.append(
            "services: there is no county to offer new services in; import the regions "
            "first (minsheng import_regions)"
        )

    already = set(
        ServiceRequest.objects.filter(
            source=source.name, source_id__in=[r.id for r in source.requests]
        ).values_list("source_id", flat=True)
    )
    rows: list[tuple[parse.RemoteRequest, Region, str | None]] = []
    for request in source.requests:
        where = f"request {request.id}"
        if request.id in already:
            result.requests_skipped += 1
            continue
        if len(request.id) > 100:
            result.errors.append(f"{where}: the id is longer than 100 characters")
            continue
        remote_code: str | None = None
        if request.service_code in planned or request.service_code in existing:
            remote_code = request.service_code
        else:
            code = local.get(request.service_code)
            service = ours.get(code) if code is not None else None
            if service is not None:
                existing[request.service_code] = service
                remote_code = request.service_code
            elif category is None:
                result.errors.append(
                    f"{where}: service_code {request.service_code!r} is not among the "
                    "services read; give --category CODE to import it as a free-form need"
                )
                continue
        region = _place(request, default_region, max_km)
        if region is None:
            result.errors.append(
                f"{where}: its location (lat/long, address_id, address) is in no place of "
                "this county; give --region CODE for such requests"
            )
            continue
        rows.append((request, region, remote_code))
        already.add(request.id)
    result.requests_created = len(rows)

    if dry_run or result.errors:
        return result
    with transaction.atomic():
        services: dict[str, Service] = dict(existing)
        for remote_code, plan in planned.items():
            services[remote_code], _created = service_import(
                code=plan.code,
                name=plan.remote.name,
                category=plan.category,
                description=plan.remote.description,
                keywords=plan.remote.keywords,
                attributes=plan.attributes,
                publish=publish,
            )
        fallback_area = category.area if category is not None else None
        for request, region, remote_code in rows:
            service = services[remote_code] if remote_code is not None else None
            area = service.category.area if service is not None else fallback_area
            assert area is not None  # planning refused requests with neither
            note = f"{source.name} #{request.id}"
            if request.agency_responsible:
                note += f" ({request.agency_responsible})"
            order = order_import(
                data=ImportedOrder(
                    region=region,
                    area=area,
                    service=service,
                    requested_at=request.requested,
                    updated_at=max(request.updated, request.requested),
                    closed=request.status == "closed",
                    description=request.description
                    or (request.service_name if service is None else ""),
                    latitude=request.lat,
                    longitude=request.long,
                    address=request.address,
                    status_notes=request.status_notes,
                    source_note=note,
                    expected_at=request.expected,
                ),
                now=now,
            )
            request_import(
                order=order,
                token=request.token,
                source=source.name,
                source_id=request.id,
                address_id=request.address_id,
                zipcode=request.zipcode,
                media_url=request.media_url,
            )
    return result
