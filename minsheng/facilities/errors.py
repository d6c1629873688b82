"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations
