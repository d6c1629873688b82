"""GeoReport v2 documents in XML and JSON, built from the same plain data.

A document is a root element name, the name of each item in it, and items that are dicts
of scalars, nested dicts and lists. JSON is the spec's "Spark" mapping of the XML: the root
and the item wrapper disappear and lists become bare arrays.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

# The element name of one member of each list (XML has no bare arrays).
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}

# Characters XML 1.0 cannot carry, even escaped; text from other channels may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@overload
def w3c(value: datetime) -> str: ...
@overload
def w3c(value: None) -> None: ...
@overload
def w3c(value: datetime | None) -> str | None: ...


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime with the county's offset, e.g. ``2026-05-01T09:30:00+08:00``."""
    if value is None:
        return None
    # The default zone, not the "current" one: nothing here activates another, and looking
    # the current one up (a context-local read) cost more than the formatting, per datetime.
    return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list | tuple):
        item = ITEM_NAMES.get(name, "item")
        for inner in value:
            _append(element, item, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, body: Sequence[Any] | Mapping[str, Any]) -> str:
    """``body`` is a list of items (wrapped as ``root/item``) or one mapping (``root``)."""
    element = ET.Element(root)
    if isinstance(body, Mapping):
        for key, value in body.items():
            _append(element, key, value)
    else:
        for value in body:
            _append(element, item or "item", value)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


@dataclass(frozen=True)
class Document:
    root: str
    item: str | None
    body: Sequence[Any] | Mapping[str, Any]
    status: int = 200


def respond(doc: Document, fmt: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
    if fmt == XML:
        content = to_xml(doc.root, doc.item, doc.body)
    else:
        content = json.dumps(doc.body, ensure_ascii=False)
    response = HttpResponse(content, status=doc.status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@dataclass(frozen=True)
class Problem:
    """One error of an ``errors`` document: the HTTP-like code and which argument, why."""

    code: int
    description: str


class Open311Error(Exception):
    """One or more problems with a call; nothing was written when this is raised."""

    def __init__(
        self, problems: Sequence[Problem], headers: Mapping[str, str] | None = None
    ) -> None:
        self.problems = list(problems)
        self.headers = dict(headers or {})
        super().__init__("; ".join(p.description for p in self.problems))

    @classmethod
    def one(cls, code: int, description: str) -> Open311Error:
        return cls([Problem(code, description)])

    @property
    def status(self) -> int:
        # One status for the response: the problems' own when they agree, else 400 (the
        # spec's "any other failure").
        codes = {p.code for p in self.problems}
        return codes.pop() if len(codes) == 1 else 400


def error_document(error: Open311Error) -> Document:
    return Document(
        root="errors",
        item="error",
        body=[{"code": p.code, "description": p.description} for p in error.problems],
        status=error.status,
    )


def shown(value: str, limit: int = 40) -> str:
    """A client's value quoted in an error description: printable and short."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in value)
    if len(clean) > limit:
        clean = clean[:limit] + "…"
    return f"'{clean}'"
