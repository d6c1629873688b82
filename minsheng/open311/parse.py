"""Reading another GeoReport v2 server's documents (JSON or XML): pure, no Django.

Used by ``minsheng import_open311``. Documents are untrusted input: XML is parsed with
defusedxml (no entities, no external references), and every refusal is a
:class:`DocumentError` saying where the document went wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from minsheng.core.errors import Code
from minsheng.core.inputs import Invalid, read_bool, read_datetime, read_float, read_int

SERVICES = "services"
DEFINITION = "service_definition"
REQUESTS = "service_requests"


class DocumentError(ValueError):
    """The document is not a GeoReport v2 document this reader understands."""


@dataclass(frozen=True)
class RemoteAttribute:
    code: str
    datatype: str
    required: bool
    description: str
    order: int
    variable: bool = True
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RemoteService:
    code: str
    name: str
    description: str = ""
    group: str = ""
    keywords: str = ""
    metadata: bool = False


@dataclass(frozen=True)
class RemoteRequest:
    id: str
    status: str
    requested: datetime
    updated: datetime
    service_code: str = ""
    service_name: str = ""
    description: str = ""
    status_notes: str = ""
    agency_responsible: str = ""
    expected: datetime | None = None
    address: str = ""
    address_id: str = ""
    zipcode: str = ""
    lat: float | None = None
    long: float | None = None
    media_url: str = ""
    token: str = ""


@dataclass
class Document:
    kind: str  # SERVICES, DEFINITION or REQUESTS
    rows: list[dict[str, Any]] = field(default_factory=list)


# --- the two encodings, read into the same dicts -----------------------------------------------


def _xml_value(element: Element) -> Any:
    """An element as the JSON ("Spark") mapping would have it: text, or a dict of children."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    return {child.tag: _xml_value(child) for child in children}


def _xml_rows(root: Element, tag: str) -> list[dict[str, Any]]:
    rows = []
    for child in root:
        if child.tag != tag:
            raise DocumentError(f"<{root.tag}> holds <{child.tag}>; expected <{tag}>")
        rows.append({c.tag: _xml_value(c) for c in child})
    return rows


def _xml_definition(root: Element) -> dict[str, Any]:
    out: dict[str, Any] = {c.tag: (c.text or "").strip() for c in root if c.tag != "attributes"}
    attributes = []
    for holder in root.findall("attributes"):
        for attribute in holder:
            if attribute.tag != "attribute":
                raise DocumentError(f"<attributes> holds <{attribute.tag}>; expected <attribute>")
            row: dict[str, Any] = {}
            for c in attribute:
                if c.tag == "values":
                    row["values"] = [{v.tag: (v.text or "").strip() for v in value} for value in c]
                else:
                    row[c.tag] = (c.text or "").strip()
            attributes.append(row)
    out["attributes"] = attributes
    return out


def read_document(raw: bytes) -> Document:
    """Read a services list, a service definition or a requests list, JSON or XML."""
    text = raw.lstrip()
    if text[:1] == b"<":
        try:
            root = ElementTree.fromstring(raw)
        except ElementTree.ParseError as exc:
            raise DocumentError(f"broken XML: {exc}") from None
        except Exception as exc:  # defusedxml refuses entities and DTDs with its own errors
            raise DocumentError(f"refused XML: {exc}") from None
        if root.tag == "services":
            return Document(SERVICES, _xml_rows(root, "service"))
        if root.tag == "service_requests":
            return Document(REQUESTS, _xml_rows(root, "request"))
        if root.tag == "service_definition":
            return Document(DEFINITION, [_xml_definition(root)])
        if root.tag == "errors":
            raise DocumentError("the server answered with errors: " + _error_text(root))
        raise DocumentError(f"unexpected root element <{root.tag}>")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 (byte {exc.start})") from None
    except (ValueError, RecursionError) as exc:
        raise DocumentError(f"broken JSON: {exc}") from None
    if isinstance(data, dict) and "attributes" in data:
        return Document(DEFINITION, [data])
    if not isinstance(data, list):
        raise DocumentError("expected a JSON array of services or requests")
    if not all(isinstance(row, dict) for row in data):
        raise DocumentError("every element of the JSON array must be an object")
    if (
        data
        and all("code" in row and "description" in row for row in data)
        and not any("service_code" in row for row in data)
    ):
        raise DocumentError(
            "the server answered with errors: "
            + "; ".join(f"{row.get('code')} {row.get('description')}" for row in data)
        )
    if any("service_request_id" in row or "token" in row for row in data):
        return Document(REQUESTS, data)
    return Document(SERVICES, data)


def _error_text(root: Element) -> str:
    parts = []
    for error in root:
        code = (error.findtext("code") or "").strip()
        description = (error.findtext("description") or "").strip()
        parts.append(f"{code} {description}".strip())
    return "; ".join(parts) or "(no description)"


# --- typed rows --------------------------------------------------------------------------------


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _bool(row: dict[str, Any], name: str, where: str) -> bool:
    value = row.get(name)
    if value is None or value == "":
        return False
    try:
        return read_bool(value)
    except Invalid:
        raise DocumentError(f"{where}: {name} is {_text(row, name)!r}, not true or false") from None


def parse_datetime(value: str, where: str, name: str) -> datetime:
    """A W3C datetime; the time zone is mandatory (the specification says so)."""
    try:
        return read_datetime(value, naive="refuse")
    except Invalid as exc:
        if exc.code == Code.NO_TIME_ZONE:
            raise DocumentError(f"{where}: {name} {value!r} has no time zone") from None
        raise DocumentError(f"{where}: {name} {value!r} is not a W3C datetime") from None


def _coordinate(row: dict[str, Any], name: str, where: str, limit: float) -> float | None:
    text = _text(row, name)
    if not text:
        return None
    try:
        number = read_float(text)
    except Invalid:
        raise DocumentError(f"{where}: {name} {text!r} is not a number") from None
    if abs(number) > limit:
        raise DocumentError(f"{where}: {name} {text!r} is out of range")
    return number


def services(document: Document) -> tuple[list[RemoteService], list[str]]:
    """The services, and a sentence for each row that could not be read."""
    if document.kind != SERVICES:
        raise DocumentError(f"expected a services list, got {document.kind}")
    return _services(document)


def _services(document: Document) -> tuple[list[RemoteService], list[str]]:
    good: list[RemoteService] = []
    bad: list[str] = []
    for i, row in enumerate(document.rows, start=1):
        code = _text(row, "service_code")
        if not code:
            bad.append(f"service {i}: no service_code")
            continue
        try:
            metadata = _bool(row, "metadata", f"service {i} ({code})")
        except DocumentError as exc:
            bad.append(str(exc))
            continue
        good.append(
            RemoteService(
                code=code,
                name=_text(row, "service_name") or code,
                description=_text(row, "description"),
                group=_text(row, "group"),
                keywords=_text(row, "keywords"),
                metadata=metadata,
            )
        )
    return good, bad


def definition(document: Document) -> tuple[str, list[RemoteAttribute]]:
    """The service code and its attributes, in their declared order."""
    if document.kind != DEFINITION:
        raise DocumentError(f"expected a service definition, got {document.kind}")
    row = document.rows[0]
    code = _text(row, "service_code")
    raw = row.get("attributes") or []
    if not isinstance(raw, list):
        raise DocumentError(f"service definition {code}: attributes is not a list")
    out = []
    for i, attribute in enumerate(raw, start=1):
        where = f"service definition {code}, attribute {i}"
        if not isinstance(attribute, dict):
            raise DocumentError(f"{where}: not an object")
        acode = _text(attribute, "code")
        if not acode:
            raise DocumentError(f"{where}: no code")
        order_text = _text(attribute, "order") or str(i)
        try:
            order = read_int(order_text, low=-(2**31), high=2**31)
        except Invalid:
            raise DocumentError(f"{where}: order {order_text!r} is not a number") from None
        values = attribute.get("values") or []
        if not isinstance(values, list):
            raise DocumentError(f"{where}: values is not a list")
        pairs = tuple(
            (_text(v, "key"), _text(v, "name") or _text(v, "key"))
            for v in values
            if isinstance(v, dict) and _text(v, "key")
        )
        out.append(
            RemoteAttribute(
                code=acode,
                datatype=_text(attribute, "datatype") or "string",
                required=_bool(attribute, "required", where),
                description=_text(attribute, "description") or acode,
                order=order,
                variable=_bool({"v": attribute.get("variable", True)}, "v", where),
                values=pairs,
            )
        )
    return code, sorted(out, key=lambda a: a.order)


def requests(document: Document) -> tuple[list[RemoteRequest], list[str]]:
    """The requests, and a sentence for each row that could not be read."""
    if document.kind != REQUESTS:
        raise DocumentError(f"expected a service requests list, got {document.kind}")
    good: list[RemoteRequest] = []
    bad: list[str] = []
    for i, row in enumerate(document.rows, start=1):
        try:
            parsed = _request(i, row)
        except DocumentError as exc:
            bad.append(str(exc))
        else:
            if parsed is not None:
                good.append(parsed)
    return good, bad


def _request(i: int, row: dict[str, Any]) -> RemoteRequest | None:
    rid = _text(row, "service_request_id")
    where = f"request {i}" + (f" ({rid})" if rid else "")
    if not rid:
        # A batch server's token-only answer: nothing to import yet.
        return None
    status = _text(row, "status").lower()
    if status not in ("open", "closed"):
        raise DocumentError(f"{where}: status {status!r} is neither open nor closed")
    requested_text = _text(row, "requested_datetime")
    if not requested_text:
        raise DocumentError(f"{where}: no requested_datetime")
    requested = parse_datetime(requested_text, where, "requested_datetime")
    updated_text = _text(row, "updated_datetime")
    updated = parse_datetime(updated_text, where, "updated_datetime") if updated_text else None
    expected_text = _text(row, "expected_datetime")
    return RemoteRequest(
        id=rid,
        status=status,
        requested=requested,
        updated=updated or requested,
        service_code=_text(row, "service_code"),
        service_name=_text(row, "service_name"),
        description=_text(row, "description"),
        status_notes=_text(row, "status_notes"),
        agency_responsible=_text(row, "agency_responsible"),
        expected=(
            parse_datetime(expected_text, where, "expected_datetime") if expected_text else None
        ),
        address=_text(row, "address"),
        address_id=_text(row, "address_id"),
        zipcode=_text(row, "zipcode"),
        lat=_coordinate(row, "lat", where, 90),
        long=_coordinate(row, "long", where, 180),
        media_url=_text(row, "media_url"),
        token=_text(row, "token"),
    )
