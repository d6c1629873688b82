"""The codes of the catalog's refusals (see ``orders.errors`` for how interfaces use them)."""

from __future__ import annotations

from enum import StrEnum


class CatalogCode(StrEnum):
    NO_COUNTY = "no_county"
