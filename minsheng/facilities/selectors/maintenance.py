"""Selectors of the maintenance part (issue 10)."""

from __future__ import annotations
